package model

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestCaseFieldsCovered fails when Case gains a field that patches do not carry: it
// would be lost on its way to the desktops.
func TestCaseFieldsCovered(t *testing.T) {
	typ := reflect.TypeFor[Case]()
	want := map[string]bool{}
	for i := range typ.NumField() {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		want[name] = true
		if _, ok := fieldsByName[name]; !ok {
			t.Errorf("Case.%s (%q) is not carried by patches", typ.Field(i).Name, name)
		}
	}
	for name := range fieldsByName {
		if !want[name] {
			t.Errorf("patch field %q is not a field of Case", name)
		}
	}
}

// TestDiffEveryField changes each field of a case alone and checks that the patch
// carries exactly that change.
func TestDiffEveryField(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	prev := randomCase(r)
	typ := reflect.TypeFor[Case]()
	for i := range typ.NumField() {
		t.Run(typ.Field(i).Name, func(t *testing.T) {
			other := randomCase(rand.New(rand.NewPCG(uint64(i)+10, 3)))
			next := prev
			reflect.ValueOf(&next).Elem().Field(i).Set(reflect.ValueOf(other).Field(i))
			checkPatch(t, &prev, &next)
		})
	}
}

// FuzzCasePatch: for random cases and random edits (the model's own and odd ones:
// reordered, shortened and duplicated lists, nil against empty), applying the diff
// gives the later case, also after a JSON round trip of the patch, and merging two
// consecutive diffs equals applying both.
func FuzzCasePatch(f *testing.F) {
	for i := range 20 {
		f.Add(uint64(i), uint64(i*7+1))
	}
	f.Fuzz(func(t *testing.T, a, b uint64) {
		r := rand.New(rand.NewPCG(a, b))
		prev := randomCase(r)
		next := edit(r, prev)
		last := edit(r, next)
		d1 := checkPatch(t, &prev, &next)
		d2 := checkPatch(t, &next, &last)
		merged := roundTripPatch(t, d1) // a copy: Merge extends it in place
		if err := merged.Merge(d2); err != nil {
			t.Fatalf("merge: %v", err)
		}
		got := prev
		if err := ApplyPatch(&got, roundTripPatch(t, merged)); err != nil {
			t.Fatalf("apply merged: %v", err)
		}
		if js(t, got) != js(t, last) {
			t.Fatalf("merged patch\n%s\ngives\n%s\nwant\n%s", js(t, merged), js(t, got), js(t, last))
		}
		if prev.HistoryHead != next.HistoryHead {
			if err := d2.Merge(d1); !errors.Is(err, ErrPatchBase) {
				t.Fatalf("merging patches out of order: %v, want ErrPatchBase", err)
			}
		}
	})
}

// checkPatch checks ApplyPatch(prev, Diff(prev, next)) == next (as JSON), before and
// after a JSON round trip of the patch, that prev is left alone, and that the patch
// refuses another state of the case. It returns the patch.
func checkPatch(t *testing.T, prev, next *Case) CasePatch {
	t.Helper()
	before := js(t, prev)
	p, err := Diff(prev, next)
	if err != nil {
		t.Fatalf("diff: %v", err)
	}
	if js(t, prev) != before {
		t.Fatal("Diff changed prev")
	}
	for _, q := range []CasePatch{p, roundTripPatch(t, p)} {
		got := *prev
		if err := ApplyPatch(&got, q); err != nil {
			t.Fatalf("apply: %v", err)
		}
		if js(t, got) != js(t, next) {
			t.Fatalf("patch\n%s\ngives\n%s\nwant\n%s", js(t, q), js(t, got), js(t, next))
		}
		if js(t, prev) != before {
			t.Fatal("ApplyPatch changed the slices of the case it was given")
		}
	}
	other := *prev
	other.HistoryHead.Seq++
	if err := ApplyPatch(&other, p); !errors.Is(err, ErrPatchBase) {
		t.Fatalf("patch applied to another state: %v", err)
	}
	return p
}

