package adversarial

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/boltstore"
	"github.com/ozgcloud/desktop/cloud/cloudtest"
	"github.com/ozgcloud/desktop/cloud/pgstore"
	"github.com/ozgcloud/desktop/cloud/pgstore/pgtest"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// Issue 11, finding 6, on both storages: cursor=2^64-1 returned the whole log on
// bbolt and 500 on PostgreSQL above 2^63. Over HTTP such cursors are refused (400);
// the largest valid one is an empty page; and the storages themselves answer an
// empty page for any cursor past their log.
func TestCursorEdgesBothBackends(t *testing.T) {
	for _, backend := range []string{"bolt", "pg"} {
		t.Run(backend, func(t *testing.T) {
			var st cloud.Storage
			var err error
			if backend == "bolt" {
				st, err = boltstore.Open(filepath.Join(t.TempDir(), "cloud.db"))
			} else {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				st, err = pgstore.Open(ctx, pgtest.URL(t))
			}
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			ctx := context.Background()
			svc := cloud.New(st, cloud.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Password: cloudtest.CheapParams})
			if _, err := svc.AddTenant(ctx, "gut", "Gut"); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.AddOrgUnit(ctx, "gut", "ou-gut", "Amt"); err != nil {
				t.Fatal(err)
			}
			u, err := svc.AddUser(ctx, "gut", "Anna Amt", model.RoleSachbearbeitung)
			if err != nil {
				t.Fatal(err)
			}
			code, _, err := svc.NewEnrollment(ctx, "gut")
			if err != nil {
				t.Fatal(err)
			}
			dev, err := svc.Enroll(ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			c := model.Case{ID: "case-1", OrgUnit: "ou-gut", FileNumber: "GUT-2026-0001-" + dev.DeviceCode, Type: "GEWERBE", Title: "Eins",
				ReceivedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Channel: model.ChannelCounter, Applicant: model.Applicant{Name: "Erika Mustermann"}, Status: model.StatusNeu}
			m, _ := model.NewMutation("case-1", model.KindCreate, model.CreatePayload{Case: c})
			m.Device, m.Seq, m.ID, m.User, m.At = dev.DeviceID, 1, wire.MutationID(dev.DeviceID, 1), u.ID, time.Now().UTC().Truncate(time.Second)
			d, err := svc.Authenticate(ctx, dev.Token)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := cloudtest.SignIn(ctx, svc, d, u.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Push(ctx, d, cloudtest.Push(m)); err != nil {
				t.Fatal(err)
			}
			for _, cursor := range []uint64{math.MaxUint64, math.MaxInt64 + 1, math.MaxInt64, 2} {
				page, err := svc.Changes(ctx, d, cursor, 10)
				if err != nil || len(page.Changes) != 0 || page.More {
					t.Errorf("Service.Changes after %d: %d changes, more %v, %v", cursor, len(page.Changes), page.More, err)
				}
			}

			srv := httptest.NewServer(cloud.NewHandler(svc, cloud.HandlerOptions{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}))
			defer srv.Close()
			for cursor, want := range map[string]int{"18446744073709551615": 400, "9223372036854775808": 400, "9223372036854775807": 0, "0": 1} {
				r, _ := http.NewRequest("GET", srv.URL+wire.PathChanges+"?cursor="+cursor, nil)
				r.Header.Set(wire.HeaderVersion, strconv.Itoa(wire.Version))
				r.Header.Set("Authorization", "Bearer "+dev.Token)
				resp, err := http.DefaultClient.Do(r)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if want == 400 {
					if resp.StatusCode != 400 {
						t.Errorf("cursor %s: %d %s", cursor, resp.StatusCode, b)
					}
					continue
				}
				page, err := wire.DecodeChanges(bytes.NewReader(b), int64(len(b))+1)
				if resp.StatusCode != 200 || err != nil || len(page.Changes) != want {
					t.Errorf("cursor %s: %d, %d changes, %v", cursor, resp.StatusCode, len(page.Changes), err)
				}
			}
		})
	}
}
