package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"testing"
)

// seeds are the golden files plus near misses of each rule, so the fuzzer starts from
// bodies that reach validation instead of dying in the JSON parser.
func seeds(f *testing.F, golden string, extra ...string) {
	b, err := os.ReadFile("testdata/" + golden)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	for _, s := range extra {
		f.Add([]byte(s))
	}
}

// fuzzMax bounds inputs well above the seeds but keeps the fuzzer fast.
const fuzzMax = 1 << 16

// checkStable asserts a decoded value survives encode and decode unchanged, so what a
// server accepted is what it stores and sends on.
func checkStable[T any](t *testing.T, v T, dec func([]byte) (T, error)) {
	enc, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("decoded value does not encode: %v", err)
	}
	again, err := dec(enc)
	if err != nil {
		t.Fatalf("re-encoded value refused: %v\n%s", err, enc)
	}
	enc2, err := json.Marshal(again)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(enc, enc2) {
		t.Fatalf("encoding not stable:\n%s\n%s", enc, enc2)
	}
}

func FuzzDecodePush(f *testing.F) {
	seeds(f, "push.json",
		`{"mutations":[]}`,
		`{"mutations":null}`,
		`{"mutations":[{"id":"d:1","device":"d","seq":1,"caseId":"c","kind":"case.assign","payload":{},"user":"u","at":"2026-01-01T00:00:00Z"}]}`,
		`{"mutations":[{"id":"d:1","device":"d","seq":1,"caseId":"c","kind":"case.assign","payload":null,"user":"u","at":"2026-01-01T00:00:00+14:00"}]}`,
		`{"mutations":[{"id":"d:2","device":"d","seq":2,"caseId":"c","kind":"x","payload":1,"user":"u","at":"2026-01-01T00:00:00Z"}]}`,
		`{"mutations":[{"id":"d:1","device":"d","seq":1,"base":{"status":1}}],"x":1}`,
		" {\n \"mutations\" :\t[ {\"id\":\"d:1\",\"device\":\"d\",\"seq\":1,\"caseId\":\"c\",\"kind\":\"comment.add\",\"payload\":{\"comment\":{\"id\":\"k\",\"text\":\"a  \\\"  b\\\\\"}},\"user\":\"u\",\"at\":\"2026-01-01T00:00:00Z\"}   ]  }  ",
		`{"MUTATIONS":[]} `,
		`{"incarnation":"0123456789","acked":3,"mutations":[]}`,
		`{"incarnation":"0123456789","replaces":"9876543210","acked":0,"mutations":null}`,
		`{"incarnation":"0123456789","incarnation":"0123456789","mutations":[]}`,
		`{"acked":-1,"incarnation":"0123456789","mutations":[]}`,
	)
	dec := func(b []byte) (PushRequest, error) { return DecodePush(bytes.NewReader(b), fuzzMax) }
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := dec(b)
		if err != nil {
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("decoded push does not validate: %v", err)
		}
		checkStable(t, p, dec)
		checkWhole(t, b, p)
	})
}

// checkWhole asserts that the streaming decoder, which read b as v, took nothing
// that encoding/json's decoding of the whole body refuses, and read it the same way.
func checkWhole[T any](t *testing.T, b []byte, v T) {
	var whole T
	if err := wholeDecode(b, &whole); err != nil {
		t.Fatalf("streamed decoder took what encoding/json refuses: %v", err)
	}
	a, _ := json.Marshal(v)
	w, _ := json.Marshal(whole)
	if !bytes.Equal(a, w) {
		t.Fatalf("streamed and whole decoding differ:\n%s\n%s", a, w)
	}
}

// wholeDecode is encoding/json's strict decoding of a whole body, the reference the
// streaming decoders are held to.
func wholeDecode(b []byte, v any) error {
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return errors.New("not an object")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("data after the object")
	}
	return nil
}

func FuzzDecodeChanges(f *testing.F) {
	seeds(f, "changes.json",
		`{"changes":[],"cursor":0,"more":false}`,
		`{"changes":[],"cursor":7,"more":true}`,
		`{"changes":[{"seq":1,"caseId":"a","case":{"id":"a"}}],"cursor":1,"more":false}`,
		`{"changes":[{"seq":2,"caseId":"a","case":{"id":"a"}},{"seq":1,"caseId":"b","case":{"id":"b"}}],"cursor":1}`,
		`{"changes":[{"seq":1,"caseId":"a","case":{"id":"a"},"history":[{"caseId":"b"}]}],"cursor":1}`,
		`{"changes":[{"seq":1,"caseId":"a","case":{"id":"a","dueAt":null}}],"cursor":1}`,
		`{"changes":[],"cursor":0,"more":false,"resync":true}`,
		`{"changes":[{"seq":1,"caseId":"a","case":{"id":"a"},"mutations":["d:1"],"sums":["s"]}],"cursor":1,"epoch":"e"}`,
		`{"changes":[{"seq":1,"caseId":"a","case":{"id":"a"},"mutations":["d:1"],"sums":["s","t"]}],"cursor":1}`,
	)
	dec := func(b []byte) (ChangesResponse, error) { return DecodeChanges(bytes.NewReader(b), fuzzMax) }
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := dec(b)
		if err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("decoded page does not validate: %v", err)
		}
		checkStable(t, c, dec)
		checkWhole(t, b, c)
	})
}

