// Package storagetest is the conformance suite every cloud.Storage must pass. It is
// deliberately adversarial: besides round trips it checks that replaced records drop
// their old secondary keys, that a failed or panicking transaction leaves nothing
// behind, that tenants never see each other's rows, that Updates of one tenant never
// lose an update, that a View sees one snapshot, and that contexts are honoured even
// while a transaction waits for the tenant's lock.
//
// Requirements beyond the doc comments of cloud/storage.go that the suite pins down
// (the contract is silent on them, the service relies on them):
//   - Registry transactions are serialized among themselves, like Updates of one
//     tenant (an enrollment code must not be used twice by two concurrent enrolls).
//   - A panic in fn rolls back, releases every lock and propagates unchanged.
//   - Update, View and Registry return an error wrapping ctx.Err() when ctx is done
//     before the transaction starts, also while waiting for the lock; nothing is
//     written then.
//   - Writes in View fail and leave nothing behind.
//   - PutVerification stamps the transaction's tenant on the record, whatever
//     v.Tenant says, and a code held by another tenant gives ErrExists.
//   - Byte slices handed to PutChunk may be reused by the caller right after the call,
//     and slices returned by Chunk stay valid after the transaction.
//   - Times in registry records survive at microsecond precision (PostgreSQL's
//     timestamptz); the suite only uses microsecond times there. Cases, changes,
//     history and conflicts round-trip exactly (compared as JSON).
//   - Changes numbers are dense within committed transactions but may skip numbers of
//     rolled-back ones.
//   - wire.Change.Tx given to AppendChange comes back from ReadChanges unchanged, and
//     EachChange reports it (or the first seq of the Update that appended a change
//     without one) with every entry, with its case ID; a log entry's JSON comes back
//     exactly (patches included). Case heads carry no comments or messages.
//   - StoredBytes counts every chunk slot, the slot of an announced chunk list
//     included, and moves only with writes that commit.
//   - The optional methods the service prefers when present (cloud.RegistryViewer,
//     cloud.ChunkReplacer) agree with the required ones; a
//     RegistryView never waits for an open Registry transaction.
//
// Run calls open once per subtest; open must return a new, empty Storage and register
// its own cleanup (Close, removing files or databases) with t.Cleanup.
package storagetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// Run runs the whole suite against the Storage that open makes.
func Run(t *testing.T, open func(t *testing.T) cloud.Storage) {
	t.Helper()
	groups := []struct {
		name  string
		tests []test
	}{
		{"Registry", registryTests},
		{"Tenant", tenantTests},
		{"Log", logTests},
		{"Tx", txTests},
		{"Concurrency", concurrencyTests},
		{"Optional", optionalTests},
		{"Usage", usageTests},
		{"SignIn", signInTests},
		{"Fences", fenceTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) {
					s := open(t)
					tc.fn(t, s)
				})
			}
		})
	}
}

type test struct {
	name string
	fn   func(t *testing.T, s cloud.Storage)
}

// Tenants the suite works with; A and B are the usual pair for isolation checks.
const (
	tenantA = "musterstadt"
	tenantB = "beispielhausen"
)

// t0 has microseconds so registry records with timestamptz round-trip exactly, and no
// monotonic reading so JSON and Equal agree.
var t0 = time.Date(2026, 11, 28, 9, 30, 15, 123456000, time.UTC)

// nano is a time with nanoseconds, used only inside JSON-stored records (cases,
// changes, history, conflicts) that must round-trip exactly.
var nano = time.Date(2026, 11, 28, 9, 30, 15, 123456789, time.FixedZone("CET", 3600))

var errBoom = errors.New("storagetest: fn failed on purpose")

// waitLimit bounds every wait for another goroutine, so a deadlocking storage fails
// the test instead of hanging it.
const waitLimit = 10 * time.Second

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func update(t *testing.T, s cloud.Storage, tenant string, fn func(cloud.TenantTx) error) {
	t.Helper()
	if err := s.Update(ctxT(t), tenant, fn); err != nil {
		t.Fatalf("Update(%s): %v", tenant, err)
	}
}

func view(t *testing.T, s cloud.Storage, tenant string, fn func(cloud.TenantTx) error) {
	t.Helper()
	if err := s.View(ctxT(t), tenant, fn); err != nil {
		t.Fatalf("View(%s): %v", tenant, err)
	}
}

func reg(t *testing.T, s cloud.Storage, fn func(cloud.RegistryTx) error) {
	t.Helper()
	if err := s.Registry(ctxT(t), fn); err != nil {
		t.Fatalf("Registry: %v", err)
	}
}

