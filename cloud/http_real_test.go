package cloud_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/boltstore"
	"github.com/ozgcloud/desktop/cloud/cloudtest"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// hts is the real handler over the real Service on a boltstore, behind httptest,
// with two tenants: A (musterstadt, org unit of the Gewerbeanmeldung sample) and B
// (musterdorf, org unit of the BayernID sample). Devices enroll over HTTP.
type hts struct {
	t                *testing.T
	svc              *cloud.Service
	srv              *httptest.Server
	devA, devB       wire.EnrollResponse
	userA, userB     cloud.User
	intakeA, intakeB string
	seq              map[string]uint64
	done             chan struct{}
	lastStream       chan string
}

const (
	htTenantA = "musterstadt"
	htTenantB = "musterdorf"
	htStelleA = "ordnungsamt-musterstadt"
	htStelleB = "bauamt-musterdorf"
)

func newHTS(t *testing.T) *hts { return newHTSWith(t, nil) }

// newHTSWith is newHTS with the handler's options changed by opt (limits, a logger
// to read).
func newHTSWith(t *testing.T, opt func(*cloud.HandlerOptions)) *hts {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "cloud.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := &hts{t: t, svc: cloud.New(st, cloud.Options{Logger: log, Password: cloudtest.CheapParams}), seq: map[string]uint64{}, done: make(chan struct{})}
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err = h.svc.AddTenant(ctx, htTenantA, "Musterstadt")
	must(err)
	_, err = h.svc.AddTenant(ctx, htTenantB, "Musterdorf")
	must(err)
	_, err = h.svc.AddOrgUnit(ctx, htTenantA, htStelleA, "Ordnungsamt")
	must(err)
	_, err = h.svc.AddOrgUnit(ctx, htTenantB, htStelleB, "Bauamt")
	must(err)
	h.userA, err = h.svc.AddUser(ctx, htTenantA, "Anna Amt", model.RoleSachbearbeitung)
	must(err)
	h.userB, err = h.svc.AddUser(ctx, htTenantB, "Bruno Bau", model.RoleSachbearbeitung)
	must(err)
	_, h.intakeA, err = h.svc.AddIntakeCredential(ctx, htTenantA)
	must(err)
	_, h.intakeB, err = h.svc.AddIntakeCredential(ctx, htTenantB)
	must(err)

	o := cloud.HandlerOptions{Logger: log, TempDir: t.TempDir(), Heartbeat: 100 * time.Millisecond, Done: h.done}
	if opt != nil {
		opt(&o)
	}
	h.srv = httptest.NewServer(cloud.NewHandler(h.svc, o))
	t.Cleanup(h.srv.Close)
	h.devA, h.devB = h.enroll(htTenantA), h.enroll(htTenantB)
	h.activate(h.devA, h.userA)
	h.activate(h.devB, h.userB)
	return h
}

func (h *hts) enroll(tenant string) wire.EnrollResponse {
	h.t.Helper()
	code, _, err := h.svc.NewEnrollment(context.Background(), tenant)
	if err != nil {
		h.t.Fatal(err)
	}
	resp := h.do("POST", wire.PathEnroll, "", strings.NewReader(`{"code":"`+code+`"}`))
	defer resp.Body.Close()
	r, err := wire.DecodeEnrollResponse(resp.Body, wire.MaxBodySmall)
	if resp.StatusCode != 200 || err != nil || r.Tenant != tenant {
		h.t.Fatalf("enroll: %d %+v %v", resp.StatusCode, r, err)
	}
	return r
}

// do sends a request with the version header; hdr holds name, value pairs.
func (h *hts) do(method, path, token string, body io.Reader, hdr ...string) *http.Response {
	h.t.Helper()
	r, err := http.NewRequest(method, h.srv.URL+path, body)
	if err != nil {
		h.t.Fatal(err)
	}
	r.Header.Set(wire.HeaderVersion, strconv.Itoa(wire.Version))
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := h.srv.Client().Do(r)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp
}