// fuzzValid fuzzes dec, the decoder of a body with its own Validate: whatever it
// accepts validates, survives encoding unchanged and is what encoding/json reads;
// more checks what else must hold of it.
func fuzzValid[T interface{ Validate() error }](f *testing.F, dec func([]byte) (T, error), more ...func(*testing.T, T)) {
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := dec(b)
		if err != nil {
			return
		}
		if err := v.Validate(); err != nil {
			t.Fatalf("decoded value does not validate: %v", err)
		}
		for _, m := range more {
			m(t, v)
		}
		checkStable(t, v, dec)
		checkWhole(t, b, v)
	})
}

func FuzzDecodeSignIn(f *testing.F) {
	f.Add([]byte(`{"user":"Anna Becker","password":"Rathaus-Kaffee-Treppe"}`))
	f.Add([]byte(`{"user":"u-1","password":"äöü ß \" \\ \u00e9"}`))
	f.Add([]byte(`{"user":"","password":"p"}`))
	f.Add([]byte(`{"user":"a\tb","password":"p"}`))
	f.Add([]byte(`{"user":"u","password":"p","x":1}`))
	fuzzValid(f, func(b []byte) (SignInRequest, error) { return DecodeSignIn(bytes.NewReader(b), MaxBodyAuth) })
}

func FuzzDecodeActivate(f *testing.F) {
	f.Add([]byte(`{"code":"ABCD-EFGH-JKLM-NPQR","password":"Rathaus-Kaffee-Treppe"}`))
	f.Add([]byte(`{"code":"abcd efgh jklm npqr","password":"x"}`))
	f.Add([]byte(`{"code":"","password":""}`))
	fuzzValid(f, func(b []byte) (ActivateRequest, error) { return DecodeActivate(bytes.NewReader(b), MaxBodyAuth) })
}

func FuzzDecodeAbsenceRequest(f *testing.F) {
	seeds(f, "absence.json",
		`{"absence":{"id":"a1"},"delete":true,"by":"u"}`,
		`{"absence":{"id":"","absent":"u","substitute":"v","from":"2026-02-29","to":"2026-03-01"},"by":"u"}`,
		`{"absence":{"id":"","absent":"u","substitute":"v","from":"2028-02-29","to":"2028-02-29"},"by":"u"}`,
		`{"absence":{"absent":"u","substitute":"v","from":"2026-07-07","to":"2026-07-06"},"by":"u"}`,
	)
	fuzzValid(f, func(b []byte) (AbsenceRequest, error) { return DecodeAbsenceRequest(bytes.NewReader(b), MaxBodyAuth) },
		func(t *testing.T, v AbsenceRequest) {
			if v.Delete {
				return
			}
			from, err1 := ParseDate(v.Absence.From)
			to, err2 := ParseDate(v.Absence.To)
			if err1 != nil || err2 != nil || to.Before(from) {
				t.Fatalf("accepted dates %q..%q", v.Absence.From, v.Absence.To)
			}
		})
}

func FuzzDecodeSignInResponse(f *testing.F) {
	seeds(f, "signin.json",
		`{"user":{"id":"u","name":"A","role":"leitung","deactivated":true},"grant":"g","expires":"2026-01-01T00:00:00+01:00"}`,
		`{"user":{"id":"u","name":"A","role":"x"},"grant":"g","expires":"2026-01-01T00:00:00Z"}`,
	)
	fuzzValid(f, func(b []byte) (SignInResponse, error) { return DecodeSignInResponse(bytes.NewReader(b), MaxBodyAuth) })
}

func FuzzDecodeDirectory(f *testing.F) {
	seeds(f, "directory.json",
		`{"users":[],"orgUnits":[],"grantKey":"AAAA"}`,
		`{"users":[{"id":"u","name":"A","role":"leitung","grantsNotBefore":"2026-01-01T00:00:00Z"}],"orgUnits":[],"absences":[]}`,
	)
	fuzzValid(f, func(b []byte) (DirectoryResponse, error) { return DecodeDirectory(bytes.NewReader(b), fuzzMax) })
}

func FuzzDecodeReenroll(f *testing.F) {
	f.Add([]byte(`{"incarnation":"0b6e9f2c41d87a35"}`))
	f.Add([]byte(`{"incarnation":"short"}`))
	f.Add([]byte(`{"incarnation":"0b6e9f2c:41d87a35"}`))
	f.Add([]byte(`{"incarnation":"0b6e9f2c41d87a35","incarnation":"0b6e9f2c41d87a36"}`))
	f.Add([]byte(`{"incarnation":"0b6e9f2c41d87a35","device":"x"}`))
	fuzzValid(f, func(b []byte) (ReenrollRequest, error) { return DecodeReenroll(bytes.NewReader(b), MaxBodySmall) })
}