// seed puts the tenants into the registry; the suite always does this before it
// opens tenant transactions, as the service does.
func seed(t *testing.T, s cloud.Storage, tenants ...string) {
	t.Helper()
	if len(tenants) == 0 {
		tenants = []string{tenantA, tenantB}
	}
	reg(t, s, func(r cloud.RegistryTx) error {
		for _, id := range tenants {
			if err := r.PutTenant(cloud.Tenant{ID: id, Name: "Gemeinde " + id, Created: t0}); err != nil {
				return err
			}
		}
		return nil
	})
}

func isNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, cloud.ErrNotFound) {
		t.Errorf("%s: err = %v, want one wrapping cloud.ErrNotFound", what, err)
	}
}

// wantNotFound checks that a read found nothing (an error wrapping cloud.ErrNotFound).
// It is called with the read: wantNotFound(t, what)(r.Tenant(id)).
func wantNotFound(t *testing.T, what string) func(_ any, err error) {
	return func(_ any, err error) {
		t.Helper()
		isNotFound(t, what, err)
	}
}

func isExists(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, cloud.ErrExists) {
		t.Errorf("%s: err = %v, want one wrapping cloud.ErrExists", what, err)
	}
}

func noErr(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// sameJSON compares by JSON encoding: exact for JSON-stored records, and it ignores
// the difference between a nil and an empty slice only where the field is omitempty.
func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatalf("%s: marshal got: %v", what, err)
	}
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatalf("%s: marshal want: %v", what, err)
	}
	if string(g) != string(w) {
		t.Errorf("%s:\n got  %s\n want %s", what, g, w)
	}
}

// utc puts every time of a registry record into UTC, so that records read back in
// the server's local zone compare by instant.
func utc(v any) any {
	u := func(p *time.Time) *time.Time {
		if p == nil {
			return nil
		}
		x := p.UTC()
		return &x
	}
	switch r := v.(type) {
	case cloud.Tenant:
		r.Created = r.Created.UTC()
		return r
	case cloud.Enrollment:
		r.Expires = r.Expires.UTC()
		r.UsedAt = u(r.UsedAt)
		return r
	case cloud.Device:
		r.Enrolled = r.Enrolled.UTC()
		r.RevokedAt = u(r.RevokedAt)
		return r
	case cloud.IntakeCredential:
		r.Created = r.Created.UTC()
		r.RevokedAt = u(r.RevokedAt)
		return r
	case cloud.Verification:
		r.SignedAt = r.SignedAt.UTC()
		return r
	case cloud.Grant:
		r.IssuedAt, r.Expires = r.IssuedAt.UTC(), r.Expires.UTC()
		return r
	case []cloud.Grant:
		out := make([]any, len(r))
		for i, g := range r {
			out[i] = utc(g)
		}
		return out
	}
	return v
}

func sameRecord(t *testing.T, what string, got, want any) {
	t.Helper()
	sameJSON(t, what, utc(got), utc(want))
}

// wantRead checks a read's two results: no error, and a record equal to want as
// sameRecord compares. It is called with the read: wantRead(t, what, want)(r.Tenant(id)).
func wantRead[T any](t *testing.T, what string, want T) func(got T, err error) {
	return func(got T, err error) {
		t.Helper()
		noErr(t, what, err)
		sameRecord(t, what, got, want)
	}
}

// wantAnyOrder is wantRead for lists whose order the contract leaves open: the
// read must return the records of want in any order (nil and empty are the same).
func wantAnyOrder[T any](t *testing.T, what string, want []T) func(got []T, err error) {
	return func(got []T, err error) {
		t.Helper()
		noErr(t, what, err)
		g, w := sortedJSON(t, got), sortedJSON(t, want)
		if !slices.Equal(g, w) {
			t.Errorf("%s:\n got  %s\n want %s", what, g, w)
		}
	}
}

// sortedJSON encodes each record as sameRecord does and sorts the encodings.
func sortedJSON[T any](t *testing.T, list []T) []string {
	t.Helper()
	out := make([]string, len(list))
	for i, v := range list {
		b, err := json.Marshal(utc(v))
		noErr(t, "marshal", err)
		out[i] = string(b)
	}
	sort.Strings(out)
	return out
}

func ptr[T any](v T) *T { return &v }

