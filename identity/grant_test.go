package identity

import (
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/model"
)

func testKey(t testing.TB, seed byte) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(seeded(uint64(seed)))
	if err != nil {
		t.Fatal(err)
	}
	return pub, priv
}

func testGrant(t testing.TB) Grant {
	t.Helper()
	g, err := NewGrant("amt-wedel", "u-erika", model.RoleSachbearbeitung, "dev-7", t0, 0, seeded(3))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestNewGrant(t *testing.T) {
	g := testGrant(t)
	if len(g.ID) != 32 || !g.IssuedAt.Equal(t0) || !g.Expires.Equal(t0.Add(14*24*time.Hour)) {
		t.Errorf("NewGrant = %+v; want a 32-digit ID, issued at %s, 14 days", g, t0)
	}
	other, _ := NewGrant("amt-wedel", "u-erika", model.RoleSachbearbeitung, "dev-7", t0, 0, seeded(4))
	if other.ID == g.ID {
		t.Error("two grants got the same ID")
	}
	local := time.Date(2026, 3, 29, 3, 0, 0, 987, time.FixedZone("CEST", 2*3600))
	g, err := NewGrant("amt-wedel", "u-erika", model.RoleLeitung, "dev-7", local, 48*time.Hour, seeded(3))
	if err != nil || g.IssuedAt != time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC) || g.Expires.Sub(g.IssuedAt) != 48*time.Hour {
		t.Errorf("NewGrant from a local time with nanoseconds = %+v, %v; want UTC whole seconds, 48h", g, err)
	}
	for _, bad := range []struct{ tenant, user, device string }{{"", "u", "d"}, {"t", "", "d"}, {"t", "u", ""}, {"t", "u\n", "d"}, {"t", strings.Repeat("u", 256), "d"}} {
		if _, err := NewGrant(bad.tenant, bad.user, model.RoleLeitung, bad.device, t0, 0, seeded(3)); err == nil {
			t.Errorf("NewGrant(%q, %q, %q) made a grant", bad.tenant, bad.user, bad.device)
		}
	}
	if _, err := NewGrant("t", "u", "chef", "d", t0, 0, seeded(3)); err == nil {
		t.Error("NewGrant with an unknown role made a grant")
	}
}

func TestGrantRoundTrip(t *testing.T) {
	pub, priv := testKey(t, 1)
	for _, g := range []Grant{
		testGrant(t),
		{ID: "x", Tenant: "Gemeinde Tönning", UserID: strings.Repeat("ü", 127), Role: model.RoleAdministration, DeviceID: "d",
			IssuedAt: time.Unix(0, 0).UTC(), Expires: time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)},
	} {
		token, err := g.Sign(priv)
		if err != nil {
			t.Fatal(err)
		}
		got, payload, _, err := decodeGrant(token)
		if err != nil || got != g {
			t.Fatalf("decode(sign(%+v)) = %+v, %v", g, got, err)
		}
		again, _ := got.Sign(priv)
		if again != token {
			t.Errorf("re-signing the decoded grant gives another token:\n%s\n%s", token, again)
		}
		enc, _ := g.encode()
		if string(enc) != string(payload) {
			t.Error("the signed bytes differ from the encoding")
		}
		if _, err := VerifyGrant(token, pub, g.DeviceID, g.IssuedAt, MaxClockSkew); err != nil {
			t.Errorf("VerifyGrant of %+v: %v", g, err)
		}
	}
}

func TestSignRefusesBadGrants(t *testing.T) {
	_, priv := testKey(t, 1)
	good := testGrant(t)
	for name, mutate := range map[string]func(*Grant){
		"empty id":        func(g *Grant) { g.ID = "" },
		"role":            func(g *Grant) { g.Role = "" },
		"control char":    func(g *Grant) { g.Tenant = "a\x00b" },
		"invalid utf-8":   func(g *Grant) { g.UserID = "\xff" },
		"nanoseconds":     func(g *Grant) { g.Expires = g.Expires.Add(1) },
		"local zone":      func(g *Grant) { g.IssuedAt = g.IssuedAt.In(time.FixedZone("X", 3600)) },
		"before 1970":     func(g *Grant) { g.IssuedAt = time.Date(1969, 1, 1, 0, 0, 0, 0, time.UTC) },
		"after 9999":      func(g *Grant) { g.Expires = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) },
		"expires at once": func(g *Grant) { g.Expires = g.IssuedAt },
	} {
		g := good
		mutate(&g)
		if tok, err := g.Sign(priv); err == nil {
			t.Errorf("%s: Sign = %q; want an error", name, tok)
		}
	}
	if _, err := good.Sign(priv[:10]); err == nil {
		t.Error("Sign with a short key: no error")
	}
}

