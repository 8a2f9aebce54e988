package client

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/sync/wire"
)

var (
	anna   = model.Clerk{ID: "c-anna", Name: "Anna Schmidt", Role: model.RoleSachbearbeitung, OrgUnit: "ou-1"}
	bernd  = model.Clerk{ID: "c-bernd", Name: "Bernd Müller", Role: model.RoleSachbearbeitung, OrgUnit: "ou-1"}
	intake = model.Clerk{ID: "system", Name: "Posteingang", Role: model.RoleAdministration}
	clerks = []model.Clerk{anna, bernd, intake}

	testNow = time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC)
)

var errDropped = errors.New("fake: connection reset")

// fakeRemote is the central service in miniature, in process: lastSeq per device,
// mutations applied with model.Apply and sealed into its own history, a change log,
// chunked blobs. Its knobs make it fail like a network does.
type fakeRemote struct {
	mu      sync.Mutex
	cases   map[string]model.Case
	log     []wire.Change
	lastSeq map[string]uint64
	chunks  map[string]map[int][]byte
	blobs   map[string]wire.MissingChunksRequest
	applied map[string]int // mutation ID -> times applied
	at      time.Time
	pokes   chan uint64

	offline     bool
	dropAnswers int // push answers lost after the server committed
	failPut     func(call int) bool
	failChunk   func(call int) bool

	pushCalls, putCalls, chunkCalls, changesCalls int
}

func newFakeRemote() *fakeRemote {
	return &fakeRemote{
		cases: map[string]model.Case{}, lastSeq: map[string]uint64{}, chunks: map[string]map[int][]byte{},
		blobs: map[string]wire.MissingChunksRequest{}, applied: map[string]int{}, at: testNow.Add(time.Hour),
		pokes: make(chan uint64, 1),
	}
}

var _ Remote = (*fakeRemote)(nil)

func clerkByID(id string) model.Clerk {
	for _, c := range clerks {
		if c.ID == id {
			return c
		}
	}
	return model.Clerk{ID: id, Name: id, Role: model.RoleSachbearbeitung}
}

func reencode[T any](v T) T {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}

func (f *fakeRemote) offlineErr() error { return &offlineError{errDropped} }

// apply applies m; the caller holds mu.
func (f *fakeRemote) apply(m model.Mutation) error {
	actor := clerkByID(m.User)
	var prev model.Case
	if m.Kind != model.KindCreate {
		var ok bool
		if prev, ok = f.cases[m.CaseID]; !ok {
			return fmt.Errorf("Vorgang unbekannt")
		}
	}
	for _, sha := range blobsOf(m) {
		if _, ok := f.blobs[sha]; !ok || len(f.chunks[sha]) != len(f.blobs[sha].ChunkHashes) {
			return fmt.Errorf("Anlage %s fehlt auf dem Server", sha)
		}
	}
	c := reencode(prev)
	summary, err := model.Apply(&c, m, actor)
	if err != nil {
		return err
	}
	e := model.HistoryEntry{CaseID: c.ID, At: m.At, By: actor.ID, ByName: actor.Name, Kind: string(m.Kind), Summary: summary, Mutation: m.ID}
	c.HistoryHead = e.Seal(c.HistoryHead)
	f.cases[c.ID] = c
	ch := wire.Change{Seq: uint64(len(f.log) + 1), CaseID: c.ID, History: []model.HistoryEntry{e}}
	if m.Kind == model.KindCreate {
		ch.Case = &c
	} else {
		p, err := model.Diff(&prev, &c)
		if err != nil {
			return err
		}
		ch.Patch = &p
	}
	ch = reencode(ch)
	if m.Device != "" {
		ch.Mutations = []string{m.ID}
		f.applied[m.ID]++
	}
	f.log = append(f.log, ch)
	select {
	case f.pokes <- ch.Seq:
	default:
	}
	return nil
}

// do applies a colleague's action (or an intake) on the server.
func (f *fakeRemote) do(t testing.TB, actor model.Clerk, caseID string, kind model.MutationKind, p any) {
	t.Helper()
	m, err := model.NewMutation(caseID, kind, p)
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.at = f.at.Add(time.Minute)
	m.At, m.User = f.at, actor.ID
	if err := f.apply(m); err != nil {
		t.Fatalf("server %s: %v", kind, err)
	}
}

