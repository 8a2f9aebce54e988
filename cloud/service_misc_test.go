package cloud_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

func hexsum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func writeTemp(t *testing.T, name string, data []byte) cloud.IntakeFile {
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return cloud.IntakeFile{Name: name, MediaType: "application/pdf", Size: int64(len(data)), SHA256: hexsum(data), Path: p}
}

func submission(t *testing.T, txid, stelle string) cloud.Submission {
	pdf := bytes.Repeat([]byte("%PDF-1.7 representation "), 100000) // 2.4 MB: three chunks
	return cloud.Submission{
		TransactionID: txid, ZustaendigeStelle: stelle, LeikaIDs: []string{"99009001001000"},
		FormID: "bauantrag", Name: "Bauantrag Carport",
		ServiceKonto: &model.Postfach{Type: "OSI", Identifier: "pf-123", TrustLevel: "LOW"},
		Form: []model.FormField{{Name: "antragsteller", Label: "Antragsteller", Items: []model.FormField{
			{Name: "antragsteller.vorname", Label: "Vorname", Value: "Erika"},
			{Name: "antragsteller.nachname", Label: "Nachname", Value: "Mustermann"},
			{Name: "antragsteller.anschrift.strasse", Label: "Straße", Value: "Hauptstraße"},
			{Name: "antragsteller.anschrift.hausnummer", Label: "Nr.", Value: "5"},
			{Name: "antragsteller.anschrift.plz", Label: "PLZ", Value: "12345"},
			{Name: "antragsteller.anschrift.ort", Label: "Ort", Value: "Musterstadt"},
			{Name: "antragsteller.email", Label: "E-Mail", Value: "erika@example.org"},
		}}},
		Representation: ptr(writeTemp(t, "antrag.pdf", pdf)),
		Attachments:    []cloud.IntakeFile{writeTemp(t, "lageplan.pdf", []byte("%PDF lageplan"))},
	}
}

func ptr[T any](v T) *T { return &v }

func TestIntake(t *testing.T) {
	e := newEnv(t)
	sub := submission(t, "tx-1", "ou-bauamt-a")
	r, created, err := e.svc.Intake(e.ctx, e.intakeA, sub)
	if err != nil || !created {
		t.Fatalf("intake: %v created %v", err, created)
	}
	again, created, err := e.svc.Intake(e.ctx, e.intakeA, sub)
	if err != nil || created || again.CaseID != r.CaseID {
		t.Fatalf("retry: %v %v %v", again, created, err)
	}
	// Unknown unit and another tenant's unit get the same answer and store nothing.
	_, _, errUnknown := e.svc.Intake(e.ctx, e.intakeA, submission(t, "tx-2", "ou-nowhere"))
	_, _, errForeign := e.svc.Intake(e.ctx, e.intakeA, submission(t, "tx-3", "ou-ordnungsamt-b"))
	if !errors.Is(errUnknown, cloud.ErrBadRequest) || !errors.Is(errForeign, cloud.ErrBadRequest) ||
		strings.ReplaceAll(errUnknown.Error(), "ou-nowhere", "X") != strings.ReplaceAll(errForeign.Error(), "ou-ordnungsamt-b", "X") {
		t.Fatalf("unknown: %v; foreign: %v", errUnknown, errForeign)
	}

	chs, _ := e.pullAll(e.a1, 0, 0)
	if len(chs) != 1 {
		t.Fatalf("%d changes, want 1", len(chs))
	}
	c := chs[0].Case
	if c.ID != r.CaseID || c.Tenant != tenantA || c.OrgUnit != "ou-bauamt-a" || c.Channel != model.ChannelOnline ||
		c.Status != model.StatusNeu || c.Type != "BAU" || c.Title != "Bauantrag Carport" ||
		!strings.HasPrefix(c.FileNumber, "BAU-2026-0001-SV") {
		t.Fatalf("case %+v", c)
	}
	want := model.Applicant{Name: "Erika Mustermann", Street: "Hauptstraße 5", PostalCode: "12345", City: "Musterstadt",
		Email: "erika@example.org", Postfach: &model.Postfach{Type: "OSI", Identifier: "pf-123", TrustLevel: "LOW"}}
	if c.Applicant.Name != want.Name || c.Applicant.Street != want.Street || c.Applicant.PostalCode != want.PostalCode ||
		c.Applicant.City != want.City || c.Applicant.Email != want.Email || *c.Applicant.Postfach != *want.Postfach {
		t.Fatalf("applicant %+v", c.Applicant)
	}
	if h := chs[0].History; len(h) != 1 || h[0].Summary != "Online-Antrag eingegangen" || len(chs[0].Mutations) != 0 {
		t.Fatalf("history %+v", h)
	}
	if c.Representation == nil || len(c.Attachments) != 1 || c.Representation.SHA256 != sub.Representation.SHA256 {
		t.Fatalf("files %+v %+v", c.Representation, c.Attachments)
	}
	// The representation is a complete blob of tenant A, readable chunk by chunk.
	var got []byte
	for i := 0; ; i++ {
		b, err := e.svc.Chunk(e.ctx, e.a2, c.Representation.SHA256, i)
		if errors.Is(err, cloud.ErrNotFound) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, b...)
	}
	if hexsum(got) != c.Representation.SHA256 {
		t.Fatalf("representation read back: %d bytes", len(got))
	}
	if _, err := e.svc.Chunk(e.ctx, e.b1, c.Representation.SHA256, 0); !errors.Is(err, cloud.ErrNotFound) {
		t.Fatalf("tenant B read tenant A's blob: %v", err)
	}
	// B's unit works with B's credential; the second intake of A counts on.
	if _, created, err := e.svc.Intake(e.ctx, e.intakeB, submission(t, "tx-1", "ou-ordnungsamt-b")); err != nil || !created {
		t.Fatalf("tenant B intake with the same transaction id: %v", err)
	}
	e.svc.Intake(e.ctx, e.intakeA, submission(t, "tx-4", "ou-bauamt-a"))
	chs, _ = e.pullAll(e.a1, 0, 0)
	if len(chs) != 2 || !strings.HasPrefix(chs[1].Case.FileNumber, "BAU-2026-0002-SV") {
		t.Fatalf("second intake: %d changes", len(chs))
	}
}

