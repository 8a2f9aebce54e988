package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/boltstore"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// "filenumber duplicates" lists the file numbers two cases hold (put into the
// storage directly, as before the service refused them), and "filenumber
// renumber" gives one of them a new number, recorded in the change log.
func TestFileNumberCommands(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	ok(t, "init", "--data", data)
	ok(t, "tenant", "add", "--data", data, "--id", "musterstadt", "--name", "Musterstadt")
	if out := ok(t, "filenumber", "duplicates", "--data", data, "--tenant", "musterstadt"); !strings.Contains(out, "kein Aktenzeichen") {
		t.Errorf("no duplicates: %q", out)
	}
	st, err := boltstore.Open(filepath.Join(data, dbFile))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	err = st.Update(context.Background(), "musterstadt", func(tx cloud.TenantTx) error {
		for _, id := range []string{"case-a", "case-b"} {
			c := model.Case{ID: id, Tenant: "musterstadt", FileNumber: "BAU-2026-0001-AB", Type: "BAU", Title: "Carport",
				ReceivedAt: at, Channel: model.ChannelCounter, Status: model.StatusNeu, Version: 1, CreatedAt: at, UpdatedAt: at}
			if err := tx.PutCaseHead(c); err != nil {
				return err
			}
			if _, err := tx.AppendChange(wire.Change{CaseID: id, Case: &c}); err != nil {
				return err
			}
		}
		return nil
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	out := ok(t, "filenumber", "duplicates", "--data", data, "--tenant", "musterstadt")
	if !strings.Contains(out, "BAU-2026-0001-AB: case-a case-b") {
		t.Fatalf("duplicates: %q", out)
	}
	out = ok(t, "filenumber", "renumber", "--data", data, "--tenant", "musterstadt", "--case", "case-b")
	if !strings.Contains(out, "BAU-") || strings.Contains(out, "BAU-2026-0001-AB") {
		t.Fatalf("renumber: %q", out)
	}
	if out := ok(t, "filenumber", "duplicates", "--data", data, "--tenant", "musterstadt"); !strings.Contains(out, "kein Aktenzeichen") {
		t.Errorf("after the repair: %q", out)
	}
	if _, errOut, code := cli(t, "filenumber", "renumber", "--data", data, "--tenant", "musterstadt"); code != 2 || !strings.Contains(errOut, "--case") {
		t.Errorf("renumber without a case: exit %d %s", code, errOut)
	}
}
