package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/boltstore"
)

// "device revoke" revokes the devices the device's copied data folders
// re-enrolled as (put into the storage directly, as Reenroll leaves them) and says
// which; another PC's copy stays.
func TestDeviceRevokeNamesCopies(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	ok(t, "init", "--data", data)
	ok(t, "tenant", "add", "--data", data, "--id", "musterstadt", "--name", "Musterstadt")
	st, err := boltstore.Open(filepath.Join(data, dbFile))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	err = st.Registry(context.Background(), func(r cloud.RegistryTx) error {
		for _, d := range []cloud.Device{
			{ID: "pc-original", Code: "K1"},
			{ID: "pc-kopie", Code: "K2", CopyOf: "pc-original", CopyFrom: "pc-original"},
			{ID: "pc-kopie-der-kopie", Code: "K3", CopyOf: "pc-original", CopyFrom: "pc-kopie"},
			{ID: "pc-anderer", Code: "K4"},
			{ID: "pc-anderer-kopie", Code: "K5", CopyOf: "pc-anderer", CopyFrom: "pc-anderer"},
		} {
			d.Tenant, d.TokenHash, d.Enrolled = "musterstadt", "hash-"+d.ID, at
			if err := r.PutDevice(d); err != nil {
				return err
			}
		}
		return nil
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	out := ok(t, "device", "revoke", "--data", data, "--id", "pc-original")
	for _, want := range []string{"Gerät gesperrt: pc-original", "Mit ihm gesperrt: 2 Gerät(e)",
		"pc-kopie (Gerätekürzel K2, angemeldet 2026-03-02 09:00 UTC)", "pc-kopie-der-kopie (Gerätekürzel K3"} {
		if !strings.Contains(out, want) {
			t.Errorf("revoke: no %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "pc-anderer") {
		t.Errorf("revoke names another PC's copy:\n%s", out)
	}
	if out := ok(t, "device", "revoke", "--data", data, "--id", "pc-anderer"); !strings.Contains(out, "pc-anderer-kopie (Gerätekürzel K5") {
		t.Errorf("revoke of the other PC:\n%s", out)
	}
	if out := ok(t, "device", "revoke", "--data", data, "--id", "pc-kopie"); strings.Contains(out, "Mit ihm gesperrt") {
		t.Errorf("revoked again, the copies are named again:\n%s", out)
	}
}