func chunked(data []byte) wire.MissingChunksRequest {
	req := wire.MissingChunksRequest{SHA256: hexsum(data), Size: int64(len(data))}
	for off := 0; off < len(data); off += wire.ChunkSize {
		req.ChunkHashes = append(req.ChunkHashes, hexsum(data[off:min(off+wire.ChunkSize, len(data))]))
	}
	return req
}

func TestBlobChunks(t *testing.T) {
	e := newEnv(t)
	data := bytes.Repeat([]byte("0123456789abcdef"), 3*wire.ChunkSize/16+1000) // 4 chunks
	req := chunked(data)
	part := func(i int) []byte { return data[i*wire.ChunkSize : min((i+1)*wire.ChunkSize, len(data))] }

	if err := e.svc.PutChunk(e.ctx, e.a1, req.SHA256, 0, part(0)); !errors.Is(err, cloud.ErrBadRequest) {
		t.Fatalf("chunk before announcement: %v", err)
	}
	miss := check(e.svc.MissingChunks(e.ctx, e.a1, req))
	if len(miss.Missing) != 4 {
		t.Fatalf("missing %v", miss.Missing)
	}
	if err := e.svc.PutChunk(e.ctx, e.a1, req.SHA256, 1, part(1)); err != nil {
		t.Fatal(err)
	}
	bad := bytes.Clone(part(2))
	bad[7] ^= 1
	if err := e.svc.PutChunk(e.ctx, e.a1, req.SHA256, 2, bad); !errors.Is(err, cloud.ErrBadRequest) {
		t.Fatalf("corrupted chunk: %v", err)
	}
	// Interrupted: the device asks again and sends only what is missing.
	miss = check(e.svc.MissingChunks(e.ctx, e.a2, req))
	if len(miss.Missing) != 3 || miss.Missing[0] != 0 || miss.Missing[1] != 2 || miss.Missing[2] != 3 {
		t.Fatalf("missing after interruption %v", miss.Missing)
	}
	if _, err := e.svc.Chunk(e.ctx, e.a1, req.SHA256, 1); !errors.Is(err, cloud.ErrNotFound) {
		t.Fatalf("chunk of an incomplete blob: %v", err)
	}
	for _, i := range miss.Missing {
		if err := e.svc.PutChunk(e.ctx, e.a2, req.SHA256, i, part(i)); err != nil {
			t.Fatal(err)
		}
	}
	if m := check(e.svc.MissingChunks(e.ctx, e.a1, req)); len(m.Missing) != 0 {
		t.Fatalf("complete blob still misses %v", m.Missing)
	}
	if b := check(e.svc.Chunk(e.ctx, e.a1, req.SHA256, 3)); !bytes.Equal(b, part(3)) {
		t.Fatal("last chunk differs")
	}
	// Deduplication is within the tenant only: B has to upload it itself.
	if _, err := e.svc.Chunk(e.ctx, e.b1, req.SHA256, 0); !errors.Is(err, cloud.ErrNotFound) {
		t.Fatalf("tenant B read A's chunk: %v", err)
	}
	if m := check(e.svc.MissingChunks(e.ctx, e.b1, req)); len(m.Missing) != 4 {
		t.Fatalf("tenant B misses %v", m.Missing)
	}
	// Chunk hashes that do not add up to the blob's hash never make a blob.
	other := bytes.Repeat([]byte("x"), 100)
	lie := wire.MissingChunksRequest{SHA256: hexsum([]byte("something else")), Size: 100, ChunkHashes: []string{hexsum(other)}}
	check(e.svc.MissingChunks(e.ctx, e.a1, lie))
	if err := e.svc.PutChunk(e.ctx, e.a1, lie.SHA256, 0, other); !errors.Is(err, cloud.ErrBadRequest) {
		t.Fatalf("inconsistent blob: %v", err)
	}
}

