package client

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/boltstore"
	"github.com/ozgcloud/desktop/cloud/cloudtest"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/sync/wire"
)

// realEnv is the real central service (cloud.Service on cloud/boltstore behind
// cloud.NewHandler) on an httptest TLS server, with tenant t-muster, org unit ou-1
// and two clerks.
type realEnv struct {
	t      testing.TB
	ctx    context.Context
	svc    *cloud.Service
	st     cloud.Storage
	srv    *httptest.Server
	fp     string
	anna   model.Clerk
	bernd  model.Clerk
	intake cloud.IntakeCredential
	codes  map[string]string // clerk ID -> invitation code not used yet
}

func newRealEnv(t testing.TB) *realEnv {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "cloud.db"))
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.DiscardHandler)
	svc := cloud.New(st, cloud.Options{Logger: quiet, Password: cloudtest.CheapParams})
	ctx := context.Background()
	e := &realEnv{t: t, ctx: ctx, svc: svc, st: st, codes: map[string]string{}}
	if _, err := svc.AddTenant(ctx, "t-muster", "Gemeinde Musterhausen"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddOrgUnit(ctx, "t-muster", "ou-1", "Bauamt"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*model.Clerk{&e.anna, &e.bernd} {
		name := map[*model.Clerk]string{&e.anna: "Anna Schmidt", &e.bernd: "Bernd Müller"}[c]
		u, err := svc.AddUser(ctx, "t-muster", name, model.RoleSachbearbeitung)
		if err != nil {
			t.Fatal(err)
		}
		*c = model.Clerk{ID: u.ID, Name: u.Name, Role: u.Role, OrgUnit: "ou-1"}
		if e.codes[u.ID], _, err = svc.Invite(ctx, "t-muster", u.ID); err != nil {
			t.Fatal(err)
		}
	}
	if e.intake, _, err = svc.AddIntakeCredential(ctx, "t-muster"); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	srv := httptest.NewUnstartedServer(cloud.NewHandler(svc, cloud.HandlerOptions{Logger: quiet, Done: done}))
	srv.EnableHTTP2 = true
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes of the TLS test
	srv.StartTLS()
	e.srv = srv
	e.fp = CertFingerprint(srv.Certificate())
	t.Cleanup(func() {
		srv.Close()
		st.Close()
	})
	// Event streams end before the server waits for its connections.
	t.Cleanup(func() { close(done) })
	return e
}

// device enrolls a new desktop with a fresh store (in dir, or a temp dir) and returns
// the store and its engine.
func (e *realEnv) device(dir string, o Options) (*store.DB, *Client) {
	t := e.t
	t.Helper()
	code, _, err := e.svc.NewEnrollment(e.ctx, "t-muster")
	if err != nil {
		t.Fatal(err)
	}
	seen, err := Fingerprint(e.ctx, e.srv.URL)
	if err != nil || seen != e.fp {
		t.Fatalf("fingerprint %q (%v), server has %q", seen, err, e.fp)
	}
	if dir == "" {
		dir = t.TempDir()
	}
	db, err := store.Open(store.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.SetMunicipality(store.Municipality{Name: "Gemeinde Musterhausen", Tenant: "t-muster", OrgUnit: "ou-1"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []model.Clerk{e.anna, e.bernd} {
		if err := db.PutClerk(c); err != nil {
			t.Fatal(err)
		}
	}
	id, err := Connect(e.ctx, db, e.srv.URL, code, TLS{Fingerprint: seen})
	if err != nil {
		t.Fatal(err)
	}
	if id.Fingerprint != seen || id.Tenant != "t-muster" || db.DeviceID() != id.DeviceID || db.DeviceCode() != id.DeviceCode {
		t.Fatalf("identity %+v", id)
	}
	e.signIn(id, e.anna, e.bernd)
	c, err := ForStore(db, o)
	if err != nil {
		t.Fatal(err)
	}
	return db, c
}

// signIn signs the clerks in on the enrolled device id, as the desktop does: the
// first time with the clerk's invitation code, after that with the password.
func (e *realEnv) signIn(id store.SyncIdentity, clerks ...model.Clerk) {
	e.t.Helper()
	r, err := Dial(e.srv.URL, id.Token, TLS{Fingerprint: id.Fingerprint})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, c := range clerks {
		var resp wire.SignInResponse
		if code, ok := e.codes[c.ID]; ok {
			resp, err = r.Activate(e.ctx, code, cloudtest.Password)
			delete(e.codes, c.ID)
		} else {
			resp, err = r.SignIn(e.ctx, c.Name, cloudtest.Password)
		}
		if err != nil || resp.User.ID != c.ID {
			e.t.Fatalf("sign in %s: %+v %v", c.Name, resp, err)
		}
	}
}

func mustSync(t testing.TB, c *Client) {
	t.Helper()
	if err := c.Sync(context.Background()); err != nil {
		t.Fatalf("sync: %v", err)
	}
}

func caseJSON(t testing.TB, db *store.DB, id string) string {
	t.Helper()
	c, err := db.Case(id)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(c)
	return string(b)
}

func writeTemp(t testing.TB, name string, b []byte) cloud.IntakeFile {
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return cloud.IntakeFile{Name: name, MediaType: "application/pdf", Size: int64(len(b)), SHA256: hex.EncodeToString(sum[:]), Path: p}
}

// TestRealEndToEnd: an online application appears on both desktops with its files; an
// offline edit on one appears on the other after reconnecting; a concurrent edit of
// the same field makes one conflict, shown on both, and its resolution travels.
func TestRealEndToEnd(t *testing.T) {
	e := newRealEnv(t)
	dbA, a := e.device("", Options{})
	dbB, b := e.device("", Options{})

	pdf := blobContent(3*wire.ChunkSize+5, 3)
	rep := writeTemp(t, "antrag.pdf", pdf)
	resp, _, err := e.svc.Intake(e.ctx, e.intake, cloud.Submission{
		TransactionID: "tx-1", ZustaendigeStelle: "ou-1", FormID: "bauantrag", Name: "Bauantrag Carport",
		Form: []model.FormField{{Name: "antragsteller", Label: "Antragsteller", Items: []model.FormField{
			{Name: "antragsteller.vorname", Label: "Vorname", Value: "Erika"},
			{Name: "antragsteller.nachname", Label: "Nachname", Value: "Mustermann"},
		}}},
		Representation: &rep,
	})
	if err != nil {
		t.Fatal(err)
	}
	id := resp.CaseID
	mustSync(t, a)
	mustSync(t, b)
	for _, db := range []*store.DB{dbA, dbB} {
		c, err := db.Case(id)
		if err != nil {
			t.Fatal(err)
		}
		if c.Representation == nil {
			t.Fatal("no representation")
		}
		p, err := db.BlobPath(c.Representation.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(p); !bytes.Equal(got, pdf) {
			t.Error("representation differs")
		}
		if err := db.Check(); err != nil {
			t.Fatal(err)
		}
	}

	// B works offline: a comment and an attachment; A accepts the case meanwhile.
	if _, err := dbB.Do(e.bernd, id, model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "k1", Text: "Lageplan fehlt", By: e.bernd.ID}}); err != nil {
		t.Fatal(err)
	}
	plan := blobContent(wire.ChunkSize+77, 4)
	sha, size, err := dbB.PutBlob(bytes.NewReader(plan))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dbB.Do(e.bernd, id, model.KindAttachment, model.AttachmentPayload{Attachment: model.Attachment{
		ID: "a1", Name: "lageplan.pdf", MediaType: "application/pdf", Size: size, SHA256: sha, AddedBy: e.bernd.ID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := dbA.Do(e.anna, id, model.KindTransition, model.TransitionPayload{Action: model.ActionAnnehmen}); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a)
	mustSync(t, b) // reconnects: pushes, pulls A's acceptance
	mustSync(t, a)
	if ja, jb := caseJSON(t, dbA, id), caseJSON(t, dbB, id); ja != jb {
		t.Fatalf("A and B differ:\n%s\n%s", ja, jb)
	}
	c, _ := dbA.Case(id)
	if c.Status != model.StatusAngenommen || len(c.Comments) != 1 || len(c.Attachments) != 1 {
		t.Fatalf("merged case: %s, %d comments, %d attachments", c.Status, len(c.Comments), len(c.Attachments))
	}
	if p, err := dbA.BlobPath(sha); err != nil {
		t.Fatalf("B's attachment on A: %v", err)
	} else if got, _ := os.ReadFile(p); !bytes.Equal(got, plan) {
		t.Error("B's attachment differs on A")
	}

	// Both take the case offline: the same field, the same base version.
	if _, err := dbA.Do(e.anna, id, model.KindAssign, model.AssignPayload{Assignee: e.anna.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := dbB.Do(e.bernd, id, model.KindAssign, model.AssignPayload{Assignee: e.bernd.ID}); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a)
	mustSync(t, b)
	mustSync(t, a)
	for name, db := range map[string]*store.DB{"A": dbA, "B": dbB} {
		cf, err := db.Conflicts(true)
		if err != nil {
			t.Fatal(err)
		}
		if len(cf) != 1 || cf[0].Field != model.FieldAssignee || cf[0].CaseID != id {
			t.Fatalf("%s: conflicts %+v", name, cf)
		}
		if c, _ := db.Case(id); c.Assignee != e.anna.ID {
			t.Errorf("%s: assignee %s, the server kept Anna", name, c.Assignee)
		}
	}
	if st := b.Status(); st.OpenConflicts != 1 || st.Pending != 0 {
		t.Errorf("B status %+v", st)
	}
	cf, _ := dbB.Conflicts(true)
	if _, err := dbB.ResolveConflict(e.bernd, cf[0].ID, model.KeepClient, nil); err != nil {
		t.Fatal(err)
	}
	mustSync(t, b)
	mustSync(t, a)
	if ja, jb := caseJSON(t, dbA, id), caseJSON(t, dbB, id); ja != jb {
		t.Fatalf("after resolving, A and B differ:\n%s\n%s", ja, jb)
	}
	if c, _ := dbA.Case(id); c.Assignee != e.bernd.ID {
		t.Errorf("resolved for Bernd's value, A has %s", c.Assignee)
	}
	for name, db := range map[string]*store.DB{"A": dbA, "B": dbB} {
		if cf, _ := db.Conflicts(true); len(cf) != 0 {
			t.Errorf("%s still shows open conflicts %+v", name, cf)
		}
		if err := db.Check(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
}

func TestRealTLSAndErrors(t *testing.T) {
	e := newRealEnv(t)
	ctx := context.Background()
	code, _, err := e.svc.NewEnrollment(ctx, "t-muster")
	if err != nil {
		t.Fatal(err)
	}
	// A pinned fingerprint that is not the server's: nothing is sent.
	_, _, err = Enroll(ctx, e.srv.URL, code, TLS{Fingerprint: strings.Repeat("ab", 32)})
	if !errors.Is(err, ErrFingerprint) {
		t.Fatalf("wrong pin: %v", err)
	}
	// No pin and no CA on Dial: the self-signed certificate is not trusted.
	r, err := Dial(e.srv.URL, "token", TLS{})
	if err != nil {
		t.Fatal(err)
	}
	var untrusted x509.UnknownAuthorityError
	if _, err := r.Changes(ctx, 0, 1); !errors.As(err, &untrusted) {
		t.Fatalf("unpinned: %v", err)
	}
	// The issuing certificate as a CA file.
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: e.srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	resp, fp, err := Enroll(ctx, e.srv.URL, code, TLS{CAFile: ca})
	if err != nil || fp != e.fp {
		t.Fatalf("enroll with CA file: %v, fingerprint %s", err, fp)
	}
	// The code is used up.
	if _, _, err := Enroll(ctx, e.srv.URL, code, TLS{Fingerprint: e.fp}); !isCode(err, wire.CodeEnrollment) {
		t.Errorf("second use of the code: %v", err)
	}
	good, _ := Dial(e.srv.URL, resp.Token, TLS{CAFile: ca})
	if _, err := good.Changes(ctx, 0, 10); err != nil {
		t.Fatalf("changes with the new token: %v", err)
	}
	bad, _ := Dial(e.srv.URL, "not-a-token", TLS{Fingerprint: e.fp})
	_, err = bad.Changes(ctx, 0, 10)
	var we *wire.Error
	if !errors.As(err, &we) || we.Code != wire.CodeUnauthorized || Retryable(err) {
		t.Errorf("bad token: %v", err)
	}
	// A server that is gone is offline, and retried.
	gone, _ := Dial("https://127.0.0.1:1", resp.Token, TLS{Fingerprint: e.fp})
	if _, err := gone.Changes(ctx, 0, 10); !errors.Is(err, ErrOffline) || !Retryable(err) {
		t.Errorf("no server: %v", err)
	}
	// The event stream sends the latest seq at once.
	ectx, cancel := context.WithCancel(ctx)
	ch, err := good.Events(ectx)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Error("no first event")
	}
	cancel()
	for range ch {
	}
}

// flakyRemote breaks chosen chunk uploads of a real remote, as a dropped connection
// would (the chunk may or may not have arrived).
type flakyRemote struct {
	Remote
	puts   int
	breaks map[int]bool
}

func (f *flakyRemote) PutChunk(ctx context.Context, sha string, index int, data []byte) error {
	f.puts++
	if f.breaks[f.puts] {
		if f.puts%2 == 0 {
			_ = f.Remote.PutChunk(ctx, sha, index, data) // arrived, answer lost
		}
		return &offlineError{io.ErrUnexpectedEOF}
	}
	return f.Remote.PutChunk(ctx, sha, index, data)
}

func TestRealUploadInterrupted(t *testing.T) {
	e := newRealEnv(t)
	dbA, a := e.device("", Options{})
	dbB, b := e.device("", Options{})
	flaky := &flakyRemote{Remote: a.remote, breaks: map[int]bool{2: true, 3: true, 5: true, 7: true, 8: true}}
	a.remote = flaky
	content := blobContent(4*wire.ChunkSize+1, 5)
	sha, size, err := dbA.PutBlob(bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	c := newCase("Jürgen Köhler")
	c.Attachments = []model.Attachment{{ID: "a1", Name: "plan.pdf", MediaType: "application/pdf", Size: size, SHA256: sha, AddedBy: e.anna.ID}}
	cs, err := dbA.Create(e.anna, c)
	if err != nil {
		t.Fatal(err)
	}
	failed := 0
	for a.Sync(context.Background()) != nil {
		failed++
		if failed > 10 {
			t.Fatal("upload does not finish")
		}
	}
	chunks := wire.ChunkCount(size)
	if failed != 5 || flaky.puts-chunks > 5 {
		t.Errorf("%d failures, %d uploads of %d chunks", failed, flaky.puts, chunks)
	}
	mustSync(t, b)
	p, err := dbB.BlobPath(sha)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, content) {
		t.Error("content differs on B")
	}
	if ja, jb := caseJSON(t, dbA, cs.ID), caseJSON(t, dbB, cs.ID); ja != jb {
		t.Errorf("A and B differ:\n%s\n%s", ja, jb)
	}
}

// isCode reports whether err is the server's error with code.
func isCode(err error, code wire.ErrorCode) bool {
	var we *wire.Error
	return errors.As(err, &we) && we.Code == code
}