func TestVerifyGrant(t *testing.T) {
	pub, priv := testKey(t, 1)
	otherPub, otherPriv := testKey(t, 2)
	g := testGrant(t)
	token, _ := g.Sign(priv)
	forged, _ := g.Sign(otherPriv)
	for _, tc := range []struct {
		name   string
		token  string
		pub    ed25519.PublicKey
		device string
		now    time.Time
		want   error
	}{
		{"at issue", token, pub, "dev-7", t0, nil},
		{"a day later", token, pub, "dev-7", t0.Add(24 * time.Hour), nil},
		{"last second", token, pub, "dev-7", g.Expires.Add(-time.Nanosecond), nil},
		{"expired", token, pub, "dev-7", g.Expires, ErrGrantExpired},
		{"long expired", token, pub, "dev-7", g.Expires.AddDate(1, 0, 0), ErrGrantExpired},
		// The PC's clock is behind the service's: issued "in the future".
		{"pc 5 min behind", token, pub, "dev-7", t0.Add(-MaxClockSkew), nil},
		{"pc 5 min 1 s behind", token, pub, "dev-7", t0.Add(-MaxClockSkew - time.Second), ErrGrantFromFuture},
		{"pc a day behind", token, pub, "dev-7", t0.Add(-24 * time.Hour), ErrGrantFromFuture},
		// The PC's clock is ahead: fine until the grant looks expired.
		{"pc an hour ahead", token, pub, "dev-7", t0.Add(time.Hour), nil},
		{"other device", token, pub, "dev-8", t0, ErrGrantWrongDevice},
		{"other key", token, otherPub, "dev-7", t0, ErrGrantSignature},
		{"signed by another key", forged, pub, "dev-7", t0, ErrGrantSignature},
		{"empty", "", pub, "dev-7", t0, ErrGrantMalformed},
		{"not base64", "!" + token[1:], pub, "dev-7", t0, ErrGrantMalformed},
		{"cut", token[:len(token)-4], pub, "dev-7", t0, ErrGrantMalformed},
		{"line break", token[:20] + "\n" + token[20:], pub, "dev-7", t0, ErrGrantMalformed},
		{"too long", token + strings.Repeat("A", maxTokenLen), pub, "dev-7", t0, ErrGrantMalformed},
	} {
		got, err := VerifyGrant(tc.token, tc.pub, tc.device, tc.now, MaxClockSkew)
		if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
			t.Errorf("%s: VerifyGrant = %v; want %v", tc.name, err, tc.want)
			continue
		}
		signed := tc.want == nil || tc.want == ErrGrantExpired || tc.want == ErrGrantFromFuture || tc.want == ErrGrantWrongDevice
		if signed != (got == g) {
			t.Errorf("%s: VerifyGrant returned %+v", tc.name, got)
		}
	}
	if _, err := VerifyGrant(token, pub[:5], "dev-7", t0, MaxClockSkew); err == nil {
		t.Error("VerifyGrant with a short public key: no error")
	}
}

// TestGrantTampering changes every byte of a signed token in turn: no change may
// yield a grant that verifies.
func TestGrantTampering(t *testing.T) {
	pub, priv := testKey(t, 1)
	token, _ := testGrant(t).Sign(priv)
	raw, _ := tokenEncoding.DecodeString(token)
	for i := range raw {
		for _, flip := range []byte{0x01, 0x80} {
			b := append([]byte(nil), raw...)
			b[i] ^= flip
			if g, err := VerifyGrant(tokenEncoding.EncodeToString(b), pub, "dev-7", t0, MaxClockSkew); err == nil {
				t.Fatalf("byte %d ^ %#x: tampered token verified as %+v", i, flip, g)
			}
		}
	}
	// A valid grant for Leitung, payload swapped under Erika's signature.
	lead := testGrant(t)
	lead.Role = model.RoleLeitung
	enc, _ := lead.encode()
	swapped := tokenEncoding.EncodeToString(append(enc, raw[len(raw)-ed25519.SignatureSize:]...))
	if _, err := VerifyGrant(swapped, pub, "dev-7", t0, MaxClockSkew); !errors.Is(err, ErrGrantSignature) {
		t.Errorf("role swapped under the old signature: %v; want ErrGrantSignature", err)
	}
}

