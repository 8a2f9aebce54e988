package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
)

// CasePatch is what changed from one state of a case to a later one, so that a
// change travels and is stored at the size of what was written, not of the case:
// the top-level fields whose JSON changed (Fields, by their JSON name), the comments
// and messages appended, and the follow-ups, decisions and attachments added or
// changed (by ID). ApplyPatch(prev, Diff(prev, next)) gives next exactly (as JSON).
//
// Comments and messages are appended, never matched by ID: the model only ever
// appends them, and the central service keeps a case without them (they would make
// every push cost as much as the case), so it can tell what was appended but not what
// is already there. A change that is not an append (a reordered or shortened list,
// or duplicate or empty IDs in a list matched by ID) sends the whole list in Fields
// under the collection's name instead; nothing the model does produces one.
//
// Base is the history head of the state the patch applies to. Every change of a
// case on the central service appends a history entry, so the head names the
// state, and ApplyPatch refuses a patch for another one (ErrPatchBase) instead of
// producing a case that exists nowhere.
type CasePatch struct {
	Base        HistoryHead                `json:"base"`
	Fields      map[string]json.RawMessage `json:"fields,omitempty"`
	Comments    []Comment                  `json:"comments,omitempty"`
	Messages    []Message                  `json:"messages,omitempty"`
	FollowUps   []FollowUp                 `json:"followUps,omitempty"`
	Decisions   []DecisionInfo             `json:"decisions,omitempty"`
	Attachments []Attachment               `json:"attachments,omitempty"`
}

// Errors of case patches.
var (
	// ErrPatchBase: the patch was made for another state of the case.
	ErrPatchBase = errors.New("model: patch does not apply to this state of the case")
	// ErrPatch: the patch names an unknown field or carries a value that does not
	// decode.
	ErrPatch = errors.New("model: malformed case patch")
)

// Empty reports whether the patch changes nothing.
func (p CasePatch) Empty() bool {
	return len(p.Fields) == 0 && len(p.Comments) == 0 && len(p.Messages) == 0 &&
		len(p.FollowUps) == 0 && len(p.Decisions) == 0 && len(p.Attachments) == 0
}

// Names of the collections in Fields when a patch sends one whole.
const (
	CollComments    = "comments"
	CollMessages    = "messages"
	CollFollowUps   = "followUps"
	CollDecisions   = "decisions"
	CollAttachments = "attachments"
)

// caseField reads and writes one top-level field of a Case as its JSON.
type caseField struct {
	name   string
	encode func(*Case) ([]byte, error)
	decode func(*Case, json.RawMessage) error
}

// field makes a caseField for the field at returns. decode replaces the field with a
// fresh value: decoding into the old one would merge maps and keep struct fields the
// JSON leaves out.
func field[T any](name string, at func(*Case) *T) caseField {
	return caseField{
		name:   name,
		encode: func(c *Case) ([]byte, error) { return json.Marshal(at(c)) },
		decode: func(c *Case, raw json.RawMessage) error {
			var v T
			if err := json.Unmarshal(raw, &v); err != nil {
				return err
			}
			*at(c) = v
			return nil
		},
	}
}

// scalarFields are the fields of Case a patch carries whole when they change, by
// their JSON names. TestCaseFieldsCovered checks that every field of Case is here
// or in collFields.
var scalarFields = []caseField{
	field("id", func(c *Case) *string { return &c.ID }),
	field("tenant", func(c *Case) *string { return &c.Tenant }),
	field("orgUnit", func(c *Case) *string { return &c.OrgUnit }),
	field("fileNumber", func(c *Case) *string { return &c.FileNumber }),
	field("type", func(c *Case) *string { return &c.Type }),
	field("leikaIds", func(c *Case) *[]string { return &c.LeikaIDs }),
	field("title", func(c *Case) *string { return &c.Title }),
	field("receivedAt", func(c *Case) *time.Time { return &c.ReceivedAt }),
	field("channel", func(c *Case) *Channel { return &c.Channel }),
	field("applicant", func(c *Case) *Applicant { return &c.Applicant }),
	field("form", func(c *Case) *[]FormField { return &c.Form }),
	field("representation", func(c *Case) **Attachment { return &c.Representation }),
	field("status", func(c *Case) *Status { return &c.Status }),
	field("prevStatus", func(c *Case) *Status { return &c.PrevStatus }),
	field("assignee", func(c *Case) *string { return &c.Assignee }),
	field("legalDeadline", func(c *Case) **time.Time { return &c.LegalDeadline }),
	field("targetDeadline", func(c *Case) **time.Time { return &c.TargetDeadline }),
	field("versions", func(c *Case) *map[string]uint64 { return &c.Versions }),
	field("version", func(c *Case) *uint64 { return &c.Version }),
	field("createdAt", func(c *Case) *time.Time { return &c.CreatedAt }),
	field("updatedAt", func(c *Case) *time.Time { return &c.UpdatedAt }),
	field("historyHead", func(c *Case) *HistoryHead { return &c.HistoryHead }),
}

