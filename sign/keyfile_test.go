package sign

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestNewSealP12(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	p12, err := NewSealP12("Demo-Siegel Gemeinde X", "Gemeinde X (Demo)", now.Add(-time.Hour), now.AddDate(5, 0, 0), "demo")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadPKCS12(p12, "falsch", now); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("wrong password: %v", err)
	}
	k, err := LoadPKCS12(p12, "demo", now)
	if err != nil {
		t.Fatal(err)
	}
	h := Describe(k)
	if h.Subject != "Demo-Siegel Gemeinde X (Gemeinde X (Demo))" || h.KeyType != "ECDSA P-256" || !h.NotAfter.Equal(now.AddDate(5, 0, 0)) {
		t.Errorf("holder %+v", h)
	}
	signed, err := Sign(testPDF(t, 1), k, Options{Time: now})
	if err != nil {
		t.Fatal(err)
	}
	if infos, err := Verify(signed); err != nil || len(infos) != 1 || !infos[0].Valid {
		t.Errorf("verify %+v %v", infos, err)
	}
	if _, err := LoadPKCS12(p12, "demo", now.AddDate(6, 0, 0)); !errors.Is(err, ErrExpired) {
		t.Errorf("after its validity: %v", err)
	}
}

func TestKeyFiles(t *testing.T) {
	key := testKey(t, "RSA 2048")
	leaf, ca := testChain(t, key, defaultCertOpts())
	p12 := testP12(t, key, leaf, ca, "geheim")
	src := writeTemp(t, "siegel.p12", p12)
	data, err := ReadPKCS12File(src)
	if err != nil || !bytes.Equal(data, p12) {
		t.Fatalf("read %v", err)
	}
	dir := filepath.Join(t.TempDir(), KeyFolder)
	name, err := StoreKeyFile(dir, data)
	if err != nil {
		t.Fatal(err)
	}
	again, err := StoreKeyFile(dir, data)
	if err != nil || again != name || !strings.HasPrefix(name, "siegel-") {
		t.Errorf("names %q %q %v", name, again, err)
	}
	st, err := os.Stat(filepath.Join(dir, name))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("stored file %v %v", st, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("folder holds %d files, want the key only", len(entries))
	}
	back, err := ReadKeyFile(dir, "../../elsewhere/"+name)
	if err != nil || !bytes.Equal(back, p12) {
		t.Errorf("read back through a path: %v", err)
	}

	for _, tt := range []struct {
		name string
		data []byte
		want error
	}{
		{"text.p12", []byte("kein Schlüssel"), ErrBadFile},
		{"big.p12", bytes.Repeat([]byte{0x30}, MaxKeyFile+1), ErrTooLarge},
	} {
		if _, err := ReadPKCS12File(writeTemp(t, tt.name, tt.data)); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	if _, err := ReadPKCS12File(t.TempDir()); err == nil {
		t.Error("a folder read as a key file")
	}
	if _, err := ReadPKCS12File(filepath.Join(t.TempDir(), "fehlt.p12")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}