func roundTripPatch(t *testing.T, p CasePatch) CasePatch {
	t.Helper()
	var out CasePatch
	if err := json.Unmarshal([]byte(js(t, p)), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func js(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPatchOfModelMutations applies random mutations of every kind through
// model.Apply and checks that each diff says the change incrementally: no
// collection is ever sent whole, and a comment on a long case costs what the comment
// does.
func TestPatchOfModelMutations(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	boss := Clerk{ID: "c-boss", Name: "Chefin", Role: RoleLeitung}
	c := Case{}
	create, _ := NewMutation("case-1", KindCreate, CreatePayload{Case: Case{
		ID: "case-1", Type: "BAU", Title: "Bauantrag", ReceivedAt: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC),
		Applicant: Applicant{Name: "Anna Muster"}, Status: StatusNeu, FileNumber: "BAU-2026-0001-A7",
	}})
	create.At = time.Date(2026, 1, 2, 8, 0, 0, 0, time.UTC)
	if _, err := Apply(&c, create, boss); err != nil {
		t.Fatal(err)
	}
	for i := range 400 {
		at := create.At.Add(time.Duration(i) * time.Minute)
		kind, payload := randomMutation(r, &c, i, at)
		m, err := NewMutation(c.ID, kind, payload)
		if err != nil {
			t.Fatal(err)
		}
		m.At = at
		next := c
		if _, err := Apply(&next, m, boss); err != nil {
			continue // refused by the status table: nothing to diff
		}
		next.HistoryHead = HistoryHead{Seq: c.HistoryHead.Seq + 1, Hash: fmt.Sprintf("%064d", i)}
		p := checkPatch(t, &c, &next)
		for _, coll := range collFields {
			if _, ok := p.Fields[coll.name]; ok {
				t.Fatalf("%s sent %s whole", kind, coll.name)
			}
		}
		c = next
	}
	for i := range 10_000 {
		c.Comments = append(c.Comments, Comment{ID: fmt.Sprintf("k%05d", i), At: create.At, By: "c-anna", Text: strings.Repeat("x", 100)})
	}
	next := c
	next.Comments = appendTo(next.Comments, []Comment{{ID: "new", At: create.At, By: "c-anna", Text: "Rückfrage"}})
	next.Version++
	p := checkPatch(t, &c, &next)
	if n := len(js(t, p)); n > 1000 {
		t.Fatalf("one comment on a case with 10,000 costs %d bytes of patch", n)
	}
}

func randomMutation(r *rand.Rand, c *Case, i int, at time.Time) (MutationKind, any) {
	id := fmt.Sprintf("e%d", i)
	switch r.IntN(9) {
	case 0:
		acts := Allowed(c, RoleLeitung)
		if len(acts) == 0 {
			return KindAssign, AssignPayload{Assignee: "c-anna"}
		}
		return KindTransition, TransitionPayload{Action: acts[r.IntN(len(acts))]}
	case 1:
		return KindAssign, AssignPayload{Assignee: []string{"", "c-anna", "c-bernd"}[r.IntN(3)]}
	case 2:
		return KindFollowUpAdd, FollowUpPayload{FollowUp: FollowUp{ID: id, Due: at, Reason: "Prüfen", CreatedAt: at, By: "c-anna"}}
	case 3:
		for _, f := range c.FollowUps {
			if f.Open() {
				return KindFollowUpDone, FollowUpDonePayload{FollowUpID: f.ID}
			}
		}
		return KindComment, CommentPayload{Comment: Comment{ID: id, At: at, By: "c-anna", Text: "Notiz"}}
	case 4:
		return KindMessage, MessagePayload{Message: Message{ID: id, Direction: MessageOutgoing, State: MessagePending, Subject: "Ihr Antrag", Body: "Bitte nachreichen.", At: at, By: "c-anna"}}
	case 5:
		return KindAttachment, AttachmentPayload{Attachment: Attachment{ID: id, Name: "plan.pdf", MediaType: "application/pdf", Size: 10, SHA256: strings.Repeat("a", 64), AddedAt: at}}
	case 6:
		d := at
		return KindDeadline, DeadlinePayload{Field: FieldTargetDeadline, Date: &d}
	case 7:
		signed := at
		d := DecisionInfo{ID: id, Template: "bewilligung", Title: "Bescheid " + id, CreatedAt: at, CreatedBy: "c-anna", SignedAt: &signed}
		for _, old := range c.Decisions {
			if old.SupersededBy == "" && old.SignedAt != nil {
				d.Supersedes = old.ID
			}
		}
		return KindDecision, DecisionPayload{Decision: d}
	}
	for _, d := range c.Decisions {
		if d.SignedAt != nil && d.PostedAt == nil {
			return KindPosted, PostedPayload{DecisionIDs: []string{d.ID}, Date: at}
		}
	}
	return KindComment, CommentPayload{Comment: Comment{ID: id, At: at, By: "c-anna", Text: "Notiz"}}
}

// randomCase fills every field of a case with random values.
func randomCase(r *rand.Rand) Case {
	tm := func() time.Time {
		t := time.Date(2026, time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), 0, 0, 0, time.UTC)
		if r.IntN(4) == 0 {
			t = t.In(time.FixedZone("", 3600))
		}
		return t
	}
	ptm := func() *time.Time {
		if r.IntN(3) == 0 {
			return nil
		}
		t := tm()
		return &t
	}
	s := func(prefix string) string { return fmt.Sprintf("%s-%d", prefix, r.IntN(5)) }
	att := func() Attachment {
		return Attachment{ID: s("a"), Name: s("datei") + ".pdf", MediaType: "application/pdf", Size: r.Int64N(1000), SHA256: s("sha"), AddedAt: tm(), AddedBy: s("c")}
	}
	c := Case{
		ID: s("case"), Tenant: s("t"), OrgUnit: s("ou"), FileNumber: s("BAU"), Type: "BAU",
		Title: s("Titel"), ReceivedAt: tm(), Channel: ChannelOnline,
		Applicant: Applicant{Name: s("Name"), City: s("Ort")},
		Status:    StatusNeu, PrevStatus: Status(s("")), Assignee: s("c"),
		LegalDeadline: ptm(), TargetDeadline: ptm(),
		Versions:    map[string]uint64{FieldStatus: uint64(r.IntN(4))},
		Version:     uint64(r.IntN(100)),
		CreatedAt:   tm(),
		UpdatedAt:   tm(),
		HistoryHead: HistoryHead{Seq: uint64(r.IntN(100)), Hash: s("hash")},
	}
	if r.IntN(2) == 0 {
		c.LeikaIDs = []string{s("leika")}
		c.Form = []FormField{{Name: "a", Label: s("A"), Items: []FormField{{Name: "b", Value: s("v")}}}}
		a := att()
		c.Representation = &a
		c.Applicant.Postfach = &Postfach{Type: "BUND_ID", Identifier: s("id")}
	}
	for i := range r.IntN(4) {
		c.Comments = append(c.Comments, Comment{ID: fmt.Sprintf("k%d", i), At: tm(), By: s("c"), Text: s("Text")})
		c.Messages = append(c.Messages, Message{ID: fmt.Sprintf("m%d", i), Direction: MessageIncoming, Subject: s("S"), Body: s("B"), At: tm(), Attachments: []Attachment{att()}})
		c.FollowUps = append(c.FollowUps, FollowUp{ID: fmt.Sprintf("f%d", i), Due: tm(), Reason: s("R"), CreatedAt: tm(), DoneAt: ptm()})
		c.Decisions = append(c.Decisions, DecisionInfo{ID: fmt.Sprintf("d%d", i), Title: s("T"), CreatedAt: tm(), SignedAt: ptm()})
		a := att()
		a.ID = fmt.Sprintf("a%d", i)
		c.Attachments = append(c.Attachments, a)
	}
	return c
}

// edit returns a changed copy of c: some fields changed, entries appended and
// changed, and now and then a list changed in a way entries cannot say.
func edit(r *rand.Rand, c Case) Case {
	other := randomCase(r)
	n := c
	v := reflect.ValueOf(&n).Elem()
	o := reflect.ValueOf(other)
	for i := range v.NumField() {
		if r.IntN(4) == 0 {
			v.Field(i).Set(o.Field(i))
		}
	}
	if r.IntN(2) == 0 {
		n.HistoryHead = HistoryHead{Seq: c.HistoryHead.Seq + 1 + uint64(r.IntN(3)), Hash: fmt.Sprintf("h%d", r.Int())}
	}
	id := func(p string) string { return fmt.Sprintf("%s%d", p, r.Int()) }
	for range r.IntN(3) {
		n.Comments = appendTo(n.Comments, []Comment{{ID: id("k"), At: other.CreatedAt, Text: "neu"}})
		n.Messages = appendTo(n.Messages, []Message{{ID: id("m"), Subject: "neu", Body: "x"}})
		n.FollowUps = appendTo(n.FollowUps, []FollowUp{{ID: id("f"), Reason: "neu"}})
		n.Decisions = appendTo(n.Decisions, []DecisionInfo{{ID: id("d"), Title: "neu"}})
		n.Attachments = appendTo(n.Attachments, []Attachment{{ID: id("a"), Name: "neu"}})
	}
	if len(n.FollowUps) > 0 && r.IntN(2) == 0 {
		n.FollowUps = slices.Clone(n.FollowUps)
		done := other.CreatedAt
		n.FollowUps[r.IntN(len(n.FollowUps))].DoneAt = &done
	}
	if len(n.Decisions) > 0 && r.IntN(2) == 0 {
		n.Decisions = slices.Clone(n.Decisions)
		n.Decisions[r.IntN(len(n.Decisions))].SupersededBy = id("d")
	}
	switch r.IntN(12) {
	case 0:
		slices.Reverse(n.Comments)
	case 1:
		if len(n.FollowUps) > 1 {
			n.FollowUps = slices.Clone(n.FollowUps[1:])
		}
	case 2:
		if len(n.Attachments) > 0 {
			n.Attachments = append(slices.Clone(n.Attachments), n.Attachments[0])
		}
	case 3:
		n.Decisions = appendTo(n.Decisions, []DecisionInfo{{Title: "ohne ID"}})
	case 4:
		if n.Messages == nil {
			n.Messages = []Message{}
		} else {
			n.Messages = nil
		}
	case 5:
		if len(n.Messages) > 0 {
			n.Messages = slices.Clone(n.Messages)
			n.Messages[0].State = MessageSent
		}
	}
	return n
}

// FuzzApplyPatchJSON: a patch as it arrives from the network (any JSON) never panics
// ApplyPatch, and never changes the case it was given, applied or refused.
func FuzzApplyPatchJSON(f *testing.F) {
	r := rand.New(rand.NewPCG(3, 4))
	base := randomCase(r)
	for range 8 {
		next := edit(r, base)
		p, err := Diff(&base, &next)
		if err != nil {
			f.Fatal(err)
		}
		b, _ := json.Marshal(p)
		f.Add(b)
	}
	f.Add([]byte(`{"base":{"seq":0,"hash":""},"fields":{"status":1}}`))
	f.Add([]byte(`{"fields":{"nope":"x"}}`))
	f.Add([]byte(`{"comments":[{"id":"k"}],"followUps":[{"id":""},{"id":""}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var p CasePatch
		if json.Unmarshal(b, &p) != nil {
			return
		}
		c := base
		c.HistoryHead = p.Base // reach past the base check
		before := js(t, c)
		got := c
		err := ApplyPatch(&got, p)
		if js(t, c) != before {
			t.Fatal("ApplyPatch changed the case it was given")
		}
		if err != nil && js(t, got) != before {
			t.Fatalf("a refused patch changed the case: %v", err)
		}
	})
}