// collFields are the collections, which a patch sends whole only when they changed
// in a way entries cannot say.
var collFields = []caseField{
	field(CollComments, func(c *Case) *[]Comment { return &c.Comments }),
	field(CollMessages, func(c *Case) *[]Message { return &c.Messages }),
	field(CollFollowUps, func(c *Case) *[]FollowUp { return &c.FollowUps }),
	field(CollDecisions, func(c *Case) *[]DecisionInfo { return &c.Decisions }),
	field(CollAttachments, func(c *Case) *[]Attachment { return &c.Attachments }),
}

var fieldsByName = func() map[string]caseField {
	m := map[string]caseField{}
	for _, f := range append(slices.Clone(scalarFields), collFields...) {
		m[f.name] = f
	}
	return m
}()

// Diff returns the patch that turns prev into next. It fails only when a field does
// not encode to JSON, which no case built by this package does.
func Diff(prev, next *Case) (CasePatch, error) {
	p := CasePatch{Base: prev.HistoryHead}
	set := func(f caseField, old []byte) error {
		b, err := f.encode(next)
		if err != nil {
			return fmt.Errorf("model: diff field %s: %w", f.name, err)
		}
		if old != nil && bytes.Equal(old, b) {
			return nil
		}
		if p.Fields == nil {
			p.Fields = map[string]json.RawMessage{}
		}
		p.Fields[f.name] = b
		return nil
	}
	for _, f := range scalarFields {
		old, err := f.encode(prev)
		if err == nil {
			err = set(f, old)
		}
		if err != nil {
			return CasePatch{}, fmt.Errorf("model: diff field %s: %w", f.name, err)
		}
	}
	colls := []struct {
		name string
		diff func() (bool, error)
	}{
		{CollComments, func() (ok bool, err error) {
			p.Comments, ok, err = appended(prev.Comments, next.Comments)
			return
		}},
		{CollMessages, func() (ok bool, err error) {
			p.Messages, ok, err = appended(prev.Messages, next.Messages)
			return
		}},
		{CollFollowUps, func() (ok bool, err error) {
			p.FollowUps, ok, err = byID(prev.FollowUps, next.FollowUps, followUpID)
			return
		}},
		{CollDecisions, func() (ok bool, err error) {
			p.Decisions, ok, err = byID(prev.Decisions, next.Decisions, decisionID)
			return
		}},
		{CollAttachments, func() (ok bool, err error) {
			p.Attachments, ok, err = byID(prev.Attachments, next.Attachments, attachmentID)
			return
		}},
	}
	for _, c := range colls {
		ok, err := c.diff()
		if err == nil && !ok {
			err = set(fieldsByName[c.name], nil)
		}
		if err != nil {
			return CasePatch{}, err
		}
	}
	return p, nil
}

// appended returns the entries next adds after prev when prev is a prefix of next
// (entry by entry, as JSON); ok is false otherwise.
func appended[T any](prev, next []T) (tail []T, ok bool, err error) {
	if len(next) < len(prev) {
		return nil, false, nil
	}
	for i := range prev {
		same, err := sameJSON(prev[i], next[i])
		if err != nil || !same {
			return nil, false, err
		}
	}
	return slices.Clone(next[len(prev):]), true, nil
}

// byID returns the entries of next that are new or differ from prev, when both have
// unique, non-empty IDs and next keeps prev's IDs in their order before its new
// ones; ok is false otherwise.
func byID[T any](prev, next []T, id func(T) string) (changed []T, ok bool, err error) {
	if len(next) < len(prev) || !uniqueIDs(prev, id) || !uniqueIDs(next, id) {
		return nil, false, nil
	}
	for i, e := range next {
		if i < len(prev) {
			if id(prev[i]) != id(e) {
				return nil, false, nil
			}
			same, err := sameJSON(prev[i], e)
			if err != nil {
				return nil, false, err
			}
			if same {
				continue
			}
		}
		changed = append(changed, e)
	}
	return changed, true, nil
}

func followUpID(f FollowUp) string     { return f.ID }
func decisionID(d DecisionInfo) string { return d.ID }
func attachmentID(a Attachment) string { return a.ID }

func uniqueIDs[T any](list []T, id func(T) string) bool {
	seen := make(map[string]bool, len(list))
	for _, e := range list {
		k := id(e)
		if k == "" || seen[k] {
			return false
		}
		seen[k] = true
	}
	return true
}

