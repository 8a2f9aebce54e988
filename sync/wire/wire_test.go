package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var (
	t0 = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	t1 = t0.Add(2 * time.Hour)
)

func mutation(t testing.TB, device string, seq uint64, kind model.MutationKind, payload any) model.Mutation {
	t.Helper()
	m, err := model.NewMutation("case-1", kind, payload)
	if err != nil {
		t.Fatal(err)
	}
	m.ID, m.Device, m.Seq, m.User, m.At = MutationID(device, seq), device, seq, "clerk-1", t0.Add(time.Duration(seq)*time.Minute)
	return m
}

func samplePush(t testing.TB) PushRequest {
	return PushRequest{Incarnation: "0b6e9f2c41d87a35", Replaces: "7c1d0e5a9b3f2e48", Acked: 6, Mutations: []model.Mutation{
		mutation(t, "dev-a", 7, model.KindAssign, model.AssignPayload{Assignee: "clerk-1"}),
		func() model.Mutation {
			m := mutation(t, "dev-a", 8, model.KindTransition, model.TransitionPayload{Action: "annehmen"})
			m.Base = map[string]uint64{model.FieldStatus: 2}
			return m
		}(),
		mutation(t, "dev-a", 9, model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "c-1", At: t0, By: "clerk-1", Text: "Unterlagen vollständig."}}),
		mutation(t, "dev-a", 10, model.KindConflictResolve, model.ConflictResolvePayload{ConflictID: "cf-1", Field: model.FieldAssignee, Keep: model.KeepClient, Value: json.RawMessage(`"clerk-1"`)}),
	}}
}

func sampleChanges() ChangesResponse {
	h := model.HistoryEntry{CaseID: "case-1", Seq: 5, At: t0.Add(time.Hour), By: "clerk-1", ByName: "Max Beispiel",
		Kind: string(model.KindTransition), Summary: "Annehmen: Neu → In Bearbeitung", Mutation: "dev-a:8",
		PrevHash: strings.Repeat("cd", 32), Hash: strings.Repeat("ab", 32)}
	h2 := model.HistoryEntry{CaseID: "case-1", Seq: 6, At: t0.Add(2 * time.Hour), By: "clerk-1", ByName: "Max Beispiel",
		Kind: string(model.KindComment), Summary: "Kommentar: Unterlagen vollständig.", Mutation: "dev-a:9",
		PrevHash: strings.Repeat("ab", 32), Hash: strings.Repeat("ef", 32)}
	// Two entries of case-1 merged into one patch: a transition, then a comment.
	patch := model.CasePatch{
		Base: model.HistoryHead{Seq: 4, Hash: strings.Repeat("cd", 32)},
		Fields: map[string]json.RawMessage{
			"status":      json.RawMessage(`"IN_BEARBEITUNG"`),
			"prevStatus":  json.RawMessage(`"ANGENOMMEN"`),
			"versions":    json.RawMessage(`{"assignee":1,"status":3}`),
			"version":     json.RawMessage(`6`),
			"updatedAt":   json.RawMessage(`"2026-03-02T11:04:05Z"`),
			"historyHead": json.RawMessage(`{"seq":6,"hash":"` + strings.Repeat("ef", 32) + `"}`),
		},
		Comments: []model.Comment{{ID: "c-1", At: t0, By: "clerk-1", Text: "Unterlagen vollständig."}},
	}
	created := model.Case{ID: "case-2", Tenant: "musterstadt", OrgUnit: "bauamt", FileNumber: "BAU-2026-0043-A7",
		Type: "BAU", Title: "Bauantrag Carport", ReceivedAt: t0, Channel: model.ChannelOnline,
		Applicant: model.Applicant{Name: "Erika Mustermann", PostalCode: "12345"},
		Status:    "NEU", Version: 1, CreatedAt: t0, UpdatedAt: t0,
		HistoryHead: model.HistoryHead{Seq: 1, Hash: strings.Repeat("12", 32)}}
	return ChangesResponse{
		Changes: []Change{
			{Seq: 41, CaseID: "case-1", Patch: &patch, History: []model.HistoryEntry{h, h2}, Mutations: []string{"dev-a:8", "dev-a:9"},
				Sums: []string{"q3Zs0bH5kW2", "Z0pX7mJc4eT"},
				Conflicts: []Conflict{{ID: "cf-1", CaseID: "case-1", Field: model.FieldAssignee,
					ServerValue: json.RawMessage(`"clerk-2"`), ClientValue: json.RawMessage(`"clerk-1"`),
					ServerAuthor: "clerk-2", ClientAuthor: "clerk-1", ServerAt: t0, ClientAt: t0.Add(time.Minute),
					MutationID: "dev-a:7"}}, Tx: 40},
			{Seq: 43, CaseID: "case-2", Case: &created,
				Conflicts: []Conflict{{ID: "cf-2", CaseID: "case-2", Field: model.FieldStatus,
					ServerValue: json.RawMessage(`"ANGENOMMEN"`), ClientValue: json.RawMessage(`"VERWORFEN"`),
					ServerAuthor: "clerk-2", ClientAuthor: "clerk-1", ServerAt: t0, ClientAt: t0.Add(time.Minute),
					MutationID: "dev-b:3", ResolvedAt: &t1, ResolvedBy: "clerk-2", Resolution: model.KeepServer}}},
		},
		Cursor: 43,
		More:   true,
		Epoch:  "Jd8sK2pQz4w",
	}
}