// read returns the status and the (transparently un-gzipped) body.
func read(t *testing.T, resp *http.Response) (int, []byte) {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

func (h *hts) mutation(d wire.EnrollResponse, user, caseID string, kind model.MutationKind, payload any) model.Mutation {
	h.t.Helper()
	m, err := model.NewMutation(caseID, kind, payload)
	if err != nil {
		h.t.Fatal(err)
	}
	h.seq[d.DeviceID]++
	m.Device, m.Seq, m.ID = d.DeviceID, h.seq[d.DeviceID], wire.MutationID(d.DeviceID, h.seq[d.DeviceID])
	m.User, m.At = user, time.Now().UTC().Truncate(time.Second)
	return m
}

func (h *hts) createCase(d wire.EnrollResponse, user, id, title string) model.Mutation {
	c := model.Case{
		ID: id, OrgUnit: htStelleA, FileNumber: "GEW-2026-0001-" + d.DeviceCode, Type: "GEWERBE",
		Title: title, ReceivedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Channel: model.ChannelCounter,
		Applicant: model.Applicant{Name: "Erika Mustermann"}, Status: model.StatusNeu,
	}
	return h.mutation(d, user, id, model.KindCreate, model.CreatePayload{Case: c})
}

func (h *hts) push(token string, ms ...model.Mutation) (int, wire.PushResponse, []byte) {
	h.t.Helper()
	b, err := json.Marshal(cloudtest.Push(ms...))
	if err != nil {
		h.t.Fatal(err)
	}
	status, body := read(h.t, h.do("POST", wire.PathPush, token, bytes.NewReader(b)))
	var resp wire.PushResponse
	if status == 200 {
		if resp, err = wire.DecodePushResponse(bytes.NewReader(body), wire.MaxBodyPush); err != nil {
			h.t.Fatalf("push answer: %v", err)
		}
	}
	return status, resp, body
}

func (h *hts) changes(token string) ([]wire.Change, []byte) {
	h.t.Helper()
	status, body := read(h.t, h.do("GET", wire.PathChanges+"?cursor=0&limit=5000", token, nil))
	if status != 200 {
		h.t.Fatalf("changes: %d %s", status, body)
	}
	page, err := wire.DecodeChanges(bytes.NewReader(body), int64(len(body))+1)
	if err != nil || page.ValidateAfter(0) != nil || page.More {
		h.t.Fatalf("changes page: %v", err)
	}
	return page.Changes, body
}

// upload sends data as a blob of d's tenant; skip lists chunks not to send (an
// interruption). It returns the blob's hash and what was still missing at the end.
func (h *hts) upload(token string, data []byte, skip map[int]bool) (string, []int) {
	h.t.Helper()
	sum := sha256.Sum256(data)
	req := wire.MissingChunksRequest{SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))}
	for off := 0; off < len(data); off += wire.ChunkSize {
		c := sha256.Sum256(data[off:min(off+wire.ChunkSize, len(data))])
		req.ChunkHashes = append(req.ChunkHashes, hex.EncodeToString(c[:]))
	}
	missing := func() []int {
		b, _ := json.Marshal(req)
		status, body := read(h.t, h.do("POST", wire.PathChunks+req.SHA256+"/missing", token, bytes.NewReader(b)))
		var m wire.MissingChunksResponse
		if err := wire.Decode(bytes.NewReader(body), wire.MaxBodySmall, &m); status != 200 || err != nil || m.ValidateFor(req) != nil {
			h.t.Fatalf("missing: %d %s %v", status, body, err)
		}
		return m.Missing
	}
	for _, i := range missing() {
		if skip[i] {
			continue
		}
		chunk := data[i*wire.ChunkSize : min((i+1)*wire.ChunkSize, len(data))]
		if status, body := read(h.t, h.do("PUT", wire.PathChunks+req.SHA256+"/chunks/"+strconv.Itoa(i), token, bytes.NewReader(chunk))); status != 204 {
			h.t.Fatalf("put chunk %d: %d %s", i, status, body)
		}
	}
	return req.SHA256, missing()
}

func (h *hts) intake(token, sample string) (int, []byte) {
	h.t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "intake", sample))
	if err != nil {
		h.t.Fatal(err)
	}
	return read(h.t, h.do("POST", wire.PathIntake, token, bytes.NewReader(b),
		"Content-Type", "multipart/form-data; boundary=----OZGCloudFormBoundary7MA4YWxkTrZu0gW"))
}

// events opens an event stream and returns a function that reads the next seq event
// within a time (false when none came or the stream ended), and one that closes it.
// The stream's lines arrive on h's last channel, which is closed when it ends.
func (h *hts) events(token string) (func(time.Duration) (string, bool), func()) {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r, _ := http.NewRequestWithContext(ctx, "GET", h.srv.URL+wire.PathEvents, nil)
	r.Header.Set(wire.HeaderVersion, strconv.Itoa(wire.Version))
	r.Header.Set("Authorization", "Bearer "+token)
	resp, err := h.srv.Client().Do(r)
	if err != nil || resp.StatusCode != 200 {
		h.t.Fatalf("events: %v %v", resp, err)
	}
	lines := make(chan string, 100)
	h.lastStream = lines
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if l := sc.Text(); strings.HasPrefix(l, "data: ") {
				lines <- strings.TrimPrefix(l, "data: ")
			}
		}
	}()
	next := func(wait time.Duration) (string, bool) {
		select {
		case l, ok := <-lines:
			return l, ok
		case <-time.After(wait):
			return "", false
		}
	}
	return next, func() { cancel(); resp.Body.Close() }
}