func sameJSON(a, b any) (bool, error) {
	x, err := json.Marshal(a)
	if err != nil {
		return false, fmt.Errorf("model: diff: %w", err)
	}
	y, err := json.Marshal(b)
	if err != nil {
		return false, fmt.Errorf("model: diff: %w", err)
	}
	return bytes.Equal(x, y), nil
}

// ApplyPatch applies p to c. c must be the state p was made from: ErrPatchBase when
// its history head is another; ErrPatch when p names an unknown field or carries a
// value that does not decode. On error c is unchanged. c's slices and maps are never
// written to, so a copy of c that shares them stays as it was.
func ApplyPatch(c *Case, p CasePatch) error {
	if c.HistoryHead != p.Base {
		return fmt.Errorf("%w: case %s is at history entry %d, the patch starts at %d", ErrPatchBase, c.ID, c.HistoryHead.Seq, p.Base.Seq)
	}
	next := *c
	for _, name := range slices.Sorted(maps.Keys(p.Fields)) {
		f, ok := fieldsByName[name]
		if !ok {
			return fmt.Errorf("%w: unknown field %q", ErrPatch, name)
		}
		if err := f.decode(&next, p.Fields[name]); err != nil {
			return fmt.Errorf("%w: field %s: %v", ErrPatch, name, err)
		}
	}
	next.Comments = appendTo(next.Comments, p.Comments)
	next.Messages = appendTo(next.Messages, p.Messages)
	next.FollowUps = upsert(next.FollowUps, p.FollowUps, followUpID)
	next.Decisions = upsert(next.Decisions, p.Decisions, decisionID)
	next.Attachments = upsert(next.Attachments, p.Attachments, attachmentID)
	*c = next
	return nil
}

// appendTo appends add to list without writing into list's spare capacity, which a
// caller's copy of the case may share.
func appendTo[T any](list, add []T) []T {
	if len(add) == 0 {
		return list
	}
	return append(slices.Clip(list), add...)
}

// upsert replaces the entries of list with the IDs of add, in place, and appends
// the others, on a copy of list.
func upsert[T any](list, add []T, id func(T) string) []T {
	if len(add) == 0 {
		return list
	}
	out := slices.Clone(list)
	at := make(map[string]int, len(out))
	for i, e := range out {
		if _, dup := at[id(e)]; !dup {
			at[id(e)] = i
		}
	}
	for _, e := range add {
		if i, ok := at[id(e)]; ok {
			out[i] = e
			continue
		}
		at[id(e)] = len(out)
		out = append(out, e)
	}
	return out
}

// Merge makes p also do next, as if next were applied after p: next must start
// where p ends (ErrPatchBase otherwise), as consecutive changes of one case do.
// Fields of next override p's; appended entries add up; entries by ID are replaced
// by next's; a collection next sends whole drops p's entries of it. p's slices and
// map are extended in place, so merging many patches into one costs what they hold
// together; next is only read. On error p is unchanged.
func (p *CasePatch) Merge(next CasePatch) error {
	end := p.Base
	if raw, ok := p.Fields["historyHead"]; ok {
		if err := json.Unmarshal(raw, &end); err != nil {
			return fmt.Errorf("%w: field historyHead: %v", ErrPatch, err)
		}
	}
	if next.Base != end {
		return fmt.Errorf("%w: the next patch starts at history entry %d, this one ends at %d", ErrPatchBase, next.Base.Seq, end.Seq)
	}
	if len(next.Fields) > 0 && p.Fields == nil {
		p.Fields = make(map[string]json.RawMessage, len(next.Fields))
	}
	maps.Copy(p.Fields, next.Fields)
	whole := func(name string) bool { _, ok := next.Fields[name]; return ok }
	p.Comments = mergeAppended(p.Comments, next.Comments, whole(CollComments))
	p.Messages = mergeAppended(p.Messages, next.Messages, whole(CollMessages))
	p.FollowUps = mergeByID(p.FollowUps, next.FollowUps, whole(CollFollowUps), followUpID)
	p.Decisions = mergeByID(p.Decisions, next.Decisions, whole(CollDecisions), decisionID)
	p.Attachments = mergeByID(p.Attachments, next.Attachments, whole(CollAttachments), attachmentID)
	return nil
}

func mergeAppended[T any](list, add []T, replaced bool) []T {
	if replaced {
		return slices.Clone(add)
	}
	return append(list, add...)
}

func mergeByID[T any](list, add []T, replaced bool, id func(T) string) []T {
	if replaced {
		return slices.Clone(add)
	}
	return upsert(list, add, id)
}