func TestVerify(t *testing.T) {
	e := newEnv(t)
	e.push(e.a1, e.create(e.a1, e.anna, "case-1"))
	signed := e.now
	doc := &model.Attachment{ID: "att-1", Name: "Bescheid BAU-2026-0001 Genehmigung 1A2B-3C4D-5E6F-7A8B.pdf",
		MediaType: "application/pdf", SHA256: strings.Repeat("ab", 32)}
	r := e.push(e.a1,
		e.mut(e.a1, e.anna, "case-1", model.KindDecision, model.DecisionPayload{Decision: model.DecisionInfo{
			ID: "d-1", Title: "Baugenehmigung", SignedAt: &signed, Document: doc}}, nil),
		e.mut(e.a1, e.anna, "case-1", model.KindDecision, model.DecisionPayload{Decision: model.DecisionInfo{
			ID: "d-2", Title: "Entwurf"}}, nil),
	)
	if statuses(r)[0] != wire.StatusApplied {
		t.Fatal(r)
	}
	v := check(e.svc.Verify(e.ctx, "1a2b-3c4d-5e6f-7a8b"))
	if !v.Found || v.FileNumber != "BAU-2026-0001-"+e.a1.Code || v.Hash != doc.SHA256 || !v.SignedAt.Equal(signed) {
		t.Fatalf("verify %+v", v)
	}
	// Tenant B claims the same code: its push goes through, the index stays A's.
	e.push(e.b1, e.create(e.b1, e.bruno, "case-b"))
	rb := e.push(e.b1, e.mut(e.b1, e.bruno, "case-b", model.KindDecision, model.DecisionPayload{Decision: model.DecisionInfo{
		ID: "d-9", Title: "Fälschung", SignedAt: &signed, Document: doc, VerificationCode: "1A2B-3C4D-5E6F-7A8B"}}, nil))
	if rb.Results[0].Status != wire.StatusApplied {
		t.Fatalf("tenant B's decision: %+v", rb)
	}
	if v := check(e.svc.Verify(e.ctx, "1A2B-3C4D-5E6F-7A8B")); v.FileNumber != "BAU-2026-0001-"+e.a1.Code {
		t.Fatalf("index taken over: %+v", v)
	}
	for _, code := range []string{"0000-0000-0000-0000", "", "nonsense", "1A2B-3C4D-5E6F-7A8B-0000"} {
		if v := check(e.svc.Verify(e.ctx, code)); v.Found {
			t.Fatalf("%q found", code)
		}
	}
}

func TestTenantIsolation(t *testing.T) {
	e := newEnv(t)
	e.push(e.a1, e.create(e.a1, e.anna, "case-a"))
	r := e.push(e.a1, e.mut(e.a1, e.anna, "case-a", model.KindAssign, model.AssignPayload{Assignee: e.anna.ID}, map[string]uint64{"assignee": 0}))
	r2 := e.push(e.a2, e.mut(e.a2, e.ben, "case-a", model.KindAssign, model.AssignPayload{Assignee: e.ben.ID}, map[string]uint64{"assignee": 0}))
	if r.Results[0].Status != wire.StatusApplied || r2.Results[0].Status != wire.StatusConflict {
		t.Fatal(statuses(r), statuses(r2))
	}
	cf := r2.Results[0].Conflict

	// Tenant B's device names tenant A's case and conflict, with A's user and its own.
	rb := e.push(e.b1,
		e.mut(e.b1, e.bruno, "case-a", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "x", Text: "hallo"}}, nil),
		e.mut(e.b1, e.anna, "case-a", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "x", Text: "hallo"}}, nil),
		e.mut(e.b1, e.bruno, "case-a", model.KindConflictResolve, model.ConflictResolvePayload{ConflictID: cf.ID, Field: cf.Field, Keep: model.KeepClient}, nil),
		e.mut(e.b1, e.bruno, "case-a", model.KindAssign, model.AssignPayload{Assignee: e.bruno.ID}, nil),
	)
	for _, res := range rb.Results {
		if res.Status != wire.StatusRejected {
			t.Fatalf("tenant B's mutation on A's case: %+v", res)
		}
	}
	// Creating a case with A's id in B makes B's own case; A's stays untouched.
	e.push(e.b1, e.create(e.b1, e.bruno, "case-a"))
	chB, _ := e.pullAll(e.b1, 0, 0)
	for _, ch := range chB {
		if ch.Case.Tenant != tenantB || len(ch.Conflicts) > 0 {
			t.Fatalf("tenant B sees %+v", ch)
		}
	}
	chA, _ := e.pullAll(e.a1, 0, 0)
	for _, ch := range chA {
		if ch.Case.Tenant != tenantA || ch.Case.Applicant.Name != "Erika Mustermann" || len(ch.Case.Comments) > 0 {
			t.Fatalf("tenant A's case changed: %+v", ch.Case)
		}
	}
	if last := chA[len(chA)-1].Case; last.Assignee != e.anna.ID {
		t.Fatalf("assignee %q", last.Assignee)
	}
}

