package storagetest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/cloudtest"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// MaxCommentGrowth is what 1,000 comments of 1 KB on one case may add to a storage:
// three times what was written, for the comment in the change log, its history entry
// and their indexes.
const MaxCommentGrowth = 3 << 20

// CommentGrowth pushes 1,000 comments of 1 KB onto one case through a cloud.Service
// on s, one push each as clerks write them, and fails when the storage grew by more
// than MaxCommentGrowth; size returns the bytes the storage uses now. It returns the
// growth. Before sync protocol version 2 every entry of the change log held the whole
// case, so the comments added about 500 MB: the check runs every 100 comments and
// stops at the first excess.
func CommentGrowth(t *testing.T, s cloud.Storage, size func() int64) int64 {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	svc := cloud.New(s, cloud.Options{
		Now:      func() time.Time { return now },
		Rand:     rand.NewChaCha8([32]byte{7}),
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Password: cloudtest.CheapParams,
	})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := svc.AddTenant(ctx, tenantA, "Musterstadt")
	must(err)
	u, err := svc.AddUser(ctx, tenantA, "Anna Amt", model.RoleSachbearbeitung)
	must(err)
	code, _, err := svc.NewEnrollment(ctx, tenantA)
	must(err)
	er, err := svc.Enroll(ctx, code)
	must(err)
	d, err := svc.Authenticate(ctx, er.Token)
	must(err)
	_, err = cloudtest.SignIn(ctx, svc, d, u.ID)
	must(err)
	var seq uint64
	push := func(kind model.MutationKind, payload any) {
		t.Helper()
		m, err := model.NewMutation("case-1", kind, payload)
		must(err)
		seq++
		now = now.Add(time.Minute)
		m.Device, m.Seq, m.ID, m.User, m.At = d.ID, seq, wire.MutationID(d.ID, seq), u.ID, now
		resp, err := svc.Push(ctx, d, cloudtest.Push(m))
		must(err)
		if len(resp.Results) != 1 || resp.Results[0].Status != wire.StatusApplied {
			t.Fatalf("push %d: %+v", seq, resp)
		}
	}
	push(model.KindCreate, model.CreatePayload{Case: model.Case{
		ID: "case-1", OrgUnit: "ou-1", FileNumber: "BAU-2026-0001-" + d.Code, Type: "BAU",
		Title: "Bauantrag Gartenhaus", ReceivedAt: now, Channel: model.ChannelCounter,
		Applicant: model.Applicant{Name: "Erika Mustermann"}, Status: model.StatusNeu,
	}})
	before := size()
	words := strings.Fields("Die Unterlagen zum Bauantrag sind eingegangen und wurden geprüft. Es fehlt der Lageplan im Maßstab 1:500 sowie die Baubeschreibung; die Antragstellerin wurde telefonisch gebeten, beides nachzureichen.")
	var grew int64
	for i := 1; i <= 1000; i++ {
		var text strings.Builder
		fmt.Fprintf(&text, "%d. ", i)
		for j := 0; text.Len() < 1024; j++ {
			text.WriteString(words[(i+j)%len(words)] + " ")
		}
		kb := text.String()[:1024]
		for !utf8.ValidString(kb) {
			kb = kb[:len(kb)-1] // not in the middle of an umlaut
		}
		push(model.KindComment, model.CommentPayload{Comment: model.Comment{
			ID: fmt.Sprintf("comment-%04d", i), At: now, By: u.ID, Text: kb,
		}})
		if i%100 == 0 {
			grew = size() - before
			if grew > MaxCommentGrowth {
				t.Fatalf("%d comments of 1 KB on one case grew the storage by %.1f MB, more than %.1f MB for all 1,000",
					i, float64(grew)/(1<<20), float64(MaxCommentGrowth)/(1<<20))
			}
		}
	}
	return grew
}
