package identity

import (
	"crypto/rand"
	"errors"
	mrand "math/rand/v2"
	"strings"
	"testing"
)

// cheap keeps unit tests fast; the parameters' cost is measured by BenchmarkSignIn
// and exercised once with DefaultParams below.
var cheap = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// seeded is a deterministic source of randomness for tests.
func seeded(seed uint64) *mrand.ChaCha8 {
	var s [32]byte
	s[0] = byte(seed)
	return mrand.NewChaCha8(s)
}

func TestVerifierRoundTrip(t *testing.T) {
	for _, p := range []Params{cheap, DefaultParams, {Memory: 128, Time: 3, Threads: 2, SaltLen: 8, KeyLen: 64}} {
		v, err := HashPassword("Rathaus-Kaffee-Treppe", p, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		upgrade, err := VerifyPassword(v, "Rathaus-Kaffee-Treppe", p)
		if err != nil || upgrade {
			t.Errorf("%+v: VerifyPassword(right password) = %v, %v; want false, nil", p, upgrade, err)
		}
		for _, wrong := range []string{"rathaus-Kaffee-Treppe", "Rathaus-Kaffee-Trepp", "", "Rathaus-Kaffee-Treppe "} {
			if _, err := VerifyPassword(v, wrong, p); !errors.Is(err, ErrWrongPassword) {
				t.Errorf("%+v: VerifyPassword(%q) = %v; want ErrWrongPassword", p, wrong, err)
			}
		}
	}
}

// TestDefaultParamsFloor keeps DefaultParams at or above issue 10's minimum.
func TestDefaultParamsFloor(t *testing.T) {
	p := DefaultParams
	if p.Memory < 19*1024 || p.Time < 2 || p.Threads < 1 || p.SaltLen < 16 || p.KeyLen < 32 || p.check() != nil {
		t.Errorf("DefaultParams %+v are below m=19 MiB, t=2, p=1, 16-byte salt, 32-byte hash", p)
	}
}

func TestVerifierFormat(t *testing.T) {
	v, err := HashPassword("Rathaus-Kaffee-Treppe", DefaultParams, seeded(1))
	if err != nil {
		t.Fatal(err)
	}
	want := "$argon2id$v=19$m=32768,t=2,p=1$"
	if !strings.HasPrefix(v, want) {
		t.Fatalf("verifier %q does not start with %q", v, want)
	}
	parts := strings.Split(v, "$")
	if len(parts[4]) != 22 || len(parts[5]) != 43 { // 16 and 32 bytes in unpadded base64
		t.Errorf("salt %q or hash %q has the wrong length", parts[4], parts[5])
	}
	other, _ := HashPassword("Rathaus-Kaffee-Treppe", DefaultParams, seeded(2))
	if other == v {
		t.Error("two verifiers of one password with different salts are equal")
	}
}

func TestVerifierUpgrade(t *testing.T) {
	old := Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	for _, current := range []Params{
		{Memory: 128, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
		{Memory: 64, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32},
		{Memory: 64, Time: 1, Threads: 2, SaltLen: 16, KeyLen: 32},
		{Memory: 64, Time: 1, Threads: 1, SaltLen: 32, KeyLen: 32},
		{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 64},
	} {
		v, _ := HashPassword("Rathaus-Kaffee-Treppe", old, rand.Reader)
		upgrade, err := VerifyPassword(v, "Rathaus-Kaffee-Treppe", current)
		if err != nil || !upgrade {
			t.Fatalf("old verifier against %+v: upgrade %v, %v; want true, nil", current, upgrade, err)
		}
		if _, err := VerifyPassword(v, "falsch-falsch", current); !errors.Is(err, ErrWrongPassword) {
			t.Errorf("wrong password on an old verifier: %v", err)
		}
		nv, _ := HashPassword("Rathaus-Kaffee-Treppe", current, rand.Reader)
		if upgrade, err := VerifyPassword(nv, "Rathaus-Kaffee-Treppe", current); err != nil || upgrade {
			t.Errorf("re-hashed verifier: upgrade %v, %v; want false, nil", upgrade, err)
		}
	}
}

func TestVerifierMalformed(t *testing.T) {
	good, _ := HashPassword("Rathaus-Kaffee-Treppe", cheap, seeded(1))
	parts := strings.Split(good, "$") // "", argon2id, v=19, m=64,t=1,p=1, salt, hash
	salt, hash := parts[4], parts[5]
	for _, bad := range []string{
		"",
		"Rathaus-Kaffee-Treppe",
		"$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + hash,
		"$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + hash,
		"$argon2id$m=64,t=1,p=1$" + salt + "$" + hash,
		"$argon2id$v=19$m=64,t=1,p=1$" + salt,
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + hash + "$",
		"$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + hash,
		"$argon2id$v=19$m=64,t=1$" + salt + "$" + hash,
		"$argon2id$v=19$m=64,t=1,p=1,k=1$" + salt + "$" + hash,
		"$argon2id$v=19$m=064,t=1,p=1$" + salt + "$" + hash,
		"$argon2id$v=19$m=+64,t=1,p=1$" + salt + "$" + hash,
		"$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + hash,
		"$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + hash,
		"$argon2id$v=19$m=64,t=1,p=300$" + salt + "$" + hash,
		"$argon2id$v=19$m=7,t=1,p=1$" + salt + "$" + hash,
		"$argon2id$v=19$m=4294967295,t=1,p=1$" + salt + "$" + hash,
		"$argon2id$v=19$m=99999999999,t=1,p=1$" + salt + "$" + hash,
		"$argon2id$v=19$m=64,t=33,p=1$" + salt + "$" + hash,
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + hash,
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + hash + "=",
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + hash[:len(hash)-1] + "*",
		// Base64 decoders skip line breaks; a verifier must not.
		"$argon2id$v=19$m=64,t=1,p=1$" + salt[:4] + "\r\n" + salt[4:] + "$" + hash,
		// A 3-byte salt, an 8-byte hash.
		"$argon2id$v=19$m=64,t=1,p=1$QUJD$" + hash,
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$QUJDREVGR0g",
	} {
		_, err := VerifyPassword(bad, "Rathaus-Kaffee-Treppe", cheap)
		if !errors.Is(err, ErrMalformedVerifier) {
			t.Errorf("VerifyPassword(%q) = %v; want ErrMalformedVerifier", bad, err)
		}
		if err != nil && strings.Contains(err.Error(), salt) {
			t.Errorf("error %q quotes the verifier", err)
		}
	}
}

func TestHashPasswordRefusesBadParams(t *testing.T) {
	for _, p := range []Params{
		{},
		{Memory: 64, Time: 1, Threads: 1, SaltLen: 4, KeyLen: 32},
		{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 8},
		{Memory: 8, Time: 1, Threads: 2, SaltLen: 16, KeyLen: 32},
		{Memory: 1 << 30, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32},
	} {
		if v, err := HashPassword("Rathaus-Kaffee-Treppe", p, rand.Reader); err == nil {
			t.Errorf("HashPassword with %+v = %q; want an error", p, v)
		}
	}
	if _, err := HashPassword("Rathaus-Kaffee-Treppe", cheap, strings.NewReader("short")); err == nil {
		t.Error("HashPassword with a failing rand: no error")
	}
}

func TestVerifyUnknown(t *testing.T) {
	if err := VerifyUnknown("Rathaus-Kaffee-Treppe", cheap); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("VerifyUnknown = %v; want ErrWrongPassword", err)
	}
}

// FuzzParseVerifier checks that the parser never panics, that whatever it accepts it
// writes back byte for byte (one spelling per verifier), and that accepted parameters
// are within bounds.
func FuzzParseVerifier(f *testing.F) {
	good, _ := HashPassword("Rathaus-Kaffee-Treppe", cheap, seeded(1))
	f.Add(good)
	f.Add("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")
	f.Add("$argon2id$v=19$m=064,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")
	f.Add("$argon2id$v=19$m=1,t=1,p=1$$")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseVerifier(s)
		if err != nil {
			if !errors.Is(err, ErrMalformedVerifier) {
				t.Fatalf("error %v does not wrap ErrMalformedVerifier", err)
			}
			return
		}
		if v.String() != s {
			t.Fatalf("parsed %q, wrote back %q", s, v.String())
		}
		if err := v.params.check(); err != nil {
			t.Fatalf("accepted parameters out of bounds: %v", err)
		}
	})
}

// BenchmarkSignIn measures one sign-in's password check with DefaultParams; the budget
// is 300 ms on the project's 2-core machine.
func BenchmarkSignIn(b *testing.B) {
	v, err := HashPassword("Rathaus-Kaffee-Treppe", DefaultParams, rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := VerifyPassword(v, "Rathaus-Kaffee-Treppe", DefaultParams); err != nil {
			b.Fatal(err)
		}
	}
}
