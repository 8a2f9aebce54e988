package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/store/index"
)

// TestDemoStores checks the desktops' stores after a run of scripts/demo-sync.sh with
// "intake" (E2E_DEMO_DIR names its DEMO_DIR; the desktops must have ended): both
// desktops hold the same cases, and every online application with its representation
// and attachments.
//
//	DEMO_HEADLESS=1 scripts/demo-sync.sh & scripts/demo-sync.sh intake; (stop it)
//	E2E_DEMO_DIR=build/demo-sync go test -run TestDemoStores -v ./sync/e2e/
func TestDemoStores(t *testing.T) {
	dir := os.Getenv("E2E_DEMO_DIR")
	if dir == "" {
		t.Skip("E2E_DEMO_DIR not set")
	}
	var ids [2][]string
	var jsons [2]map[string]string
	for i, name := range []string{"desktop-a", "desktop-b"} {
		db, err := store.Open(store.Options{Dir: filepath.Join(dir, name)})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.Check(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		jsons[i] = map[string]string{}
		page := db.List(index.Query{Limit: 1000})
		for _, r := range page.Rows {
			c, err := db.Case(r.ID)
			if err != nil {
				t.Fatal(err)
			}
			ids[i] = append(ids[i], c.ID)
			jsons[i][c.ID] = caseJSON(t, db, c.ID)
			if c.Channel != model.ChannelOnline {
				continue
			}
			files := append([]model.Attachment{}, c.Attachments...)
			if c.Representation != nil {
				files = append(files, *c.Representation)
			}
			for _, f := range files {
				if !blobHashes(db, f.SHA256) {
					t.Errorf("%s: case %s: file %s not here", name, c.ID, f.Name)
				}
			}
		}
		st, _ := db.SyncState()
		t.Logf("%s: %d cases, sync %+v", name, len(ids[i]), st)
	}
	if len(ids[0]) == 0 || len(ids[0]) != len(ids[1]) {
		t.Fatalf("cases: A %d, B %d", len(ids[0]), len(ids[1]))
	}
	for id, j := range jsons[0] {
		if jsons[1][id] != j {
			t.Errorf("case %s differs between A and B", id)
		}
	}
}

func blobHashes(db *store.DB, sha string) bool {
	_, err := db.BlobPath(sha)
	return err == nil
}
