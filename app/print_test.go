package app

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/decision"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sign"
)

type printKey struct {
	crypto.Signer
	chain []*x509.Certificate
}

func (k printKey) Chain() []*x509.Certificate { return k.chain }

var (
	printKeyOnce sync.Once
	printSigner  sign.Signer
)

func printTestSigner(t *testing.T) sign.Signer {
	t.Helper()
	printKeyOnce.Do(func() {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tpl := &x509.Certificate{
			SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Testsiegel"},
			NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(48 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		}
		der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
		if err != nil {
			t.Fatal(err)
		}
		cert, _ := x509.ParseCertificate(der)
		printSigner = printKey{key, []*x509.Certificate{cert}}
	})
	return printSigner
}

// addSignedDecision renders a letter of about the given length for the case, signs
// it, stores it as a blob and records the decision as signed at signedAt.
func addSignedDecision(t *testing.T, a *App, d CaseDetail, paragraphs int, signedAt time.Time) string {
	t.Helper()
	var blocks []decision.Block
	for i := 0; i < paragraphs; i++ {
		blocks = append(blocks, decision.Block{Kind: decision.KindReasons, Title: fmt.Sprintf("Abschnitt %d", i+1),
			Text: strings.Repeat("Die Prüfung hat ergeben, dass die Voraussetzungen für die beantragte Erlaubnis vorliegen. ", 8)})
	}
	l := decision.Letter{
		TemplateID: "bewilligung",
		Letterhead: decision.Letterhead{Authority: "Gemeinde Musterhausen", Street: "Marktplatz 1", PostalCode: "24999", City: "Musterhausen"},
		Recipient:  []string{d.Applicant.Name, "Lindenstraße 4", "12345 Musterhausen"},
		FileNumber: d.FileNumber, Date: model.Day(signedAt, time.UTC), Blocks: blocks, Signer: "Anna Schmidt",
	}
	pdf, err := decision.Render(l, decision.RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	signed, err := sign.Sign(pdf, printTestSigner(t), sign.Options{Time: signedAt})
	if err != nil {
		t.Fatal(err)
	}
	sha, size, err := a.db.PutBlob(bytes.NewReader(signed))
	if err != nil {
		t.Fatal(err)
	}
	id := newID()
	at := signedAt
	_, err = a.db.Do(a.current(), d.ID, model.KindDecision, model.DecisionPayload{Decision: model.DecisionInfo{
		ID: id, Template: "bewilligung", Title: "Bewilligung", CreatedAt: signedAt, CreatedBy: a.current().ID, SignedAt: &at,
		Document: &model.Attachment{ID: newID(), Name: "Bescheid " + d.FileNumber + ".pdf", MediaType: "application/pdf", Size: size, SHA256: sha, AddedAt: signedAt},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func pdfPages(t *testing.T, file string) int {
	t.Helper()
	info, err := exec.Command("pdfinfo", file).Output()
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`Pages:\s+(\d+)`).FindSubmatch(info)
	if m == nil {
		t.Fatalf("pdfinfo:\n%s", info)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

func TestBatchPrintAndPosted(t *testing.T) {
	for _, tool := range []string{"qpdf", "pdfinfo", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (make deps)", tool)
		}
	}
	a, _ := newApp(t, 0)
	seedClerks(t, a)
	var opened []string
	a.openPath = func(p string) error { opened = append(opened, p); return nil }

	names := []string{"Erika Adler", "Bernd Baum", "Carla Carstens", "Dieter Dorn"}
	paragraphs := []int{1, 6, 1, 3} // 1, 2 or 3 pages
	var cases []CaseDetail
	for i, n := range names {
		in := postInput
		in.Name = n
		d := mustCase(t, a, in)
		for _, act := range []string{"annehmen", "bearbeiten"} {
			if _, err := a.Transition(d.ID, act, ""); err != nil {
				t.Fatal(err)
			}
		}
		signedAt := now
		if i == 3 {
			signedAt = now.Add(-24 * time.Hour) // yesterday: not in today's printout
		}
		addSignedDecision(t, a, d, paragraphs[i], signedAt)
		cases = append(cases, d)
	}

	today, err := a.PrintCandidates(PrintQuery{Scope: "today"})
	if err != nil || len(today) != 3 {
		t.Fatalf("today: %d letters, %v", len(today), err)
	}
	if all, _ := a.PrintCandidates(PrintQuery{Scope: "unposted"}); len(all) != 4 {
		t.Errorf("unposted: %d letters", len(all))
	}
	if one, _ := a.PrintCandidates(PrintQuery{Scope: "cases", CaseIDs: []string{cases[3].ID}}); len(one) != 1 || one[0].Applicant != "Dieter Dorn" {
		t.Errorf("selection: %+v", one)
	}

	all, _ := a.PrintCandidates(PrintQuery{Scope: "unposted"})
	res, err := a.PrintBatch(all)
	if err != nil {
		t.Fatal(err)
	}
	if len(opened) != 1 || opened[0] != res.File || !res.Opened {
		t.Errorf("opened %v, file %s", opened, res.File)
	}
	check, err := exec.Command("qpdf", "--check", res.File).CombinedOutput()
	if err != nil || strings.Contains(string(check), "WARNING") {
		t.Fatalf("qpdf --check: %v\n%s", err, check)
	}
	if n := pdfPages(t, res.File); n != res.Pages {
		t.Errorf("pdfinfo says %d pages, result %d", n, res.Pages)
	}
	// Each letter's first page holds its recipient; it must be an odd page. A one-page
	// letter has no page number; a longer one says "Seite 1 von" on its first page.
	found := map[string]int{}
	for pg := 1; pg <= res.Pages; pg++ {
		out, err := exec.Command("pdftotext", "-f", strconv.Itoa(pg), "-l", strconv.Itoa(pg), res.File, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			first := strings.Contains(string(out), "Seite 1 von") || !strings.Contains(string(out), "Seite ")
			if strings.Contains(string(out), n) && first {
				found[n] = pg
			}
		}
	}
	for _, n := range names {
		if pg, ok := found[n]; !ok || pg%2 != 1 {
			t.Errorf("letter to %s starts on page %d (found %v)", n, pg, found)
		}
	}
	if res.Blank < 1 {
		t.Errorf("result %+v", res)
	}

	// The clerk confirms: one history entry per case, and never twice.
	br, err := a.ConfirmPosted(today)
	if err != nil || br.Done != 3 || len(br.Failed) != 0 {
		t.Fatalf("confirm: %+v %v", br, err)
	}
	again, err := a.ConfirmPosted(today)
	if err != nil || again.Done != 0 || len(again.Failed) != 0 {
		t.Errorf("second confirm: %+v %v", again, err)
	}
	for i, c := range cases {
		h, err := a.db.History(c.ID)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range h {
			if e.Kind == string(model.KindPosted) {
				n++
				if e.Summary != "Bewilligung per Post versandt am 28.11.2026" {
					t.Errorf("summary %q", e.Summary)
				}
			}
		}
		if want := map[bool]int{true: 1, false: 0}[i < 3]; n != want {
			t.Errorf("case %d has %d posted entries, want %d", i, n, want)
		}
	}
	if d, err := a.GetCase(cases[0].ID); err != nil || len(d.Decisions) != 1 || d.Decisions[0].Posted != "2026-11-28" {
		t.Errorf("detail after confirm: %+v %v", d.Decisions, err)
	}
	if left, _ := a.PrintCandidates(PrintQuery{Scope: "unposted"}); len(left) != 1 || left[0].Applicant != "Dieter Dorn" {
		t.Errorf("unposted after confirm: %+v", left)
	}
	if posted, _ := a.PrintCandidates(PrintQuery{Scope: "today"}); len(posted) != 3 || posted[0].Posted != "2026-11-28" {
		t.Errorf("today after confirm: %+v", posted)
	}

	if err := a.PrintDecision(cases[0].ID, today[0].DecisionID); err != nil || len(opened) != 2 || !strings.HasSuffix(opened[1], ".pdf") {
		t.Errorf("print one: %v %v", err, opened)
	}
	if _, err := os.Stat(opened[1]); err != nil {
		t.Error(err)
	}
	if err := a.PrintDecision(cases[0].ID, "nope"); uiError(t, err).Code != CodeNotFound {
		t.Errorf("unknown decision: %v", err)
	}
	if _, err := a.PrintBatch(nil); uiError(t, err).Code != CodeInvalid {
		t.Errorf("empty batch: %v", err)
	}
}