func (f *fakeRemote) intake(t testing.TB, id, fileNumber, name string, atts ...model.Attachment) {
	t.Helper()
	c := newCase(name)
	c.ID, c.FileNumber, c.Tenant, c.OrgUnit, c.Status, c.Channel = id, fileNumber, "t-muster", "ou-1", model.StatusNeu, model.ChannelOnline
	c.Attachments = atts
	f.do(t, intake, id, model.KindCreate, model.CreatePayload{Case: c})
}

// putBlob stores content on the server, as an intake would.
func (f *fakeRemote) putBlob(content []byte) model.Attachment {
	sum := sha256.Sum256(content)
	sha := hex.EncodeToString(sum[:])
	req := wire.MissingChunksRequest{SHA256: sha, Size: int64(len(content))}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.chunks[sha] = map[int][]byte{}
	for i := 0; i < wire.ChunkCount(req.Size); i++ {
		part := content[i*wire.ChunkSize : min(len(content), (i+1)*wire.ChunkSize)]
		s := sha256.Sum256(part)
		req.ChunkHashes = append(req.ChunkHashes, hex.EncodeToString(s[:]))
		f.chunks[sha][i] = part
	}
	f.blobs[sha] = req
	return model.Attachment{ID: "att-" + sha[:8], Name: "anlage.pdf", MediaType: "application/pdf", Size: req.Size, SHA256: sha, AddedAt: testNow, AddedBy: intake.ID}
}

func (f *fakeRemote) Push(ctx context.Context, req wire.PushRequest) (wire.PushResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pushCalls++
	if f.offline {
		return wire.PushResponse{}, f.offlineErr()
	}
	if err := req.Validate(); err != nil {
		return wire.PushResponse{}, &wire.Error{Code: wire.CodeBadRequest, Message: err.Error()}
	}
	var resp wire.PushResponse
	for _, m := range req.Mutations {
		last := f.lastSeq[m.Device]
		if m.Seq <= last {
			resp.Results = append(resp.Results, wire.PushResult{Seq: m.Seq, Status: wire.StatusSkipped})
			continue
		}
		if m.Seq != last+1 {
			break
		}
		f.lastSeq[m.Device] = m.Seq
		res := wire.PushResult{Seq: m.Seq, Status: wire.StatusApplied}
		if err := f.apply(m); err != nil {
			res = wire.PushResult{Seq: m.Seq, Status: wire.StatusRejected, Reason: err.Error()}
		}
		resp.Results = append(resp.Results, res)
	}
	if len(req.Mutations) > 0 {
		resp.LastSeq = f.lastSeq[req.Mutations[0].Device]
	}
	if f.dropAnswers > 0 {
		f.dropAnswers--
		return wire.PushResponse{}, f.offlineErr()
	}
	return reencode(resp), nil
}

func (f *fakeRemote) Changes(ctx context.Context, cursor uint64, limit int) (wire.ChangesResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.changesCalls++
	if f.offline {
		return wire.ChangesResponse{}, f.offlineErr()
	}
	p := wire.ChangesResponse{Cursor: cursor}
	var entries []wire.Change
	for _, ch := range f.log {
		if ch.Seq <= cursor {
			continue
		}
		if len(entries) == limit {
			p.More = true
			break
		}
		entries = append(entries, ch)
		p.Cursor = ch.Seq
	}
	// Like the service: each case once, merged at the place of its last entry.
	byCase := map[string][]wire.Change{}
	last := map[string]uint64{}
	for _, ch := range entries {
		byCase[ch.CaseID] = append(byCase[ch.CaseID], ch)
		last[ch.CaseID] = ch.Seq
	}
	for _, ch := range entries {
		if last[ch.CaseID] != ch.Seq {
			continue
		}
		m, err := wire.Merge(byCase[ch.CaseID])
		if err != nil {
			return wire.ChangesResponse{}, err
		}
		p.Changes = append(p.Changes, m)
	}
	return reencode(p), nil
}