func TestGrantCovers(t *testing.T) {
	g := testGrant(t)
	for _, tc := range []struct {
		user, device string
		at           time.Time
		want         bool
	}{
		{"u-erika", "dev-7", t0, true},
		{"u-erika", "dev-7", t0.Add(-MaxClockSkew), true}, // PC clock behind
		{"u-erika", "dev-7", t0.Add(-MaxClockSkew - time.Second), false},
		{"u-erika", "dev-7", g.Expires.Add(-time.Second), true},
		{"u-erika", "dev-7", g.Expires, false},
		{"u-leitung", "dev-7", t0, false},
		{"u-erika", "dev-8", t0, false},
	} {
		if got := g.Covers(tc.user, tc.device, tc.at); got != tc.want {
			t.Errorf("Covers(%s, %s, %s) = %v; want %v", tc.user, tc.device, tc.at, got, tc.want)
		}
	}
}

func TestAuthorize(t *testing.T) {
	erika := testGrant(t)
	later, _ := NewGrant("amt-wedel", "u-erika", model.RoleSachbearbeitung, "dev-7", t0.Add(48*time.Hour), 0, seeded(5))
	jonas, _ := NewGrant("amt-wedel", "u-jonas", model.RoleLeitung, "dev-9", t0, 0, seeded(6))
	grants := []Grant{erika, jonas}
	at := t0.Add(time.Hour)
	for _, tc := range []struct {
		name   string
		rev    Revocations
		grants []Grant
		user   string
		device string
		want   error
	}{
		{"signed in", Revocations{}, grants, "u-erika", "dev-7", nil},
		{"never signed in on this device", Revocations{}, grants, "u-jonas", "dev-7", ErrNoGrant},
		{"no grants", Revocations{}, nil, "u-erika", "dev-7", ErrNoGrant},
		{"grant revoked", Revocations{Grants: map[string]bool{erika.ID: true}}, grants, "u-erika", "dev-7", ErrGrantRevoked},
		{"other grant revoked", Revocations{Grants: map[string]bool{jonas.ID: true}}, grants, "u-erika", "dev-7", nil},
		{"user deactivated", Revocations{Users: map[string]time.Time{"u-erika": t0.Add(time.Minute)}}, grants, "u-erika", "dev-7", ErrGrantRevoked},
		{"user deactivated before the grant", Revocations{Users: map[string]time.Time{"u-erika": t0.Add(-time.Minute)}}, grants, "u-erika", "dev-7", nil},
		{"device revoked", Revocations{Devices: map[string]time.Time{"dev-7": t0.Add(time.Second)}}, grants, "u-erika", "dev-7", ErrGrantRevoked},
		{"other device revoked", Revocations{Devices: map[string]time.Time{"dev-9": t0.Add(time.Second)}}, grants, "u-erika", "dev-7", nil},
		{"revoked, but a later grant covers", Revocations{Grants: map[string]bool{erika.ID: true}}, []Grant{erika, later}, "u-erika", "dev-7", ErrGrantRevoked},
	} {
		err := tc.rev.Authorize(tc.grants, tc.user, tc.device, at)
		if !errors.Is(err, tc.want) || (tc.want == nil && err != nil) {
			t.Errorf("%s: Authorize = %v; want %v", tc.name, err, tc.want)
		}
	}
	// The later grant covers work done after it was issued, even if the first was revoked.
	rev := Revocations{Grants: map[string]bool{erika.ID: true}}
	if err := rev.Authorize([]Grant{erika, later}, "u-erika", "dev-7", later.IssuedAt.Add(time.Hour)); err != nil {
		t.Errorf("work under a later grant: %v", err)
	}
}

// FuzzDecodeGrant checks that decoding never panics, that what it accepts encodes to
// the same bytes again (one encoding per grant), and that the result passes check.
func FuzzDecodeGrant(f *testing.F) {
	_, priv := testKey(f, 1)
	token, _ := testGrant(f).Sign(priv)
	f.Add(token)
	f.Add(token[:len(token)-1])
	f.Add("")
	f.Add("T1pHRwE")
	f.Fuzz(func(t *testing.T, token string) {
		g, payload, sig, err := decodeGrant(token)
		if err != nil {
			if !errors.Is(err, ErrGrantMalformed) {
				t.Fatalf("error %v does not wrap ErrGrantMalformed", err)
			}
			return
		}
		enc, err := g.encode()
		if err != nil {
			t.Fatalf("decoded grant %+v does not encode: %v", g, err)
		}
		if string(enc) != string(payload) || tokenEncoding.EncodeToString(append(enc, sig...)) != token {
			t.Fatalf("token %q decoded to %+v, which encodes differently", token, g)
		}
	})
}