func golden(t *testing.T, name string, v any) {
	t.Helper()
	// The file holds exactly what goes over the wire (compact), so a change in
	// whitespace of an embedded payload shows up too.
	got, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update once to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("wire format of %s drifted (a change needs a new Version); got:\n%s", name, got)
	}
}

func TestGolden(t *testing.T) {
	golden(t, "push.json", samplePush(t))
	golden(t, "changes.json", sampleChanges())
}

// The golden files must also decode to exactly the values they were made from.
func TestGoldenDecodes(t *testing.T) {
	f, err := os.Open("testdata/push.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := DecodePush(f, MaxBodyPush)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p, samplePush(t)) {
		t.Errorf("push: got %+v", p)
	}
	g, err := os.Open("testdata/changes.json")
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	c, err := DecodeChanges(g, MaxBodyPush)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, sampleChanges()) {
		t.Errorf("changes: got %+v", c)
	}
}

func roundTrip[T any](t *testing.T, v T) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var got T
	if err := Decode(bytes.NewReader(b), MaxBodyPush, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, v) {
		t.Errorf("%T round trip:\n got %+v\nwant %+v", v, got, v)
	}
}

func TestRoundTrip(t *testing.T) {
	signed := t0
	roundTrip(t, EnrollRequest{Code: "K7QX-19TB"})
	roundTrip(t, EnrollResponse{DeviceID: "dev-a", Token: "tok", Tenant: "musterstadt", DeviceCode: "A7"})
	roundTrip(t, samplePush(t))
	roundTrip(t, PushResponse{LastSeq: 9, Results: []PushResult{
		{Seq: 7, Status: StatusSkipped},
		{Seq: 8, Status: StatusRejected, Reason: "Der Vorgang ist bereits abgeschlossen."},
		{Seq: 9, Status: StatusConflict, Reason: "Zwischenzeitlich geändert.", Conflict: &sampleChanges().Changes[0].Conflicts[0]},
	}})
	roundTrip(t, sampleChanges())
	roundTrip(t, MissingChunksRequest{SHA256: strings.Repeat("0", 64), Size: ChunkSize + 1, ChunkHashes: []string{strings.Repeat("1", 64), strings.Repeat("2", 64)}})
	roundTrip(t, MissingChunksResponse{Missing: []int{0, 3}})
	roundTrip(t, IntakeResponse{CaseID: "case-9"})
	roundTrip(t, VerifyResponse{Found: true, FileNumber: "BAU-2026-0042-A7", SignedAt: &signed, Hash: strings.Repeat("e", 64)})
	roundTrip(t, VerifyResponse{})
	roundTrip(t, VersionError())
}

