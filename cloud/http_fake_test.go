package cloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/ozgcloud/desktop/sync/wire"
)

// fakeBackend stands in for the Service where a test needs a failure the real one
// cannot be made to produce (an internal error, a given error chain).
type fakeBackend struct {
	mu      sync.Mutex
	devices map[string]Device // by token
	creds   map[string]IntakeCredential
	chunks  map[string][]byte // tenant/sha/index
	last    uint64
	subs    map[chan uint64]bool
	err     error // returned by every call except Authenticate when set
	lim     Limits
	quota   Quota
	subs0   chan struct{} // closed on the first Subscribe
	gotSub  Submission
}

var _ backend = (*fakeBackend)(nil)

func (f *fakeBackend) intakeQuota(ctx context.Context, tenant string) (Quota, error) {
	return f.quota.Or(DefaultQuota()), nil
}

func newFake() *fakeBackend {
	return &fakeBackend{
		devices: map[string]Device{"tok-a": {ID: "dev-a", Tenant: "a", Code: "A1"}, "tok-b": {ID: "dev-b", Tenant: "b", Code: "B1"}},
		creds:   map[string]IntakeCredential{"intake-a": {ID: "cred-a", Tenant: "a"}},
		chunks:  map[string][]byte{},
		subs:    map[chan uint64]bool{},
		subs0:   make(chan struct{}),
	}
}

func (f *fakeBackend) Enroll(ctx context.Context, code string) (wire.EnrollResponse, error) {
	if f.err != nil {
		return wire.EnrollResponse{}, f.err
	}
	if code != "good-code" {
		return wire.EnrollResponse{}, ErrEnrollment
	}
	return wire.EnrollResponse{DeviceID: "dev-new", Token: "tok-new", Tenant: "a", DeviceCode: "N1"}, nil
}

func (f *fakeBackend) Authenticate(ctx context.Context, token string) (Device, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.devices[token]
	if !ok {
		return Device{}, fmt.Errorf("%w: unknown token", ErrUnauthorized)
	}
	return d, nil
}

func (f *fakeBackend) AuthenticateIntake(ctx context.Context, token string) (IntakeCredential, error) {
	c, ok := f.creds[token]
	if !ok {
		return IntakeCredential{}, ErrUnauthorized
	}
	return c, nil
}

func (f *fakeBackend) Reenroll(ctx context.Context, d Device, req wire.ReenrollRequest) (wire.EnrollResponse, error) {
	if f.err != nil {
		return wire.EnrollResponse{}, f.err
	}
	return wire.EnrollResponse{DeviceID: d.ID + "-copy", Token: "tok-copy", Tenant: d.Tenant, DeviceCode: "CP1"}, nil
}

func (f *fakeBackend) Push(ctx context.Context, d Device, req wire.PushRequest) (wire.PushResponse, error) {
	if f.err != nil {
		return wire.PushResponse{}, f.err
	}
	if len(req.Mutations) > 0 && req.Mutations[0].Device != d.ID {
		return wire.PushResponse{}, fmt.Errorf("%w: batch of another device", ErrBadRequest)
	}
	var resp wire.PushResponse
	for _, m := range req.Mutations {
		resp.LastSeq = m.Seq
		resp.Results = append(resp.Results, wire.PushResult{Seq: m.Seq, Status: wire.StatusApplied})
	}
	return resp, nil
}

func (f *fakeBackend) ChangesJSON(ctx context.Context, d Device, cursor uint64, limit int) ([]byte, error) {
	if f.err != nil {
		return nil, f.err
	}
	return json.Marshal(wire.ChangesResponse{Changes: []wire.Change{}, Cursor: cursor})
}

func (f *fakeBackend) Subscribe(tenant string) (<-chan uint64, func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := make(chan uint64, 1)
	f.subs[ch] = true
	select {
	case <-f.subs0:
	default:
		close(f.subs0)
	}
	return ch, func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		delete(f.subs, ch)
	}
}

// poke publishes seq to every subscriber, coalescing like the real hub.
func (f *fakeBackend) poke(seq uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.last = seq
	for ch := range f.subs {
		select {
		case <-ch:
		default:
		}
		ch <- seq
	}
}

func (f *fakeBackend) subscribers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.subs)
}

func (f *fakeBackend) MissingChunks(ctx context.Context, d Device, req wire.MissingChunksRequest) (wire.MissingChunksResponse, error) {
	if f.err != nil {
		return wire.MissingChunksResponse{}, f.err
	}
	var resp wire.MissingChunksResponse
	for i := range req.ChunkHashes {
		if _, ok := f.chunks[fmt.Sprintf("%s/%s/%d", d.Tenant, req.SHA256, i)]; !ok {
			resp.Missing = append(resp.Missing, i)
		}
	}
	return resp, nil
}

func (f *fakeBackend) PutChunk(ctx context.Context, d Device, sha string, index int, data []byte) error {
	if f.err != nil {
		return f.err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.chunks[fmt.Sprintf("%s/%s/%d", d.Tenant, sha, index)] = append([]byte(nil), data...)
	return nil
}

func (f *fakeBackend) Chunk(ctx context.Context, d Device, sha string, index int) ([]byte, error) {
	if f.err != nil {
		return nil, f.err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.chunks[fmt.Sprintf("%s/%s/%d", d.Tenant, sha, index)]
	if !ok {
		return nil, fmt.Errorf("chunk %s/%d: %w", sha, index, ErrNotFound)
	}
	return b, nil
}

func (f *fakeBackend) Intake(ctx context.Context, c IntakeCredential, sub Submission) (wire.IntakeResponse, bool, error) {
	if f.err != nil {
		return wire.IntakeResponse{}, false, f.err
	}
	if sub.ZustaendigeStelle != "ou-a" {
		return wire.IntakeResponse{}, false, fmt.Errorf("%w: unbekannte zuständige Stelle %q", ErrBadRequest, sub.ZustaendigeStelle)
	}
	f.mu.Lock()
	f.gotSub = sub
	f.mu.Unlock()
	return wire.IntakeResponse{CaseID: "case-" + sub.TransactionID}, sub.TransactionID != "retry", nil
}

func (f *fakeBackend) Verify(ctx context.Context, code string) (wire.VerifyResponse, error) {
	if f.err != nil {
		return wire.VerifyResponse{}, f.err
	}
	return wire.VerifyResponse{Found: code == "K7M2-Q9XD"}, nil
}

func (f *fakeBackend) lastChange(ctx context.Context, tenant string) (uint64, error) {
	if f.err != nil {
		return 0, f.err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last, nil
}

func (f *fakeBackend) limits() Limits { return f.lim }

var errSecret = errors.New("pq: relation tenant_secret_table does not exist at 10.0.0.7")
