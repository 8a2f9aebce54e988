package main

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/ozgcloud/desktop/decision/sample"
)

// TestODT checks that the .odt is a package LibreOffice accepts (mimetype first and
// stored, every part listed in the manifest, well-formed XML) and that it carries every
// line of the letter, so the comparison converts the same text ours renders.
func TestODT(t *testing.T) {
	l, err := sample.Letter()
	if err != nil {
		t.Fatal(err)
	}
	odt, err := ODT(l)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := ODT(l)
	if !bytes.Equal(odt, again) {
		t.Error("the same letter gave different .odt bytes")
	}
	zr, err := zip.NewReader(bytes.NewReader(odt), int64(len(odt)))
	if err != nil {
		t.Fatal(err)
	}
	if f := zr.File[0]; f.Name != "mimetype" || f.Method != zip.Store {
		t.Fatalf("first entry %s (method %d), want mimetype stored", f.Name, f.Method)
	}
	parts := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name] = string(b)
	}
	if parts["mimetype"] != mimeODT {
		t.Errorf("mimetype %q", parts["mimetype"])
	}
	for name, data := range parts {
		if name == "mimetype" || name == "META-INF/manifest.xml" {
			continue
		}
		if !strings.Contains(parts["META-INF/manifest.xml"], `manifest:full-path="`+name+`"`) {
			t.Errorf("%s is not in the manifest", name)
		}
		if strings.HasSuffix(name, ".xml") {
			if err := wellFormed(data); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	}
	if _, ok := parts["Pictures/qr.png"]; !ok {
		t.Error("no QR code image")
	}

	text := plainText(t, parts["content.xml"]) + plainText(t, parts["styles.xml"])
	want := append([]string{l.FileNumber, l.Signer, "Mit freundlichen Grüßen", "Im Auftrag", "Prüfcode " + l.VerificationCode()}, l.Recipient...)
	for _, b := range l.Blocks {
		want = append(want, b.Title)
		want = append(want, lines(b.Text)...)
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("the .odt lacks %q", w)
		}
	}
}

func wellFormed(s string) error {
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// plainText returns the character data of an ODF part, one paragraph a line, with
// text:s expanded to its spaces.
func plainText(t *testing.T, s string) string {
	t.Helper()
	var b strings.Builder
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return b.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tok := tok.(type) {
		case xml.CharData:
			b.Write(tok)
		case xml.StartElement:
			if tok.Name.Local == "s" {
				n := 1
				for _, a := range tok.Attr {
					if a.Name.Local == "c" {
						if c, err := strconv.Atoi(a.Value); err == nil {
							n = c
						}
					}
				}
				b.WriteString(strings.Repeat(" ", n))
			}
		case xml.EndElement:
			if tok.Name.Local == "p" {
				b.WriteByte('\n')
			}
		}
	}
}

func TestODFText(t *testing.T) {
	for in, want := range map[string]string{
		"a  b":        `a <text:s text:c="1"/>b`,
		"x < y & „z“": "x &lt; y &amp; „z“",
		"a\tb":        "a<text:tab/>b",
	} {
		if got := odfText(in); got != want {
			t.Errorf("odfText(%q) = %q, want %q", in, got, want)
		}
	}
}
