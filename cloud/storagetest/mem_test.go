package storagetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// memStore is a small copy-on-write Storage that exists to prove the suite itself:
// a correct implementation passes it. Not for production (every Update copies the
// tenant's maps).
type memStore struct {
	mu      sync.Mutex // guards the pointers below, never held during fn
	tenants map[string]*memTenant
	reg     *memReg

	regLock chan struct{}
	locks   map[string]chan struct{}
}

type memTenant struct {
	cases     map[string][]byte
	history   map[string]map[uint64][]byte
	changes   [][]byte
	devSeq    map[string]uint64
	conflicts map[string][]byte
	intake    map[string]string
	chunks    map[string][]byte
	blobs     map[string][2]int64
	verify    map[string]cloud.Verification
	quota     cloud.Quota
	holders   map[string]string
	sums      map[string]string // device 0x00 seq
	epochs    []string          // of changes[i]
}

type memReg struct {
	tenants  map[string]cloud.Tenant
	orgUnits map[string]cloud.OrgUnit
	users    map[string]cloud.User
	enroll   map[string]cloud.Enrollment
	devices  map[string]cloud.Device
	creds    map[string]cloud.IntakeCredential
	grants   map[string]cloud.Grant   // tenant/device/id
	absences map[string]cloud.Absence // tenant/id
	key      []byte
}

func newMem() *memStore {
	return &memStore{tenants: map[string]*memTenant{}, reg: &memReg{
		tenants: map[string]cloud.Tenant{}, orgUnits: map[string]cloud.OrgUnit{}, users: map[string]cloud.User{},
		enroll: map[string]cloud.Enrollment{}, devices: map[string]cloud.Device{}, creds: map[string]cloud.IntakeCredential{},
		grants: map[string]cloud.Grant{}, absences: map[string]cloud.Absence{},
	}, regLock: make(chan struct{}, 1), locks: map[string]chan struct{}{}}
}