func TestEnrollmentAndTokens(t *testing.T) {
	e := newEnv(t)
	code, expires, err := e.svc.NewEnrollment(e.ctx, tenantA)
	if err != nil || !expires.Equal(e.now.Add(24*time.Hour)) {
		t.Fatal(err, expires)
	}
	r, err := e.svc.Enroll(e.ctx, strings.ToLower(code))
	if err != nil || r.Tenant != tenantA || r.Validate() != nil {
		t.Fatalf("enroll with a lower-case code: %+v %v", r, err)
	}
	if _, err := e.svc.Enroll(e.ctx, code); !errors.Is(err, cloud.ErrEnrollment) {
		t.Fatalf("second use: %v", err)
	}
	late, _, _ := e.svc.NewEnrollment(e.ctx, tenantA)
	e.now = e.now.Add(24 * time.Hour)
	if _, err := e.svc.Enroll(e.ctx, late); !errors.Is(err, cloud.ErrEnrollment) {
		t.Fatalf("expired code: %v", err)
	}
	if _, err := e.svc.Enroll(e.ctx, "AAAA-BBBB-CCCC-DDDD"); !errors.Is(err, cloud.ErrEnrollment) {
		t.Fatalf("unknown code: %v", err)
	}
	d := check(e.svc.Authenticate(e.ctx, r.Token))
	if d.ID != r.DeviceID || d.Code != r.DeviceCode || d.Code == e.a1.Code || d.Code == e.a2.Code {
		t.Fatalf("device %+v, others %s %s", d, e.a1.Code, e.a2.Code)
	}
	if _, err := e.svc.RevokeDevice(e.ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Authenticate(e.ctx, r.Token); !errors.Is(err, cloud.ErrUnauthorized) {
		t.Fatalf("revoked token: %v", err)
	}
	for _, tok := range []string{"", "nonsense"} {
		if _, err := e.svc.Authenticate(e.ctx, tok); !errors.Is(err, cloud.ErrUnauthorized) {
			t.Fatalf("token %q: %v", tok, err)
		}
		if _, err := e.svc.AuthenticateIntake(e.ctx, tok); !errors.Is(err, cloud.ErrUnauthorized) {
			t.Fatalf("intake token %q: %v", tok, err)
		}
	}
	cred, tok, err := e.svc.AddIntakeCredential(e.ctx, tenantB)
	if err != nil {
		t.Fatal(err)
	}
	if got := check(e.svc.AuthenticateIntake(e.ctx, tok)); got.ID != cred.ID || got.Tenant != tenantB {
		t.Fatalf("intake credential %+v", got)
	}
	if _, err := e.svc.AddTenant(e.ctx, tenantA, "nochmal"); !errors.Is(err, cloud.ErrExists) {
		t.Fatalf("tenant twice: %v", err)
	}
	if _, err := e.svc.AddOrgUnit(e.ctx, tenantB, "ou-bauamt-a", "geklaut"); !errors.Is(err, cloud.ErrExists) {
		t.Fatalf("org unit of another tenant: %v", err)
	}
	if _, _, err := e.svc.NewEnrollment(e.ctx, "nowhere"); !errors.Is(err, cloud.ErrNotFound) {
		t.Fatalf("enrollment for an unknown tenant: %v", err)
	}
	devs := check(e.svc.Devices(e.ctx, tenantA))
	revoked := 0
	for _, d := range devs {
		if d.RevokedAt != nil {
			revoked++
		}
	}
	if len(devs) != 3 || revoked != 1 {
		t.Fatalf("%d devices of A, %d revoked", len(devs), revoked)
	}
	if ts := check(e.svc.Tenants(e.ctx)); len(ts) != 2 {
		t.Fatalf("tenants %v", ts)
	}
	if ous := check(e.svc.OrgUnits(e.ctx, tenantB)); len(ous) != 1 || ous[0].ID != "ou-ordnungsamt-b" {
		t.Fatalf("org units of B %v", ous)
	}
	if us := check(e.svc.Users(e.ctx, tenantA)); len(us) != 3 {
		t.Fatalf("users of A %v", us)
	}
}