// sampleCase is a case head with every kind of content that must survive storage:
// nested form fields, umlauts, pointers, maps, nanosecond times in a non-UTC zone.
func sampleCase(tenant, id string, version uint64) model.Case {
	return model.Case{
		ID:         id,
		Tenant:     tenant,
		OrgUnit:    "ou-" + tenant,
		FileNumber: fmt.Sprintf("BA-2026-%05d", version),
		Type:       "BAUANTRAG",
		LeikaIDs:   []string{"99010003001000"},
		Title:      "Bauantrag Gartenhaus, Grüner Weg 3",
		ReceivedAt: nano,
		Channel:    model.ChannelOnline,
		Applicant: model.Applicant{
			Name: "Jürgen Weiß", Street: "Grüner Weg 3", PostalCode: "12345", City: "Musterstadt",
			Postfach: &model.Postfach{Type: "OSI", Identifier: "postfach-4711"},
		},
		Form: []model.FormField{
			{Name: "vorhaben", Label: "Vorhaben", Value: "Gartenhaus \"Süd\" <3 m²>"},
			{Name: "flurstueck", Label: "Flurstück", Items: []model.FormField{
				{Name: "gemarkung", Label: "Gemarkung", Value: "Musterstadt"},
				{Name: "nummer", Label: "Nummer", Value: "112/4"},
			}},
		},
		Representation: &model.Attachment{ID: "rep", Name: "antrag.pdf", MediaType: "application/pdf",
			Size: 2048, SHA256: "ab" + fmt.Sprint(version), AddedAt: nano, AddedBy: "system"},
		Status:        model.StatusNeu,
		LegalDeadline: ptr(time.Date(2027, 2, 28, 0, 0, 0, 0, time.UTC)),
		Versions:      map[string]uint64{model.FieldStatus: version, model.FieldAssignee: 1},
		Version:       version,
		CreatedAt:     nano,
		UpdatedAt:     nano.Add(time.Duration(version) * time.Second),
		HistoryHead:   model.HistoryHead{Seq: version, Hash: fmt.Sprintf("%064x", version)},
	}
}

func sampleHistory(caseID string, seq uint64) model.HistoryEntry {
	e := model.HistoryEntry{
		CaseID: caseID, Seq: seq, At: nano.Add(time.Duration(seq) * time.Minute),
		By: "clerk-1", ByName: "Anna Müller", Kind: "comment",
		Summary: fmt.Sprintf("Kommentar %d hinzugefügt", seq), Mutation: fmt.Sprintf("m-%d", seq),
		PrevHash: fmt.Sprintf("%064x", seq-1),
	}
	e.Hash = e.ComputeHash()
	return e
}

func sampleConflict(id, caseID string) wire.Conflict {
	return wire.Conflict{
		ID: id, CaseID: caseID, Field: model.FieldAssignee,
		ServerValue: json.RawMessage(`"clerk-1"`), ClientValue: json.RawMessage(`{"id":"clerk-2"}`),
		ServerAuthor: "Anna Müller", ClientAuthor: "Bernd Schäfer",
		ServerAt: nano, ClientAt: nano.Add(time.Hour), MutationID: "mut-" + id,
	}
}

// sampleChange is a log entry that made a case (the whole case, comments and a
// message included).
func sampleChange(tenant, caseID string, version uint64) wire.Change {
	c := sampleCase(tenant, caseID, version)
	c.Comments = []model.Comment{{ID: "c1", At: nano, By: "clerk-1", Text: "Rückfrage beim Bauamt"}}
	c.Messages = []model.Message{{ID: "m1", Direction: model.MessageIncoming, State: model.MessageReceived,
		Subject: "Nachreichung", Body: "Anbei der Lageplan.\nMit freundlichen Grüßen", At: nano}}
	return wire.Change{
		Seq:       999, // ignored by AppendChange
		CaseID:    caseID,
		Case:      &c,
		History:   []model.HistoryEntry{sampleHistory(caseID, version)},
		Mutations: []string{fmt.Sprintf("mut-%s-%d", caseID, version)},
		Conflicts: []wire.Conflict{sampleConflict(fmt.Sprintf("k-%d", version), caseID)},
	}
}

// samplePatch is a log entry that changed a case: a status, a comment appended, a
// follow-up done, as the service writes it.
func samplePatch(caseID string, version uint64) wire.Change {
	return wire.Change{
		Seq:    999,
		CaseID: caseID,
		Patch: &model.CasePatch{
			Base: model.HistoryHead{Seq: version - 1, Hash: fmt.Sprintf("%064x", version-1)},
			Fields: map[string]json.RawMessage{
				"status":      json.RawMessage(`"IN_BEARBEITUNG"`),
				"version":     json.RawMessage(fmt.Sprint(version)),
				"historyHead": json.RawMessage(fmt.Sprintf(`{"seq":%d,"hash":"%064x"}`, version, version)),
			},
			Comments:  []model.Comment{{ID: fmt.Sprintf("c%d", version), At: nano, By: "clerk-2", Text: "Stellungnahme \"Süd\" angefordert"}},
			FollowUps: []model.FollowUp{{ID: "f1", Due: nano, Reason: "Prüfen", CreatedAt: nano, By: "clerk-1", DoneAt: ptr(nano), DoneBy: "clerk-2"}},
		},
		History:   []model.HistoryEntry{sampleHistory(caseID, version)},
		Mutations: []string{fmt.Sprintf("mut-%s-%d", caseID, version)},
	}
}

// hex64 is a hex SHA-256, the shape of every hash the registry keeps.
func hex64(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
