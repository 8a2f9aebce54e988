package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/sync/client"
	"github.com/ozgcloud/desktop/sync/wire"
)

const sampleBoundary = "----OZGCloudFormBoundary7MA4YWxkTrZu0gW"

// engine is a desktop's sync engine running in the background; stop takes the
// desktop offline.
type engine struct {
	c      *client.Client
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func startEngine(t testing.TB, d *desktop) *engine {
	return startEngineWith(t, d, client.Options{Poll: 2 * time.Second, MinBackoff: 50 * time.Millisecond, MaxBackoff: 500 * time.Millisecond})
}

func startEngineWith(t testing.TB, d *desktop, o client.Options) *engine {
	t.Helper()
	c, err := client.ForStore(d.db, o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &engine{c: c, cancel: cancel}
	e.wg.Go(func() { c.Run(ctx) })
	t.Cleanup(e.stop)
	return e
}

func (e *engine) stop() {
	e.cancel()
	e.wg.Wait()
}

// waitFor polls cond until it holds or the time is up.
func waitFor(t testing.TB, what string, within time.Duration, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > within {
			t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Since(start)
}

// pinnedClient trusts exactly the certificate with the fingerprint init printed, as a
// form server configured for this service would.
func pinnedClient(fp string) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{
		InsecureSkipVerify: true, // replaced by the pin below
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("no certificate")
			}
			sum := sha256.Sum256(cs.PeerCertificates[0].Raw)
			if hex.EncodeToString(sum[:]) != norm(fp) {
				return errors.New("certificate does not match the pinned fingerprint")
			}
			return nil
		},
	}}}
}

// sampleFiles returns the files of an intake sample by part name, in order.
func sampleFiles(t testing.TB, body []byte) map[string][][]byte {
	t.Helper()
	files := map[string][][]byte{}
	mr := multipart.NewReader(bytes.NewReader(body), sampleBoundary)
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		files[p.FormName()] = append(files[p.FormName()], b)
	}
}

// postIntake submits body and expects status (201 for a new application, 200 for a
// retry of one the server has).
func postIntake(t testing.TB, s *cloudServer, token string, body []byte, status int) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+wire.PathIntake, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mime.FormatMediaType("multipart/form-data", map[string]string{"boundary": sampleBoundary}))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := pinnedClient(s.FP).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("intake: %s %s", resp.Status, b)
	}
	var ir wire.IntakeResponse
	if err := json.Unmarshal(b, &ir); err != nil || ir.CaseID == "" {
		t.Fatalf("intake answer %s: %v", b, err)
	}
	return ir.CaseID
}

func blobIs(db *store.DB, sha string, want []byte) bool {
	p, err := db.BlobPath(sha)
	if err != nil {
		return false
	}
	got, err := os.ReadFile(p)
	return err == nil && bytes.Equal(got, want)
}

