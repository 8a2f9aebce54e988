package model

import (
	"encoding/json"
	"testing"
	"time"
)

func TestMutationSum(t *testing.T) {
	m, err := NewMutation("case-1", KindComment, CommentPayload{Comment: Comment{ID: "c1", Text: "Unterlagen <vollständig> & geprüft"}})
	if err != nil {
		t.Fatal(err)
	}
	m.ID, m.Device, m.Seq, m.User = "dev:7", "dev", 7, "u1"
	m.At = time.Date(2026, 3, 2, 9, 30, 0, 123456789, time.UTC)
	m.Base = map[string]uint64{"status": 2, "assignee": 1}
	sum := m.Sum()
	if len(sum) != 11 {
		t.Fatalf("sum %q has %d characters", sum, len(sum))
	}
	// What a push carries decodes to a mutation with the same sum, also with the
	// payload spaced out as another encoder might write it.
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back Mutation
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Sum() != sum {
		t.Errorf("sum after a round trip %s, before %s", back.Sum(), sum)
	}
	spaced := m
	spaced.Payload = json.RawMessage("{ \"comment\" : " + string(m.Payload[len(`{"comment":`):]))
	if spaced.Sum() != sum {
		t.Errorf("spaced payload sums to %s, compact one to %s", spaced.Sum(), sum)
	}
	// Every field counts: another text, seq, time or author is another mutation.
	for name, change := range map[string]func(*Mutation){
		"payload": func(x *Mutation) { x.Payload = json.RawMessage(`{"comment":{"id":"c1","text":"anders"}}`) },
		"seq":     func(x *Mutation) { x.Seq, x.ID = 8, "dev:8" },
		"at":      func(x *Mutation) { x.At = x.At.Add(time.Nanosecond) },
		"user":    func(x *Mutation) { x.User = "u2" },
		"base":    func(x *Mutation) { x.Base = map[string]uint64{"status": 3} },
		"case":    func(x *Mutation) { x.CaseID = "case-2" },
	} {
		x := m
		change(&x)
		if x.Sum() == sum {
			t.Errorf("changing the %s keeps the sum", name)
		}
	}
}
