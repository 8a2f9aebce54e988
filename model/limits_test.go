package model

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestTextLimits(t *testing.T) {
	c := Case{ID: "c1", Status: StatusNeu}
	anna := Clerk{ID: "c-anna", Name: "Anna", Role: RoleSachbearbeitung}
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	// Umlauts are two bytes: the limit counts characters, not bytes.
	long := func(n int) string { return strings.Repeat("ä", n) }
	tests := []struct {
		name   string
		kind   MutationKind
		pl     any
		field  string
		reason string // part of the German reason; "" when accepted
	}{
		{"comment at the limit", KindComment, CommentPayload{Comment: Comment{ID: "k1", Text: long(MaxCommentText)}}, "", ""},
		{"comment over it", KindComment, CommentPayload{Comment: Comment{ID: "k2", Text: long(MaxCommentText + 1)}}, "text", "Der Kommentar ist zu lang: höchstens 10.000 Zeichen."},
		{"message at the limits", KindMessage, MessagePayload{Message: Message{ID: "m1", Subject: long(MaxMessageSubject), Body: long(MaxMessageBody)}}, "", ""},
		{"message body over it", KindMessage, MessagePayload{Message: Message{ID: "m2", Subject: "Betreff", Body: long(MaxMessageBody + 1)}}, "body", "Die Nachricht ist zu lang: höchstens 100.000 Zeichen."},
		{"subject over it", KindMessage, MessagePayload{Message: Message{ID: "m3", Subject: long(MaxMessageSubject + 1), Body: "Text"}}, "subject", "Der Betreff ist zu lang: höchstens 500 Zeichen."},
		{"empty comment", KindComment, CommentPayload{Comment: Comment{ID: "k3", Text: "  "}}, "text", "Bitte einen Text eingeben."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := NewMutation(c.ID, tc.kind, tc.pl)
			if err != nil {
				t.Fatal(err)
			}
			m.At = at
			next := c
			_, err = Apply(&next, m, anna)
			if tc.reason == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Fields[tc.field] != tc.reason {
				t.Fatalf("err %v, want %s: %q", err, tc.field, tc.reason)
			}
			if next.Version != c.Version || len(next.Comments)+len(next.Messages) != 0 {
				t.Fatal("a refused change changed the case")
			}
		})
	}
}

func TestValidateNewTextLimits(t *testing.T) {
	c := Case{ID: "c1", Type: "BAU", Applicant: Applicant{Name: "Anna"}, ReceivedAt: time.Now(), Status: StatusNeu, FileNumber: "BAU-2026-0001-A7"}
	if err := ValidateNew(&c); err != nil {
		t.Fatal(err)
	}
	c.Messages = []Message{{ID: "m1", Body: strings.Repeat("x", MaxMessageBody+1)}}
	var ve *ValidationError
	if err := ValidateNew(&c); !errors.As(err, &ve) || !strings.Contains(ve.Fields["messages"], "100.000") {
		t.Fatalf("long message of a new case: %v", err)
	}
	c.Messages = nil
	c.Comments = []Comment{{ID: "k1", Text: strings.Repeat("x", MaxCommentText+1)}}
	if err := ValidateNew(&c); !errors.As(err, &ve) || !strings.Contains(ve.Fields["comments"], "10.000") {
		t.Fatalf("long comment of a new case: %v", err)
	}
}
