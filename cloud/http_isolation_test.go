package cloud_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud/cloudtest"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// TestHTTPTenantIsolation calls every endpoint with tenant B's credentials and tenant
// A's ids: each answer is a 4xx, or a 2xx that carries nothing of A, and A's data is
// the same afterwards. Ids of another tenant are answered exactly like ids that do
// not exist. GET /v1/verify is global by design (whoever holds a printed decision may
// check it) and enrollment codes are their own credential, so neither is tenant-bound.
func TestHTTPTenantIsolation(t *testing.T) {
	h := newHTS(t)
	// Tenant A's data: a case with a comment, a blob, an online application.
	const secretA = "Geheimvermerk Musterstadt"
	_, r, _ := h.push(h.devA.Token,
		h.createCase(h.devA, h.userA.ID, "case-a-1", "Gaststättenerlaubnis Musterstadt"),
		h.mutation(h.devA, h.userA.ID, "case-a-1", model.KindComment, model.CommentPayload{Comment: model.Comment{
			ID: "comment-a-1", At: time.Now().UTC().Truncate(time.Second), By: h.userA.ID, Text: secretA}}))
	if r.LastSeq != 2 || r.Results[1].Status != wire.StatusApplied {
		t.Fatalf("tenant A's push: %+v", r)
	}
	blobA, missing := h.upload(h.devA.Token, bytes.Repeat([]byte("Musterstadt "), 200000), nil)
	if len(missing) != 0 {
		t.Fatal(missing)
	}
	if status, body := h.intake(h.intakeA, "gewerbeanmeldung.multipart"); status != 201 {
		t.Fatalf("tenant A's intake: %d %s", status, body)
	}
	changesA, bodyA := h.changes(h.devA.Token)
	for _, s := range []string{"case-a-1", secretA, "Erika"} {
		if !bytes.Contains(bodyA, []byte(s)) {
			t.Fatalf("the probe %q is not in tenant A's own data", s)
		}
	}
	repA := changesA[len(changesA)-1].Case.Representation.SHA256
	nextB, stopB := h.events(h.devB.Token)
	defer stopB()
	if seq, ok := nextB(5 * time.Second); !ok || seq != "0" {
		t.Fatalf("tenant B's first event: %q %v", seq, ok)
	}

	// noneOfA fails when an answer to B carries anything of A that B did not name in
	// its request itself.
	noneOfA := func(what string, body []byte, named ...string) {
		t.Helper()
		for _, s := range []string{"case-a-1", "Musterstadt", secretA, "Erika", blobA, repA, h.devA.DeviceID, h.userA.ID} {
			if bytes.Contains(body, []byte(s)) && !slices.Contains(named, s) {
				t.Errorf("%s: the answer to tenant B holds %q: %s", what, s, body)
			}
		}
	}
	// sameAsUnknown fails unless the answer for A's id equals the one for an id that
	// exists nowhere.
	sameAsUnknown := func(what string, status, unknownStatus int, body, unknown []byte, want int) {
		t.Helper()
		if status != want || unknownStatus != want || !bytes.Equal(body, unknown) {
			t.Errorf("%s: %d %s, for an unknown id %d %s, want both %d and equal", what, status, body, unknownStatus, unknown, want)
		}
	}
	unknownSHA := strings.Repeat("0", 64)

	t.Run("changes", func(t *testing.T) {
		chs, body := h.changes(h.devB.Token)
		if len(chs) != 0 {
			t.Errorf("tenant B sees %d changes", len(chs))
		}
		noneOfA("changes", body)
	})
	t.Run("events", func(t *testing.T) {
		// A's next push pokes A's streams only.
		h.push(h.devA.Token, h.mutation(h.devA, h.userA.ID, "case-a-1", model.KindAssign, model.AssignPayload{Assignee: h.userA.ID}))
		if seq, ok := nextB(500 * time.Millisecond); ok {
			t.Errorf("tenant B poked with seq %s by tenant A's push", seq)
		}
	})
	t.Run("directory", func(t *testing.T) {
		status, body := read(t, h.do("GET", wire.PathDirectory, h.devB.Token, nil))
		if status != 200 || !bytes.Contains(body, []byte(h.userB.ID)) {
			t.Fatalf("tenant B's directory: %d %s", status, body)
		}
		noneOfA("directory", body)
	})
	t.Run("sign-in endpoints", func(t *testing.T) {
		otto, err := h.svc.AddUser(context.Background(), htTenantA, "Otto Ordnung", model.RoleLeitung)
		if err != nil {
			t.Fatal(err)
		}
		code := h.invite(otto)
		absA := wire.Absence{ID: "urlaub-a", Absent: h.userA.ID, Substitute: otto.ID, From: "2026-03-02", To: "2099-12-31"}
		for _, name := range []string{h.userA.ID, h.userA.Name} {
			status, body := h.post(h.devB, wire.PathSignIn, wire.SignInRequest{User: name, Password: cloudtest.Password})
			us, unknown := h.post(h.devB, wire.PathSignIn, wire.SignInRequest{User: "niemand-" + name, Password: cloudtest.Password})
			sameAsUnknown("sign in A's user "+name, status, us, body, unknown, 403)
			noneOfA("sign in", body)
		}
		status, body := h.post(h.devB, wire.PathActivate, wire.ActivateRequest{Code: code, Password: "Bruno-kapert-Ottos-Konto"})
		us, unknown := h.post(h.devB, wire.PathActivate, wire.ActivateRequest{Code: "ABCD-EFGH-JKLM-NPQR", Password: "Bruno-kapert-Ottos-Konto"})
		sameAsUnknown("activate with A's code", status, us, body, unknown, 403)
		for _, req := range []wire.AbsenceRequest{
			{Absence: absA, By: h.userA.ID},
			{Absence: absA, By: h.userB.ID},
			{Absence: absA, By: h.userB.ID, Delete: true},
		} {
			status, body := h.post(h.devB, wire.PathAbsences, req)
			if status == 200 && !req.Delete {
				t.Errorf("B records A's absence %+v: %s", req, body)
			}
			noneOfA("absence", body, h.userA.ID, otto.ID, absA.ID)
		}
		// A's code still works for A, and A's directory holds no absence of B's doing.
		if status, body := h.post(h.devA, wire.PathActivate, wire.ActivateRequest{Code: code, Password: "Gruene-Wiese-am-Bach"}); status != 200 {
			t.Errorf("A's code after B tried it: %d %s", status, body)
		}
		_, dirA := read(t, h.do("GET", wire.PathDirectory, h.devA.Token, nil))
		if bytes.Contains(dirA, []byte(absA.ID)) {
			t.Errorf("A's directory after B's absence requests: %s", dirA)
		}
	})
	t.Run("push onto A's case", func(t *testing.T) {
		status, resp, body := h.push(h.devB.Token,
			h.mutation(h.devB, h.userB.ID, "case-a-1", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "c-b", At: time.Now().UTC(), By: h.userB.ID, Text: "von B"}}),
			h.mutation(h.devB, h.userA.ID, "case-a-1", model.KindAssign, model.AssignPayload{Assignee: h.userA.ID}),
			h.mutation(h.devB, h.userB.ID, "case-a-1", model.KindTransition, model.TransitionPayload{Action: "annehmen"}))
		if status != 200 {
			t.Fatalf("push: %d %s", status, body)
		}
		for _, res := range resp.Results {
			if res.Status != wire.StatusRejected {
				t.Errorf("tenant B's mutation on A's case: %+v", res)
			}
		}
		noneOfA("push", body)
	})
	t.Run("push as A's device", func(t *testing.T) {
		m := h.mutation(h.devA, h.userA.ID, "case-a-1", model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "c-x", At: time.Now().UTC(), By: h.userA.ID, Text: "x"}})
		h.seq[h.devA.DeviceID]-- // never reaches A's log
		status, _, body := h.push(h.devB.Token, m)
		if status != 400 {
			t.Errorf("B's token with A's device id: %d %s", status, body)
		}
		noneOfA("push as A", body)
	})
	t.Run("chunk of A's blob", func(t *testing.T) {
		for _, sha := range []string{blobA, repA} {
			status, body := read(t, h.do("GET", wire.PathChunks+sha+"/chunks/0", h.devB.Token, nil))
			us, unknown := read(t, h.do("GET", wire.PathChunks+unknownSHA+"/chunks/0", h.devB.Token, nil))
			sameAsUnknown("GET chunk", status, us, body, unknown, 404)
		}
	})
	t.Run("missing chunks of A's blob", func(t *testing.T) {
		// No deduplication across tenants: B is told to upload all of it.
		data := bytes.Repeat([]byte("Musterstadt "), 200000)
		_, missing := h.upload(h.devB.Token, data, map[int]bool{0: true, 1: true, 2: true})
		if len(missing) != 3 {
			t.Errorf("tenant B is missing %v of A's blob, want all 3 chunks", missing)
		}
	})
	t.Run("put chunk of A's blob", func(t *testing.T) {
		// A hash B never announced is refused; a wrong chunk of A's blob (which B
		// announced above) too; A's blob stays whole either way.
		for _, sha := range []string{strings.Repeat("ab", 32), blobA} {
			status, body := read(t, h.do("PUT", wire.PathChunks+sha+"/chunks/0", h.devB.Token, strings.NewReader("von B")))
			if status != 400 {
				t.Errorf("PUT of chunk 0 of %s by tenant B: %d %s", sha, status, body)
			}
			noneOfA("put chunk", body, sha)
		}
		status, got := read(t, h.do("GET", wire.PathChunks+blobA+"/chunks/0", h.devA.Token, nil))
		if status != 200 || !bytes.HasPrefix(got, []byte("Musterstadt ")) {
			t.Errorf("tenant A's chunk after B's attempts: %d", status)
		}
	})
	t.Run("intake to A's org unit", func(t *testing.T) {
		status, body := h.intake(h.intakeB, "gewerbeanmeldung.multipart")
		var e wire.Error
		_ = json.Unmarshal(body, &e)
		if status != 400 || e.Code != wire.CodeBadRequest {
			t.Errorf("B's credential, A's zuständige Stelle: %d %s", status, body)
		}
		// Worded as for a unit that exists nowhere.
		if !strings.Contains(e.Message, htStelleA) || !strings.Contains(strings.ToLower(e.Message), "unbekannt") {
			t.Errorf("message %q", e.Message)
		}
		if chs, _ := h.changes(h.devB.Token); len(chs) != 0 {
			t.Errorf("tenant B got a case from a refused intake")
		}
	})
	t.Run("wrong kind of token", func(t *testing.T) {
		for _, q := range []struct{ method, path, token string }{
			{"GET", wire.PathChanges, h.intakeA},
			{"GET", wire.PathEvents, h.intakeA},
			{"GET", wire.PathDirectory, h.intakeA},
			{"POST", wire.PathPush, h.intakeA},
			{"GET", wire.PathChunks + blobA + "/chunks/0", h.intakeA},
			{"POST", wire.PathIntake, h.devA.Token},
			{"POST", wire.PathSignIn, h.intakeA},
			{"POST", wire.PathActivate, h.intakeA},
			{"POST", wire.PathAbsences, h.intakeA},
		} {
			status, body := read(t, h.do(q.method, q.path, q.token, strings.NewReader("{}")))
			if status != 401 {
				t.Errorf("%s %s with the other kind of token: %d", q.method, q.path, status)
			}
			noneOfA(q.path, body)
		}
	})
	t.Run("revoked device", func(t *testing.T) {
		if _, err := h.svc.RevokeDevice(context.Background(), h.devB.DeviceID); err != nil {
			t.Fatal(err)
		}
		// The open stream ends at its next heartbeat.
		timeout := time.After(5 * time.Second)
		for ended := false; !ended; {
			select {
			case _, ok := <-h.lastStream:
				ended = !ok
			case <-timeout:
				t.Fatal("a revoked device's event stream stays open")
			}
		}
		for _, q := range []struct{ method, path string }{
			{"GET", wire.PathChanges}, {"GET", wire.PathEvents}, {"POST", wire.PathPush}, {"GET", wire.PathDirectory},
			{"POST", wire.PathChunks + blobA + "/missing"}, {"PUT", wire.PathChunks + blobA + "/chunks/0"},
			{"GET", wire.PathChunks + blobA + "/chunks/0"},
			{"POST", wire.PathSignIn}, {"POST", wire.PathActivate}, {"POST", wire.PathAbsences},
		} {
			if status, body := read(t, h.do(q.method, q.path, h.devB.Token, strings.NewReader("{}"))); status != 401 {
				t.Errorf("%s %s with a revoked token: %d %s", q.method, q.path, status, body)
			}
		}
	})

	// A's data is what it was, plus A's own assignment: the same two cases (a page
	// carries each case once), case-a-1 now with three mutations of A's device.
	after, _ := h.changes(h.devA.Token)
	if len(after) != len(changesA) || len(after[len(after)-1].Mutations) != 3 {
		t.Fatalf("tenant A has %d changes, want %d, the last with 3 mutations: %+v", len(after), len(changesA), after)
	}
	for _, id := range after[len(after)-1].Mutations {
		if !strings.HasPrefix(id, h.devA.DeviceID+":") {
			t.Fatalf("mutation %s of another device on A's case", id)
		}
	}
	last := after[len(after)-1].Case
	if last.ID != "case-a-1" || len(last.Comments) != 1 || last.Comments[0].Text != secretA || last.Status != model.StatusNeu {
		t.Fatalf("tenant A's case after tenant B's attempts: %+v", last)
	}
}
