//go:build cgo

package sign

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ThalesGroup/crypto11"
)

const softHSMModule = "/usr/lib/softhsm/libsofthsm2.so"

// softHSM makes a fresh token in a temp SOFTHSM2_CONF and imports one key
// pair with its certificate per key type, labelled like the type.
func softHSM(t *testing.T, types []string) TokenConfig {
	t.Helper()
	util := needTool(t, "softhsm2-util", "softhsm2")
	if _, err := os.Stat(softHSMModule); err != nil {
		t.Fatalf("%s missing: install softhsm2", softHSMModule)
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "softhsm2.conf")
	if err := os.Mkdir(filepath.Join(dir, "tokens"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(conf, []byte("directories.tokendir = "+filepath.Join(dir, "tokens")+"\nobjectstore.backend = file\nlog.level = ERROR\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOFTHSM2_CONF", conf)
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command(util, args...).CombinedOutput(); err != nil {
			t.Fatalf("softhsm2-util %v: %v\n%s", args, err, out)
		}
	}
	run("--init-token", "--free", "--label", "Rathaus", "--pin", "1234", "--so-pin", "87654321")
	certs := map[string]*x509.Certificate{}
	for i, typ := range types {
		key := testKey(t, typ)
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, fmt.Sprintf("key%d.pem", i))
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		run("--import", p, "--token", "Rathaus", "--label", typ, "--id", fmt.Sprintf("%02x", i+1), "--pin", "1234")
		certs[typ], _ = testChain(t, key, defaultCertOpts())
	}
	// softhsm2-util imports no certificates; the card issuer's tool would.
	ctx, err := crypto11.Configure(&crypto11.Config{Path: softHSMModule, TokenLabel: "Rathaus", Pin: "1234"})
	if err != nil {
		t.Fatal(err)
	}
	for i, typ := range types {
		if err := ctx.ImportCertificateWithLabel([]byte{byte(i + 1)}, []byte(typ), certs[typ]); err != nil {
			t.Fatal(err)
		}
	}
	if err := ctx.Close(); err != nil {
		t.Fatal(err)
	}
	return TokenConfig{Module: softHSMModule, TokenLabel: "Rathaus", PIN: "1234"}
}

func TestPKCS11SoftHSM(t *testing.T) {
	types := []string{"RSA 3072", "ECDSA P-256", "ECDSA P-384"}
	cfg := softHSM(t, types)
	pdf := testPDF(t, 2)
	for _, typ := range types {
		t.Run(strings.ReplaceAll(typ, " ", "_"), func(t *testing.T) {
			c := cfg
			c.KeyLabel = typ
			tok, err := OpenPKCS11(c, testNow)
			if err != nil {
				t.Fatalf("OpenPKCS11: %v", err)
			}
			defer tok.Close()
			signed, err := Sign(pdf, tok, Options{Time: testNow})
			if err != nil {
				t.Fatalf("Sign: %v", err)
			}
			infos, err := Verify(signed)
			if err != nil || len(infos) != 1 || !infos[0].Valid || infos[0].KeyType != typ {
				t.Fatalf("Verify = %+v, %v", infos, err)
			}
			out := pdfsig(t, signed)
			if !strings.Contains(out, "Signature is Valid.") || !strings.Contains(out, "Total document signed") {
				t.Fatalf("pdfsig:\n%s", out)
			}
		})
	}

	bad := []struct {
		name string
		edit func(*TokenConfig)
		want error
	}{
		{"wrong PIN", func(c *TokenConfig) { c.PIN = "0000" }, ErrWrongPIN},
		{"no such token", func(c *TokenConfig) { c.TokenLabel = "Landratsamt" }, ErrTokenMissing},
		{"module not on the list", func(c *TokenConfig) { c.Module = filepath.Join(t.TempDir(), "fehlt.so") }, ErrModuleNotAllowed},
		{"listed module not installed", func(c *TokenConfig) {
			c.Module = "/usr/lib/ozgcloud-test-fehlt/p11.so"
			c.Modules, _ = NewModuleList(softHSMModule, c.Module)
		}, ErrTokenMissing},
		{"softhsm not on a given list", func(c *TokenConfig) { c.Modules, _ = NewModuleList(rootFile) }, ErrModuleNotAllowed},
		{"no such key", func(c *TokenConfig) { c.KeyLabel = "RSA 9999" }, ErrNoKey},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			c := cfg
			c.KeyLabel = types[0]
			tt.edit(&c)
			tok, err := OpenPKCS11(c, testNow)
			if !errors.Is(err, tt.want) {
				if tok != nil {
					tok.Close()
				}
				t.Fatalf("OpenPKCS11 = %v, want %v", err, tt.want)
			}
		})
	}
}

// A library's start-up code runs when it is loaded: a module off the list, or on
// the list but where a user can write, must never be loaded. The library here
// writes a marker file from its constructor.
func TestPKCS11NeverLoadsUnlistedModule(t *testing.T) {
	gcc := needTool(t, "gcc", "build-essential")
	dir := t.TempDir()
	marker := filepath.Join(dir, "geladen")
	src := filepath.Join(dir, "evil.c")
	code := "#include <stdio.h>\n__attribute__((constructor)) static void start(void) { FILE *f = fopen(\"" + marker + "\", \"w\"); if (f) fclose(f); }\n"
	if err := os.WriteFile(src, []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	lib := filepath.Join(dir, "libevil-pkcs11.so")
	if out, err := exec.Command(gcc, "-shared", "-fPIC", "-o", lib, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	listed, err := NewModuleList(lib)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []TokenConfig{
		{Module: lib, TokenLabel: "Rathaus", PIN: "1234"},                  // the installation's list
		{Module: lib, TokenLabel: "Rathaus", PIN: "1234", Modules: listed}, // listed, but in a user's folder
	} {
		tok, err := OpenPKCS11(c, testNow)
		if tok != nil {
			tok.Close()
		}
		if !errors.Is(err, ErrModuleNotAllowed) {
			t.Errorf("OpenPKCS11 = %v, want ErrModuleNotAllowed", err)
		}
		if _, err := os.Stat(marker); err == nil {
			t.Fatal("the module's start-up code ran")
		}
	}
}