func cp[K comparable, V any](m map[K]V) map[K]V {
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (t *memTenant) clone() *memTenant {
	h := make(map[string]map[uint64][]byte, len(t.history))
	for k, v := range t.history {
		h[k] = cp(v)
	}
	return &memTenant{cases: cp(t.cases), history: h, changes: append([][]byte(nil), t.changes...),
		devSeq: cp(t.devSeq), conflicts: cp(t.conflicts), intake: cp(t.intake), chunks: cp(t.chunks),
		blobs: cp(t.blobs), verify: cp(t.verify), quota: t.quota, holders: cp(t.holders), sums: cp(t.sums),
		epochs: append([]string(nil), t.epochs...)}
}

func emptyTenant() *memTenant {
	return &memTenant{cases: map[string][]byte{}, history: map[string]map[uint64][]byte{}, devSeq: map[string]uint64{},
		conflicts: map[string][]byte{}, intake: map[string]string{}, chunks: map[string][]byte{},
		blobs: map[string][2]int64{}, verify: map[string]cloud.Verification{}, holders: map[string]string{},
		sums: map[string]string{}}
}

func acquire(ctx context.Context, l chan struct{}) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case l <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (m *memStore) snapshot(tenant string) *memTenant {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t, ok := m.tenants[tenant]; ok {
		return t
	}
	return emptyTenant()
}

func (m *memStore) Update(ctx context.Context, tenant string, fn func(cloud.TenantTx) error) error {
	m.mu.Lock()
	l, ok := m.locks[tenant]
	if !ok {
		l = make(chan struct{}, 1)
		m.locks[tenant] = l
	}
	m.mu.Unlock()
	if err := acquire(ctx, l); err != nil {
		return fmt.Errorf("mem: update %s: %w", tenant, err)
	}
	defer func() { <-l }()
	tx := &memTx{m: m, tenant: tenant, d: m.snapshot(tenant).clone(), write: true}
	if err := fn(tx); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for code := range tx.d.verify {
		for other, od := range m.tenants {
			if _, taken := od.verify[code]; taken && other != tenant {
				return fmt.Errorf("mem: verification %s: %w", code, cloud.ErrExists)
			}
		}
	}
	m.tenants[tenant] = tx.d
	return nil
}

func (m *memStore) View(ctx context.Context, tenant string, fn func(cloud.TenantTx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return fn(&memTx{m: m, tenant: tenant, d: m.snapshot(tenant)})
}

func (m *memStore) Registry(ctx context.Context, fn func(cloud.RegistryTx) error) error {
	if err := acquire(ctx, m.regLock); err != nil {
		return err
	}
	defer func() { <-m.regLock }()
	m.mu.Lock()
	r := m.reg
	m.mu.Unlock()
	tx := &memRegTx{m: m, r: &memReg{tenants: cp(r.tenants), orgUnits: cp(r.orgUnits), users: cp(r.users),
		enroll: cp(r.enroll), devices: cp(r.devices), creds: cp(r.creds), grants: cp(r.grants), absences: cp(r.absences),
		key: r.key}}
	if err := fn(tx); err != nil {
		return err
	}
	m.mu.Lock()
	m.reg = tx.r
	m.mu.Unlock()
	return nil
}

func (m *memStore) Close() error { return nil }

var errReadOnly = fmt.Errorf("mem: read-only transaction")

type memTx struct {
	m      *memStore
	tenant string
	d      *memTenant
	write  bool
	epoch  string
}

func (x *memTx) Tenant() string { return x.tenant }

func (x *memTx) ro() error {
	if !x.write {
		return errReadOnly
	}
	return nil
}

func (x *memTx) CaseHead(id string) (model.Case, error) {
	var c model.Case
	b, ok := x.d.cases[id]
	if !ok {
		return c, fmt.Errorf("mem: case %s: %w", id, cloud.ErrNotFound)
	}
	return c, json.Unmarshal(b, &c)
}

func (x *memTx) PutCaseHead(c model.Case) error {
	if err := x.ro(); err != nil {
		return err
	}
	if err := cloud.CheckHead(c); err != nil {
		return err
	}
	b, err := json.Marshal(c)
	x.d.cases[c.ID] = b
	return err
}

func (x *memTx) History(caseID string) ([]model.HistoryEntry, error) {
	var out []model.HistoryEntry
	for _, b := range x.d.history[caseID] {
		var e model.HistoryEntry
		if err := json.Unmarshal(b, &e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out, nil
}

func (x *memTx) AppendHistory(caseID string, entries []model.HistoryEntry) error {
	if err := x.ro(); err != nil {
		return err
	}
	if x.d.history[caseID] == nil {
		x.d.history[caseID] = map[uint64][]byte{}
	}
	for _, e := range entries {
		b, _ := json.Marshal(e)
		x.d.history[caseID][e.Seq] = b
	}
	return nil
}

func (x *memTx) AppendChange(ch wire.Change) (uint64, error) {
	if err := x.ro(); err != nil {
		return 0, err
	}
	ch.Seq = uint64(len(x.d.changes) + 1)
	b, _ := json.Marshal(ch)
	x.d.changes = append(x.d.changes, b)
	x.d.epochs = append(x.d.epochs, x.epoch)
	return ch.Seq, nil
}

func (x *memTx) EachChange(after uint64, limit int, fn func(cloud.RawChange) (bool, error)) error {
	for i := after; i < uint64(len(x.d.changes)) && limit > 0; i++ {
		var c wire.Change
		if err := json.Unmarshal(x.d.changes[i], &c); err != nil {
			return err
		}
		more, err := fn(cloud.RawChange{Seq: c.Seq, Tx: c.Tx, CaseID: c.CaseID, JSON: x.d.changes[i], Epoch: x.d.epochs[i]})
		if err != nil || !more {
			return err
		}
		limit--
	}
	return nil
}

func (x *memTx) CaseChanges(caseID string) ([]wire.Change, error) {
	var out []wire.Change
	for _, b := range x.d.changes {
		var c wire.Change
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, err
		}
		if c.CaseID == caseID {
			out = append(out, c)
		}
	}
	return out, nil
}

func (x *memTx) LastChange() (uint64, error) { return uint64(len(x.d.changes)), nil }

func (x *memTx) DeviceSeq(id string) (uint64, error) { return x.d.devSeq[id], nil }

func (x *memTx) SetDeviceSeq(id string, seq uint64) error {
	if err := x.ro(); err != nil {
		return err
	}
	x.d.devSeq[id] = seq
	return nil
}

func (x *memTx) PutConflict(c wire.Conflict) error {
	if err := x.ro(); err != nil {
		return err
	}
	b, err := json.Marshal(c)
	x.d.conflicts[c.ID] = b
	return err
}

func (x *memTx) Conflict(id string) (wire.Conflict, error) {
	var c wire.Conflict
	b, ok := x.d.conflicts[id]
	if !ok {
		return c, fmt.Errorf("mem: conflict %s: %w", id, cloud.ErrNotFound)
	}
	return c, json.Unmarshal(b, &c)
}

func (x *memTx) Conflicts(caseID string) ([]wire.Conflict, error) {
	var out []wire.Conflict
	for _, b := range x.d.conflicts {
		var c wire.Conflict
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, err
		}
		if caseID == "" || c.CaseID == caseID {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func (x *memTx) IntakeCase(txID string) (string, error) {
	id, ok := x.d.intake[txID]
	if !ok {
		return "", fmt.Errorf("mem: intake %s: %w", txID, cloud.ErrNotFound)
	}
	return id, nil
}

func (x *memTx) PutIntake(txID, caseID string) error {
	if err := x.ro(); err != nil {
		return err
	}
	x.d.intake[txID] = caseID
	return nil
}

func chunkKey(sha string, i int) string { return fmt.Sprintf("%s/%d", sha, i) }

func (x *memTx) PutChunk(sha string, index int, data []byte) error {
	if err := x.ro(); err != nil {
		return err
	}
	x.d.chunks[chunkKey(sha, index)] = bytes.Clone(data)
	return nil
}

func (x *memTx) Chunk(sha string, index int) ([]byte, error) {
	b, ok := x.d.chunks[chunkKey(sha, index)]
	if !ok {
		return nil, fmt.Errorf("mem: chunk: %w", cloud.ErrNotFound)
	}
	return bytes.Clone(b), nil
}

func (x *memTx) HasChunk(sha string, index int) (bool, error) {
	_, ok := x.d.chunks[chunkKey(sha, index)]
	return ok, nil
}

func (x *memTx) DeleteChunk(sha string, index int) error {
	if err := x.ro(); err != nil {
		return err
	}
	delete(x.d.chunks, chunkKey(sha, index))
	return nil
}

func (x *memTx) StoredChunks(sha string) ([]int, error) {
	var out []int
	for k := range x.d.chunks {
		var i int
		if s, idx, _ := strings.Cut(k, "/"); s == sha {
			fmt.Sscan(idx, &i)
			out = append(out, i)
		}
	}
	sort.Ints(out)
	return out, nil
}

func (x *memTx) BlobsWithChunk(index int) ([]string, error) {
	var out []string
	for k := range x.d.chunks {
		if s, idx, _ := strings.Cut(k, "/"); idx == fmt.Sprint(index) {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out, nil
}

// StoredBytes is counted, not kept: the mem store proves the suite, not a counter.
func (x *memTx) StoredBytes() (int64, error) {
	var n int64
	for _, b := range x.d.chunks {
		n += int64(len(b))
	}
	return n, nil
}

func (x *memTx) Quota() (cloud.Quota, error) { return x.d.quota, nil }

func (x *memTx) SetQuota(q cloud.Quota) error {
	if err := x.ro(); err != nil {
		return err
	}
	x.d.quota = q
	return nil
}

func (x *memTx) PutBlob(sha string, size int64, chunks int) error {
	if err := x.ro(); err != nil {
		return err
	}
	x.d.blobs[sha] = [2]int64{size, int64(chunks)}
	return nil
}

func (x *memTx) Blob(sha string) (int64, int, error) {
	b, ok := x.d.blobs[sha]
	if !ok {
		return 0, 0, fmt.Errorf("mem: blob: %w", cloud.ErrNotFound)
	}
	return b[0], int(b[1]), nil
}

func (x *memTx) PutVerification(v cloud.Verification) error {
	if err := x.ro(); err != nil {
		return err
	}
	v.Tenant = x.tenant
	x.m.mu.Lock()
	defer x.m.mu.Unlock()
	for other, od := range x.m.tenants {
		if _, taken := od.verify[v.Code]; taken && other != x.tenant {
			return fmt.Errorf("mem: verification %s: %w", v.Code, cloud.ErrExists)
		}
	}
	x.d.verify[v.Code] = v
	return nil
}

type memRegTx struct {
	m *memStore
	r *memReg
}

func nf(what string) error { return fmt.Errorf("mem: %s: %w", what, cloud.ErrNotFound) }

func (x *memRegTx) PutTenant(t cloud.Tenant) error { x.r.tenants[t.ID] = t; return nil }
func (x *memRegTx) Tenant(id string) (cloud.Tenant, error) {
	t, ok := x.r.tenants[id]
	if !ok {
		return t, nf("tenant")
	}
	return t, nil
}
func (x *memRegTx) Tenants() ([]cloud.Tenant, error) {
	var out []cloud.Tenant
	for _, t := range x.r.tenants {
		out = append(out, t)
	}
	return out, nil
}
func (x *memRegTx) PutOrgUnit(o cloud.OrgUnit) error {
	if old, ok := x.r.orgUnits[o.ID]; ok && old.Tenant != o.Tenant {
		return fmt.Errorf("mem: org unit: %w", cloud.ErrExists)
	}
	x.r.orgUnits[o.ID] = o
	return nil
}
func (x *memRegTx) OrgUnit(id string) (cloud.OrgUnit, error) {
	o, ok := x.r.orgUnits[id]
	if !ok {
		return o, nf("org unit")
	}
	return o, nil
}
func (x *memRegTx) OrgUnits(tenant string) ([]cloud.OrgUnit, error) {
	var out []cloud.OrgUnit
	for _, o := range x.r.orgUnits {
		if o.Tenant == tenant {
			out = append(out, o)
		}
	}
	return out, nil
}
func (x *memRegTx) PutUser(u cloud.User) error { x.r.users[u.ID] = u; return nil }
func (x *memRegTx) Users(tenant string) ([]cloud.User, error) {
	var out []cloud.User
	for _, u := range x.r.users {
		if u.Tenant == tenant {
			out = append(out, u)
		}
	}
	return out, nil
}
func (x *memRegTx) PutEnrollment(e cloud.Enrollment) error { x.r.enroll[e.CodeHash] = e; return nil }
func (x *memRegTx) Enrollment(h string) (cloud.Enrollment, error) {
	e, ok := x.r.enroll[h]
	if !ok {
		return e, nf("enrollment")
	}
	return e, nil
}
func (x *memRegTx) PutDevice(d cloud.Device) error {
	for _, o := range x.r.devices {
		if o.Tenant == d.Tenant && o.Code == d.Code && o.ID != d.ID {
			return fmt.Errorf("mem: device code: %w", cloud.ErrExists)
		}
	}
	x.r.devices[d.ID] = d
	return nil
}
func (x *memRegTx) Device(id string) (cloud.Device, error) {
	d, ok := x.r.devices[id]
	if !ok {
		return d, nf("device")
	}
	return d, nil
}
func (x *memRegTx) DeviceByToken(h string) (cloud.Device, error) {
	for _, d := range x.r.devices {
		if d.TokenHash == h {
			return d, nil
		}
	}
	return cloud.Device{}, nf("device")
}
func (x *memRegTx) Devices(tenant string) ([]cloud.Device, error) {
	var out []cloud.Device
	for _, d := range x.r.devices {
		if d.Tenant == tenant {
			out = append(out, d)
		}
	}
	return out, nil
}
func (x *memRegTx) PutIntakeCredential(c cloud.IntakeCredential) error {
	x.r.creds[c.ID] = c
	return nil
}
func (x *memRegTx) IntakeCredentialByToken(h string) (cloud.IntakeCredential, error) {
	for _, c := range x.r.creds {
		if c.TokenHash == h {
			return c, nil
		}
	}
	return cloud.IntakeCredential{}, nf("intake credential")
}
func (x *memRegTx) Verification(code string) (cloud.Verification, error) {
	x.m.mu.Lock()
	defer x.m.mu.Unlock()
	for _, t := range x.m.tenants {
		if v, ok := t.verify[code]; ok {
			return v, nil
		}
	}
	return cloud.Verification{}, nf("verification")
}

func (x *memRegTx) UserByInvitation(hash string) (cloud.User, error) {
	for _, u := range x.r.users {
		if u.Invitation != nil && u.Invitation.Hash == hash {
			return u, nil
		}
	}
	return cloud.User{}, nf("user by invitation")
}

func (x *memRegTx) PutGrant(g cloud.Grant) error {
	x.r.grants[g.Tenant+"/"+g.DeviceID+"/"+g.ID] = g
	return nil
}

func (x *memRegTx) Grants(tenant, device string) ([]cloud.Grant, error) {
	var out []cloud.Grant
	for _, g := range x.r.grants {
		if g.Tenant == tenant && g.DeviceID == device {
			out = append(out, g)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func (x *memRegTx) PutAbsence(a cloud.Absence) error {
	x.r.absences[a.Tenant+"/"+a.ID] = a
	return nil
}

func (x *memRegTx) DeleteAbsence(tenant, id string) error {
	delete(x.r.absences, tenant+"/"+id)
	return nil
}

func (x *memRegTx) Absences(tenant string) ([]cloud.Absence, error) {
	var out []cloud.Absence
	for _, a := range x.r.absences {
		if a.Tenant == tenant {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func (x *memRegTx) GrantKey() ([]byte, error) {
	if x.r.key == nil {
		return nil, nf("grant key")
	}
	return bytes.Clone(x.r.key), nil
}

func (x *memRegTx) PutGrantKey(key []byte) error {
	x.r.key = bytes.Clone(key)
	return nil
}

func TestMemStore(t *testing.T) {
	Run(t, func(t *testing.T) cloud.Storage { return newMem() })
}

func (x *memTx) AppendEpoch(epoch string) { x.epoch = epoch }

func (x *memTx) DeviceHolder(deviceID string) (uint64, string, error) {
	return x.d.devSeq[deviceID], x.d.holders[deviceID], nil
}

func (x *memTx) SetDeviceHolder(deviceID, incarnation string) error {
	if err := x.ro(); err != nil {
		return err
	}
	x.d.holders[deviceID] = incarnation
	return nil
}

func (x *memTx) MutationSums(deviceID string, first, last uint64) ([]string, error) {
	var out []string
	for s := first; s <= last; s++ {
		out = append(out, x.d.sums[fmt.Sprintf("%s\x00%d", deviceID, s)])
	}
	return out, nil
}

func (x *memTx) PutMutationSum(deviceID string, seq uint64, sum string) error {
	if err := x.ro(); err != nil {
		return err
	}
	x.d.sums[fmt.Sprintf("%s\x00%d", deviceID, seq)] = sum
	return nil
}

// fileNumbers reads every head: the suite's tenants are small.
func (x *memTx) fileNumbers() map[string][]string {
	out := map[string][]string{}
	for id, b := range x.d.cases {
		var c model.Case
		if json.Unmarshal(b, &c) == nil {
			out[c.FileNumber] = append(out[c.FileNumber], id)
		}
	}
	for _, ids := range out {
		sort.Strings(ids)
	}
	return out
}

func (x *memTx) CasesByFileNumber(fileNumber string) ([]string, error) {
	return x.fileNumbers()[fileNumber], nil
}

func (x *memTx) FileNumberDuplicates() ([]cloud.FileNumberCases, error) {
	var out []cloud.FileNumberCases
	for fn, ids := range x.fileNumbers() {
		if len(ids) > 1 {
			out = append(out, cloud.FileNumberCases{FileNumber: fn, Cases: ids})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].FileNumber < out[j].FileNumber })
	return out, nil
}