func (f *fakeRemote) Events(ctx context.Context) (<-chan uint64, error) {
	f.mu.Lock()
	offline := f.offline
	f.mu.Unlock()
	if offline {
		// Like a stream that cannot connect; the engine's own loop is what the
		// backoff test watches, so this one waits quietly.
		<-ctx.Done()
		return nil, ctx.Err()
	}
	out := make(chan uint64)
	go func() {
		defer close(out)
		for {
			select {
			case <-ctx.Done():
				return
			case s := <-f.pokes:
				select {
				case out <- s:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}

func (f *fakeRemote) MissingChunks(ctx context.Context, req wire.MissingChunksRequest) (wire.MissingChunksResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.offline {
		return wire.MissingChunksResponse{}, f.offlineErr()
	}
	if err := req.Validate(); err != nil {
		return wire.MissingChunksResponse{}, &wire.Error{Code: wire.CodeBadRequest, Message: err.Error()}
	}
	f.blobs[req.SHA256] = req
	if f.chunks[req.SHA256] == nil {
		f.chunks[req.SHA256] = map[int][]byte{}
	}
	resp := wire.MissingChunksResponse{Missing: []int{}}
	for i := range req.ChunkHashes {
		if _, ok := f.chunks[req.SHA256][i]; !ok {
			resp.Missing = append(resp.Missing, i)
		}
	}
	return resp, nil
}

func (f *fakeRemote) PutChunk(ctx context.Context, sha string, index int, data []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.putCalls++
	if f.offline || (f.failPut != nil && f.failPut(f.putCalls)) {
		return f.offlineErr()
	}
	req, ok := f.blobs[sha]
	if !ok || index >= len(req.ChunkHashes) {
		return &wire.Error{Code: wire.CodeNotFound, Message: "unbekannt"}
	}
	s := sha256.Sum256(data)
	if hex.EncodeToString(s[:]) != req.ChunkHashes[index] {
		return &wire.Error{Code: wire.CodeBadRequest, Message: "Hashwert passt nicht"}
	}
	f.chunks[sha][index] = bytes.Clone(data)
	return nil
}

func (f *fakeRemote) Chunk(ctx context.Context, sha string, index int) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.chunkCalls++
	if f.offline || (f.failChunk != nil && f.failChunk(f.chunkCalls)) {
		return nil, f.offlineErr()
	}
	data, ok := f.chunks[sha][index]
	if !ok {
		return nil, &wire.Error{Code: wire.CodeNotFound, Message: "unbekannt"}
	}
	return bytes.Clone(data), nil
}

// blob returns the server's copy of a blob, or nil when incomplete.
func (f *fakeRemote) blob(sha string) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	req, ok := f.blobs[sha]
	if !ok {
		return nil
	}
	var out []byte
	for i := range req.ChunkHashes {
		c, ok := f.chunks[sha][i]
		if !ok {
			return nil
		}
		out = append(out, c...)
	}
	return out
}

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func newCase(name string) model.Case {
	return model.Case{
		Type:       "BAU",
		Title:      "Antrag von " + name,
		ReceivedAt: testNow.Add(-24 * time.Hour),
		Channel:    model.ChannelCounter,
		Applicant:  model.Applicant{Name: name, Street: "Hauptstraße 1", PostalCode: "12345", City: "Musterhausen"},
		Form:       []model.FormField{{Name: "anliegen", Label: "Anliegen", Value: "Carport im Garten"}},
	}
}

// openStore opens an enrolled store in a temp dir (or dir) as device dev.
func openStore(t testing.TB, dir, dev string) *store.DB {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	clk := &clock{t: testNow}
	db, err := store.Open(store.Options{Dir: dir, Now: clk.Now, Rand: rand.NewChaCha8([32]byte{byte(len(dev)), dev[len(dev)-1]})})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.SyncIdentity(); err == nil {
		return db
	}
	if err := db.SetMunicipality(store.Municipality{Name: "Gemeinde Musterhausen", Tenant: "t-muster", OrgUnit: "ou-1"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range clerks {
		if err := db.PutClerk(c); err != nil {
			t.Fatal(err)
		}
	}
	code := "D" + dev[len(dev)-1:]
	if err := db.Enroll(store.SyncIdentity{Server: "https://ozg.test", DeviceID: dev, Token: "tok-" + dev, Tenant: "t-muster", DeviceCode: code}); err != nil {
		t.Fatal(err)
	}
	return db
}
