package model

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits of what a clerk writes into a case, in characters (Unicode code points).
// The desktop checks them before it stores a change, and the central service, which
// applies every pushed mutation with Apply, refuses larger ones with the same
// reason. A comment is a note, a message a letter: the limits are far above both and
// keep one case from growing without bound, on the desktops as on the service.
const (
	MaxCommentText    = 10_000
	MaxMessageSubject = 500
	MaxMessageBody    = 100_000
)

// tooLong returns the German reason for a text over max characters, or "".
func tooLong(what, s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return ""
	}
	return fmt.Sprintf("%s ist zu lang: höchstens %s Zeichen.", what, thousands(max))
}

// thousands writes n with German thousands separators (10.000).
func thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// check says what is wrong with a comment's text (decode calls it).
func (p CommentPayload) check() error {
	errs := map[string]string{}
	checkText(errs, "text", "Der Kommentar", p.Comment.Text, MaxCommentText, "Bitte einen Text eingeben.")
	return invalid(errs)
}

// check says what is wrong with a message's subject and body.
func (p MessagePayload) check() error {
	errs := map[string]string{}
	checkText(errs, "subject", "Der Betreff", p.Message.Subject, MaxMessageSubject, "Bitte einen Betreff angeben.")
	checkText(errs, "body", "Die Nachricht", p.Message.Body, MaxMessageBody, "Bitte einen Text eingeben.")
	return invalid(errs)
}

// checkText sets errs[key] to empty when s is blank, or to the length reason.
func checkText(errs map[string]string, key, what, s string, max int, empty string) {
	if strings.TrimSpace(s) == "" {
		errs[key] = empty
	} else if r := tooLong(what, s, max); r != "" {
		errs[key] = r
	}
}

// checkTexts adds to errs what is wrong with the comments and messages a new case
// brings along; only the sizes count here, as a case taken in may carry a message
// without subject.
func checkTexts(errs map[string]string, c *Case) {
	for _, k := range c.Comments {
		if r := tooLong("Ein Kommentar", k.Text, MaxCommentText); r != "" {
			errs["comments"] = r
		}
	}
	for _, m := range c.Messages {
		if r := tooLong("Ein Betreff", m.Subject, MaxMessageSubject); r != "" {
			errs["messages"] = r
		}
		if r := tooLong("Eine Nachricht", m.Body, MaxMessageBody); r != "" {
			errs["messages"] = r
		}
	}
}