// TestTwoDesktops is issue 4's end-to-end test over the real binary and real TLS
// (the self-signed certificate made by init, pinned by its fingerprint): an online
// application arrives on both desktops with its form data, representation and
// attachments; an edit made offline on one arrives on the other after reconnecting;
// the same field changed on both while offline makes exactly one conflict, listed on
// both.
func TestTwoDesktops(t *testing.T) {
	srv, clerks := newCloudServer(t, testClerks)
	leitung, becker, schulz := clerks[0], clerks[1], clerks[2]
	codeA, codeB, intake := srv.enrollCode(), srv.enrollCode(), srv.intakeToken()
	srv.start()
	defer srv.stop()
	a := newDesktop(t, srv, filepath.Join(t.TempDir(), "A"), "A1", codeA, clerks)
	b := newDesktop(t, srv, filepath.Join(t.TempDir(), "B"), "B1", codeB, clerks)
	ea, eb := startEngine(t, a), startEngine(t, b)

	// An online application from a form server.
	body, err := os.ReadFile(filepath.Join("..", "..", "cloud", "testdata", "intake", "gewerbeanmeldung.multipart"))
	if err != nil {
		t.Fatal(err)
	}
	files := sampleFiles(t, body)
	if len(files["representation"]) != 1 || len(files["attachment"]) != 2 {
		t.Fatalf("sample parts: %d representation, %d attachments", len(files["representation"]), len(files["attachment"]))
	}
	id := postIntake(t, srv, intake, body, http.StatusCreated)
	if again := postIntake(t, srv, intake, body, http.StatusOK); again != id {
		t.Fatalf("retried intake made case %s, first was %s", again, id)
	}
	for name, d := range map[string]*desktop{"A": a, "B": b} {
		took := waitFor(t, name+": the application with its files", 15*time.Second, func() bool {
			c, err := d.db.Case(id)
			if err != nil || c.Representation == nil || len(c.Attachments) != 2 {
				return false
			}
			if !blobIs(d.db, c.Representation.SHA256, files["representation"][0]) {
				return false
			}
			for i, at := range c.Attachments {
				if !blobIs(d.db, at.SHA256, files["attachment"][i]) {
					return false
				}
			}
			return true
		})
		c, _ := d.db.Case(id)
		if c.OrgUnit != orgUnitID || c.Channel != model.ChannelOnline || len(c.Form) == 0 || c.Status != model.StatusNeu {
			t.Errorf("%s: case %s: org unit %s, channel %s, %d form fields, status %s", name, id, c.OrgUnit, c.Channel, len(c.Form), c.Status)
		}
		if !formHas(c.Form, "Erika") {
			t.Errorf("%s: the form data lacks the applicant's first name", name)
		}
		t.Logf("%s has the application with its files after %v", name, took.Round(time.Millisecond))
	}
	if ja, jb := caseJSON(t, a.db, id), caseJSON(t, b.db, id); ja != jb {
		t.Fatalf("A and B differ:\n%s\n%s", ja, jb)
	}

	// B goes offline and works on: a comment and a follow-up.
	eb.stop()
	if _, err := b.db.Do(schulz, id, model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k-offline", By: schulz.ID, Text: "Gewerbeerlaubnis liegt vor"}}); err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)
	if _, err := b.db.Do(schulz, id, model.KindFollowUpAdd, model.FollowUpPayload{FollowUp: model.FollowUp{ID: "f-offline", Due: due, Reason: "Unterlagen prüfen", By: schulz.ID}}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if c, _ := a.db.Case(id); len(c.Comments) != 0 {
		t.Fatal("A has B's offline comment while B is offline")
	}
	if st := eb.c.Status(); st.Pending != 2 {
		t.Errorf("B offline: %d pending, want 2", st.Pending)
	}
	eb = startEngine(t, b)
	took := waitFor(t, "A: B's offline edits", 15*time.Second, func() bool {
		c, err := a.db.Case(id)
		return err == nil && len(c.Comments) == 1 && c.Comments[0].ID == "k-offline" && len(c.FollowUps) == 1
	})
	t.Logf("A has B's offline edits %v after B reconnected", took.Round(time.Millisecond))

	// Both offline, the same field, the same base: A gives the case to Becker, B to
	// Schulz.
	ea.stop()
	eb.stop()
	if _, err := a.db.Do(leitung, id, model.KindAssign, model.AssignPayload{Assignee: becker.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.db.Do(leitung, id, model.KindAssign, model.AssignPayload{Assignee: schulz.ID}); err != nil {
		t.Fatal(err)
	}
	ea = startEngine(t, a)
	waitFor(t, "A pushed its assignment", 15*time.Second, func() bool { return ea.c.Status().Pending == 0 })
	eb = startEngine(t, b)
	openConflicts := func(d *desktop) []store.Conflict {
		cf, err := d.db.Conflicts(true)
		if err != nil {
			t.Fatal(err)
		}
		return cf
	}
	waitFor(t, "the conflict on both", 15*time.Second, func() bool {
		return len(openConflicts(a)) >= 1 && len(openConflicts(b)) >= 1 && eb.c.Status().Pending == 0
	})
	time.Sleep(500 * time.Millisecond) // a second conflict would arrive now
	ca, cb := openConflicts(a), openConflicts(b)
	if len(ca) != 1 || len(cb) != 1 {
		t.Fatalf("open conflicts: A %+v, B %+v", ca, cb)
	}
	if ca[0].ID != cb[0].ID || ca[0].CaseID != id || ca[0].Field != model.FieldAssignee {
		t.Errorf("conflicts differ or are not the assignee of %s: A %+v, B %+v", id, ca[0], cb[0])
	}
	waitFor(t, "A and B agree", 15*time.Second, func() bool {
		return caseJSON(t, a.db, id) == caseJSON(t, b.db, id)
	})
	if c, _ := a.db.Case(id); c.Assignee != becker.ID {
		t.Errorf("assignee %s, the server kept the first push (Becker)", c.Assignee)
	}
	for name, d := range map[string]*desktop{"A": a, "B": b} {
		if rej, _ := d.db.Rejections(); len(rej) != 0 {
			t.Errorf("%s: rejected %+v", name, rej)
		}
		if err := d.db.Check(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	ea.stop()
	eb.stop()
}

func formHas(fields []model.FormField, value string) bool {
	for _, f := range fields {
		if f.Value == value || formHas(f.Items, value) {
			return true
		}
	}
	return false
}
