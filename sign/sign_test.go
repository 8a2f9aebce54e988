package sign

import (
	"bytes"
	"strings"
	"testing"
)

func TestSignEveryKeyType(t *testing.T) {
	pdf := testPDF(t, 2)
	for _, typ := range keyTypes {
		t.Run(strings.ReplaceAll(typ, " ", "_"), func(t *testing.T) {
			k := testSigner(t, typ)
			signed, err := Sign(pdf, k, Options{Time: testNow, Reason: "Bescheid", Location: "Musterstadt", Name: "Bürgerbüro"})
			if err != nil {
				t.Fatalf("Sign: %v", err)
			}
			if !bytes.HasPrefix(signed, pdf) {
				t.Fatal("not an incremental update: original bytes changed")
			}
			infos, err := Verify(signed)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if len(infos) != 1 {
				t.Fatalf("Verify found %d signatures, want 1", len(infos))
			}
			in := infos[0]
			if !in.Valid || !in.WholeDocument || in.KeyType != typ || in.SignerName != "Bürgerbüro Musterstadt" ||
				in.Organization != "Gemeinde Musterstadt" || !in.SigningTime.Equal(testNow) || in.SubFilter != "ETSI.CAdES.detached" {
				t.Fatalf("Verify = %+v", in)
			}

			out := pdfsig(t, signed)
			for _, want := range []string{"Signature is Valid.", "Total document signed", "ETSI.CAdES.detached"} {
				if !strings.Contains(out, want) {
					t.Errorf("pdfsig output lacks %q:\n%s", want, out)
				}
			}
			qpdfCheck(t, signed)

			// One changed byte inside the signed range, in the first page's content.
			bad := bytes.Clone(signed)
			i := bytes.Index(bad, []byte("Bescheid Seite 1"))
			if i < 0 {
				t.Fatal("page text not found")
			}
			bad[i] = 'b'
			infos, err = Verify(bad)
			if err != nil {
				t.Fatalf("Verify damaged: %v", err)
			}
			if len(infos) != 1 || infos[0].Valid || !strings.Contains(infos[0].Reason, "verändert") {
				t.Fatalf("Verify damaged = %+v", infos)
			}
			out = pdfsig(t, bad)
			if strings.Contains(out, "Signature is Valid.") || !strings.Contains(out, "Digest Mismatch") {
				t.Errorf("pdfsig on damaged file:\n%s", out)
			}
		})
	}
}