func TestPushValidate(t *testing.T) {
	ok := samplePush(t)
	tests := []struct {
		name string
		edit func(p *PushRequest)
		want error
	}{
		{"valid", func(p *PushRequest) {}, nil},
		{"empty batch", func(p *PushRequest) { p.Mutations = nil }, nil},
		{"too many", func(p *PushRequest) {
			for i := 0; i <= MaxPushBatch; i++ {
				p.Mutations = append(p.Mutations, mutation(t, "dev-a", uint64(10+i), model.KindAssign, model.AssignPayload{}))
			}
		}, ErrTooMany},
		{"no device", func(p *PushRequest) { p.Mutations[0].Device = "" }, ErrMissing},
		{"colon in device", func(p *PushRequest) { p.Mutations[0].Device = "a:b" }, ErrMissing},
		{"two devices", func(p *PushRequest) {
			p.Mutations[1].Device, p.Mutations[1].ID = "dev-b", "dev-b:8"
		}, ErrDevice},
		{"seq zero", func(p *PushRequest) {
			p.Mutations = p.Mutations[:1]
			p.Mutations[0].Seq, p.Mutations[0].ID = 0, "dev-a:0"
		}, ErrSeqOrder},
		{"gap", func(p *PushRequest) { p.Mutations[2].Seq, p.Mutations[2].ID = 10, "dev-a:10" }, ErrSeqOrder},
		{"descending", func(p *PushRequest) { p.Mutations[0], p.Mutations[1] = p.Mutations[1], p.Mutations[0] }, ErrSeqOrder},
		{"repeated", func(p *PushRequest) { p.Mutations[1] = p.Mutations[0] }, ErrSeqOrder},
		{"id not device:seq", func(p *PushRequest) { p.Mutations[1].ID = "dev-a:9" }, ErrMutationID},
		{"id of other device", func(p *PushRequest) { p.Mutations[1].ID = "dev-b:8" }, ErrMutationID},
		{"id with leading zero", func(p *PushRequest) { p.Mutations[1].ID = "dev-a:08" }, ErrMutationID},
		{"unknown kind", func(p *PushRequest) { p.Mutations[1].Kind = "case.delete" }, ErrUnknownKind},
		{"no case", func(p *PushRequest) { p.Mutations[1].CaseID = "" }, ErrMissing},
		{"no user", func(p *PushRequest) { p.Mutations[1].User = "" }, ErrMissing},
		{"no time", func(p *PushRequest) { p.Mutations[1].At = time.Time{} }, ErrMissing},
		{"no payload", func(p *PushRequest) { p.Mutations[1].Payload = nil }, ErrMissing},
		{"no incarnation", func(p *PushRequest) { p.Incarnation = "" }, ErrFence},
		{"short incarnation", func(p *PushRequest) { p.Incarnation = "abc" }, ErrFence},
		{"incarnation with a colon", func(p *PushRequest) { p.Incarnation = "abc:defgh" }, ErrFence},
		{"replaces itself", func(p *PushRequest) { p.Replaces = p.Incarnation }, ErrFence},
		{"replaces nothing", func(p *PushRequest) { p.Replaces = "" }, nil},
		{"bad replaces", func(p *PushRequest) { p.Replaces = strings.Repeat("x", MaxIncarnation+1) }, ErrFence},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ok
			p.Mutations = append([]model.Mutation(nil), ok.Mutations...)
			tt.edit(&p)
			if err := p.Validate(); !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestPushResponseValidate(t *testing.T) {
	cf := &Conflict{CaseID: "case-1", Field: model.FieldStatus}
	tests := []struct {
		name string
		r    PushResponse
		want error
	}{
		{"valid", PushResponse{LastSeq: 3, Results: []PushResult{{Seq: 1, Status: StatusSkipped}, {Seq: 2, Status: StatusApplied}, {Seq: 3, Status: StatusConflict, Conflict: cf}}}, nil},
		{"nothing reached", PushResponse{LastSeq: 3}, nil},
		{"past lastSeq", PushResponse{LastSeq: 1, Results: []PushResult{{Seq: 2, Status: StatusApplied}}}, ErrSeqOrder},
		{"seq zero", PushResponse{LastSeq: 1, Results: []PushResult{{Seq: 0, Status: StatusApplied}}}, ErrSeqOrder},
		{"not ascending", PushResponse{LastSeq: 3, Results: []PushResult{{Seq: 2, Status: StatusApplied}, {Seq: 2, Status: StatusApplied}}}, ErrSeqOrder},
		{"unknown status", PushResponse{LastSeq: 1, Results: []PushResult{{Seq: 1, Status: "lost"}}}, ErrStatus},
		{"rejected without reason", PushResponse{LastSeq: 1, Results: []PushResult{{Seq: 1, Status: StatusRejected}}}, ErrMissing},
		{"conflict without conflict", PushResponse{LastSeq: 1, Results: []PushResult{{Seq: 1, Status: StatusConflict}}}, ErrMissing},
		{"conflict on applied", PushResponse{LastSeq: 1, Results: []PushResult{{Seq: 1, Status: StatusApplied, Conflict: cf}}}, ErrStatus},
		{"code on rejected", PushResponse{LastSeq: 1, Results: []PushResult{{Seq: 1, Status: StatusRejected, Reason: "vergeben", Code: RejectFileNumber}}}, nil},
		{"code on applied", PushResponse{LastSeq: 1, Results: []PushResult{{Seq: 1, Status: StatusApplied, Code: RejectFileNumber}}}, ErrStatus},
		{"diverged after skipped ones", PushResponse{LastSeq: 9, Fence: FenceDiverged, Results: []PushResult{{Seq: 4, Status: StatusSkipped}}}, nil},
		{"diverged with applied", PushResponse{LastSeq: 9, Fence: FenceDiverged, Results: []PushResult{{Seq: 4, Status: StatusApplied}}}, ErrFence},
		{"behind", PushResponse{LastSeq: 3, Fence: FenceBehind}, nil},
		{"behind with results", PushResponse{LastSeq: 3, Fence: FenceBehind, Results: []PushResult{{Seq: 1, Status: StatusSkipped}}}, ErrFence},
		{"replaced", PushResponse{LastSeq: 3, Fence: FenceReplaced}, nil},
		{"unknown fence", PushResponse{LastSeq: 3, Fence: "moved"}, ErrFence},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.r.Validate(); !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestChangesValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(r *ChangesResponse)
		after uint64
		want  error
	}{
		{"valid", func(r *ChangesResponse) {}, 40, nil},
		{"empty page", func(r *ChangesResponse) { r.Changes, r.More, r.Cursor = nil, false, 40 }, 40, nil},
		{"empty page moves cursor", func(r *ChangesResponse) { r.Changes, r.More, r.Cursor = nil, false, 50 }, 40, ErrCursor},
		{"empty page with more", func(r *ChangesResponse) { r.Changes, r.Cursor = nil, 40 }, 40, ErrCursor},
		{"cursor not last", func(r *ChangesResponse) { r.Cursor = 42 }, 40, ErrCursor},
		{"cursor past last", func(r *ChangesResponse) { r.Cursor = 44 }, 40, ErrCursor},
		{"not ascending", func(r *ChangesResponse) { r.Changes[1].Seq = 41; r.Cursor = 41 }, 40, ErrSeqOrder},
		{"seq zero", func(r *ChangesResponse) { r.Changes = r.Changes[:1]; r.Changes[0].Seq, r.Cursor = 0, 0 }, 0, ErrSeqOrder},
		{"before cursor", func(r *ChangesResponse) {}, 41, ErrSeqOrder},
		{"case id mismatch", func(r *ChangesResponse) { r.Changes[1].Case.ID = "case-3" }, 40, ErrChange},
		{"no case id", func(r *ChangesResponse) { r.Changes[1].CaseID, r.Changes[1].Case.ID = "", "" }, 40, ErrChange},
		{"case and patch", func(r *ChangesResponse) { r.Changes[1].Patch = r.Changes[0].Patch }, 40, ErrChange},
		{"neither case nor patch", func(r *ChangesResponse) { r.Changes[0].Patch = nil }, 40, ErrChange},
		{"case twice", func(r *ChangesResponse) { r.Changes[1].CaseID, r.Changes[1].Case.ID = "case-1", "case-1" }, 40, ErrChange},
		{"tx after seq", func(r *ChangesResponse) { r.Changes[0].Tx = 42 }, 40, ErrChange},
		{"foreign history", func(r *ChangesResponse) { r.Changes[0].History[0].CaseID = "case-2" }, 40, ErrChange},
		{"foreign conflict", func(r *ChangesResponse) { r.Changes[0].Conflicts[0].CaseID = "case-2" }, 40, ErrChange},
		{"a sum short", func(r *ChangesResponse) { r.Changes[0].Sums = r.Changes[0].Sums[:1] }, 40, ErrChange},
		{"no sums", func(r *ChangesResponse) { r.Changes[0].Sums = nil }, 40, nil},
		{"resync", func(r *ChangesResponse) { *r = ChangesResponse{Resync: true} }, 40, nil},
		{"resync with a cursor", func(r *ChangesResponse) { *r = ChangesResponse{Resync: true, Cursor: 40} }, 40, ErrCursor},
		{"resync with changes", func(r *ChangesResponse) { r.Resync = true }, 40, ErrCursor},
		{"resync with an epoch", func(r *ChangesResponse) { *r = ChangesResponse{Resync: true, Epoch: "x"} }, 40, ErrCursor},
		{"too many", func(r *ChangesResponse) {
			r.Changes = nil
			for i := 1; i <= MaxLimit+1; i++ {
				r.Changes = append(r.Changes, Change{Seq: uint64(i), CaseID: fmt.Sprint(i), Patch: &model.CasePatch{}})
			}
			r.Cursor = MaxLimit + 1
		}, 0, ErrTooMany},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sampleChanges()
			tt.edit(&r)
			if err := r.ValidateAfter(tt.after); !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestEnrollValidate(t *testing.T) {
	ok := EnrollResponse{DeviceID: "dev-a", Token: "tok", Tenant: "musterstadt", DeviceCode: "A7"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []EnrollResponse{
		{Token: "tok", Tenant: "t", DeviceCode: "A7"},
		{DeviceID: "a:b", Token: "tok", Tenant: "t", DeviceCode: "A7"},
		{DeviceID: "d", Tenant: "t", DeviceCode: "A7"},
		{DeviceID: "d", Token: "tok", DeviceCode: "A7"},
		{DeviceID: "d", Token: "tok", Tenant: "t"},
		{DeviceID: "d", Token: "tok", Tenant: "t", DeviceCode: "A-7"},
		{DeviceID: "d", Token: "tok", Tenant: "t", DeviceCode: "a7"},
		{DeviceID: "d", Token: "tok", Tenant: "t", DeviceCode: "ABCDEFGHI"},
	} {
		if err := bad.Validate(); !errors.Is(err, ErrMissing) {
			t.Errorf("%+v: got %v", bad, err)
		}
	}
	if err := (EnrollRequest{Code: " "}).Validate(); !errors.Is(err, ErrMissing) {
		t.Errorf("blank code: %v", err)
	}
}

func TestChunksValidate(t *testing.T) {
	h := func(c string) string { return strings.Repeat(c, 64) }
	tests := []struct {
		name string
		r    MissingChunksRequest
		ok   bool
	}{
		{"empty blob", MissingChunksRequest{SHA256: h("a"), Size: 0}, true},
		{"one byte", MissingChunksRequest{SHA256: h("a"), Size: 1, ChunkHashes: []string{h("b")}}, true},
		{"exactly one chunk", MissingChunksRequest{SHA256: h("a"), Size: ChunkSize, ChunkHashes: []string{h("b")}}, true},
		{"one byte over", MissingChunksRequest{SHA256: h("a"), Size: ChunkSize + 1, ChunkHashes: []string{h("b")}}, false},
		{"negative size", MissingChunksRequest{SHA256: h("a"), Size: -1}, false},
		{"upper-case hash", MissingChunksRequest{SHA256: h("A")}, false},
		{"short hash", MissingChunksRequest{SHA256: "abc"}, false},
		{"not hex", MissingChunksRequest{SHA256: h("g")}, false},
		{"bad chunk hash", MissingChunksRequest{SHA256: h("a"), Size: 1, ChunkHashes: []string{"x"}}, false},
	}
	for _, tt := range tests {
		if err := tt.r.Validate(); (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrChunk)) {
			t.Errorf("%s: got %v", tt.name, err)
		}
	}
	req := MissingChunksRequest{SHA256: h("a"), Size: 3 * ChunkSize, ChunkHashes: []string{h("b"), h("c"), h("d")}}
	for _, tt := range []struct {
		missing []int
		ok      bool
	}{{nil, true}, {[]int{0, 2}, true}, {[]int{3}, false}, {[]int{-1}, false}, {[]int{1, 1}, false}, {[]int{2, 0}, false}} {
		if err := (MissingChunksResponse{Missing: tt.missing}).ValidateFor(req); (err == nil) != tt.ok {
			t.Errorf("missing %v: got %v", tt.missing, err)
		}
	}
}

func TestDecodeRefuses(t *testing.T) {
	valid, _ := json.Marshal(samplePush(t))
	tests := []struct {
		name string
		body string
		max  int64
		want error
	}{
		{"too large", string(valid), int64(len(valid) - 1), ErrTooLarge},
		{"unknown field", `{"mutations":[],"extra":1}`, 1000, ErrDecode},
		{"unknown nested field", `{"mutations":[{"id":"d:1","bogus":true}]}`, 1000, ErrDecode},
		{"trailing data", `{"mutations":[]} {}`, 1000, ErrDecode},
		{"null", `null`, 1000, ErrDecode},
		{"empty", ``, 1000, ErrDecode},
		{"array", `[]`, 1000, ErrDecode},
		{"truncated", string(valid[:len(valid)/2]), 1 << 20, ErrDecode},
		{"invalid mutation", `{"incarnation":"0b6e9f2c41d87a35","mutations":[{"id":"d:2","device":"d","seq":1}]}`, 1000, ErrMutationID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := DecodePush(strings.NewReader(tt.body), tt.max); !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := DecodePush(bytes.NewReader(valid), int64(len(valid))); err != nil {
		t.Errorf("body of exactly max bytes: %v", err)
	}
	if _, err := DecodeChanges(strings.NewReader(`{"changes":[],"cursor":5,"more":true}`), 1000); !errors.Is(err, ErrCursor) {
		t.Errorf("changes: %v", err)
	}
}

func TestVersion(t *testing.T) {
	if err := CheckVersion(strconv.Itoa(Version)); err != nil {
		t.Error(err)
	}
	for _, h := range []string{"", strconv.Itoa(Version + 1), strconv.Itoa(Version - 1), "0", "v2", " 2"} {
		if err := CheckVersion(h); !errors.Is(err, ErrVersion) {
			t.Errorf("%q: got %v", h, err)
		}
	}
	body, _ := json.Marshal(VersionError())
	e, err := DecodeError(bytes.NewReader(body), MaxBodySmall)
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(e, ErrVersion) || e.Version != Version || e.Code.HTTPStatus() != 400 || e.Code.Retryable() {
		t.Errorf("version error: %+v", e)
	}
	if _, err := DecodeError(strings.NewReader(`<html>`), MaxBodySmall); !errors.Is(err, ErrDecode) {
		t.Errorf("html error page: %v", err)
	}
	if _, err := DecodeError(strings.NewReader(`{"message":"x"}`), MaxBodySmall); !errors.Is(err, ErrMissing) {
		t.Errorf("error without code: %v", err)
	}
	for code, status := range map[ErrorCode]int{CodeBadRequest: 400, CodeTooLarge: 413, CodeUnauthorized: 401,
		CodeNotFound: 404, CodeEnrollment: 403, CodeUnavailable: 503, CodeInternal: 500, CodeSignIn: 403} {
		if code.HTTPStatus() != status {
			t.Errorf("%s: %d", code, code.HTTPStatus())
		}
	}
}