func TestHTTPServiceEndToEnd(t *testing.T) {
	h := newHTS(t)
	next, stop := h.events(h.devA.Token)
	defer stop()
	if seq, ok := next(5 * time.Second); !ok || seq != "0" {
		t.Fatalf("first event %q %v", seq, ok)
	}

	// Push, gzip-compressed, and its retry.
	create := h.createCase(h.devA, h.userA.ID, "case-a-1", "Gewerbeanmeldung Bäckerei")
	b, _ := json.Marshal(cloudtest.Push(create))
	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	zw.Write(b)
	zw.Close()
	status, body := read(t, h.do("POST", wire.PathPush, h.devA.Token, &zb, "Content-Encoding", "gzip"))
	if status != 200 || !strings.Contains(string(body), `"applied"`) {
		t.Fatalf("push: %d %s", status, body)
	}
	if seq, ok := next(5 * time.Second); !ok || seq != "1" {
		t.Fatalf("poke after push: %q %v", seq, ok)
	}
	if _, resp, _ := h.push(h.devA.Token, create); resp.LastSeq != 1 || resp.Results[0].Status != wire.StatusSkipped {
		t.Fatalf("retried push: %+v", resp)
	}
	chs, _ := h.changes(h.devA.Token)
	if len(chs) != 1 || chs[0].Case.Title != "Gewerbeanmeldung Bäckerei" || chs[0].Case.Tenant != htTenantA || !slices.Equal(chs[0].Mutations, []string{create.ID}) {
		t.Fatalf("changes: %+v", chs)
	}

	// A 2.5 MB attachment, interrupted after the first chunk, then resumed.
	data := make([]byte, 5*wire.ChunkSize/2)
	for i := range data {
		data[i] = byte(i * 7 / 3)
	}
	sha, missing := h.upload(h.devA.Token, data, map[int]bool{1: true, 2: true})
	if len(missing) != 2 {
		t.Fatalf("after an interrupted upload: missing %v", missing)
	}
	if _, missing = h.upload(h.devA.Token, data, nil); len(missing) != 0 {
		t.Fatalf("after resuming: missing %v", missing)
	}
	status, got := read(t, h.do("GET", wire.PathChunks+sha+"/chunks/2", h.devA.Token, nil))
	if status != 200 || !bytes.Equal(got, data[2*wire.ChunkSize:]) {
		t.Fatalf("chunk 2: %d, %d bytes", status, len(got))
	}
	resp := h.do("GET", wire.PathChunks+sha+"/chunks/1", h.devA.Token, nil, "Range", "bytes=1000-1999")
	if status, got = read(t, resp); status != 206 || !bytes.Equal(got, data[wire.ChunkSize+1000:wire.ChunkSize+2000]) {
		t.Fatalf("range: %d, %d bytes", status, len(got))
	}

	// An online application, its retry, and its files reachable by the device.
	status, body = h.intake(h.intakeA, "gewerbeanmeldung.multipart")
	var ir wire.IntakeResponse
	if err := wire.Decode(bytes.NewReader(body), wire.MaxBodySmall, &ir); status != 201 || err != nil {
		t.Fatalf("intake: %d %s %v", status, body, err)
	}
	status, body = h.intake(h.intakeA, "gewerbeanmeldung.multipart")
	if status != 200 || !strings.Contains(string(body), ir.CaseID) {
		t.Fatalf("intake retry: %d %s", status, body)
	}
	if seq, ok := next(5 * time.Second); !ok || seq != "2" {
		t.Fatalf("poke after intake: %q %v", seq, ok)
	}
	chs, _ = h.changes(h.devA.Token)
	c := chs[len(chs)-1].Case
	if len(chs) != 2 || c.ID != ir.CaseID || c.Channel != model.ChannelOnline || c.OrgUnit != htStelleA ||
		c.Representation == nil || len(c.Attachments) != 2 || c.Applicant.Postfach == nil || len(c.Form) != 3 {
		t.Fatalf("intake case: %+v", c)
	}
	status, got = read(t, h.do("GET", wire.PathChunks+c.Representation.SHA256+"/chunks/0", h.devA.Token, nil))
	if status != 200 || !bytes.HasPrefix(got, []byte("%PDF-1.4")) || int64(len(got)) != c.Representation.Size {
		t.Fatalf("representation: %d %q", status, got)
	}

	status, body = read(t, h.do("GET", wire.PathVerify+"ABCD-EFGH", "", nil))
	if status != 200 || !strings.Contains(string(body), `"found":false`) {
		t.Fatalf("verify: %d %s", status, body)
	}
	if status, _ := read(t, h.do("GET", wire.PathHealth, "", nil)); status != 200 {
		t.Fatalf("healthz: %d", status)
	}

	// Shutdown ends the stream.
	close(h.done)
	timeout := time.After(5 * time.Second)
	for ended := false; !ended; {
		select {
		case _, ok := <-h.lastStream:
			ended = !ok
		case <-timeout:
			t.Fatal("the event stream outlived the shutdown")
		}
	}
}
