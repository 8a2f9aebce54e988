package app

import (
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/ozgcloud/desktop/mail"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/sync/client"
	"github.com/ozgcloud/desktop/sync/wire"
)

// TestEverySignErrorWorded: every sentinel error of package sign has its own German
// sentence in signMessages (the names are read from sign's source, so a new error
// without words fails), also when wrapped.
func TestEverySignErrorWorded(t *testing.T) {
	var declared []string
	for _, f := range []string{"../sign/sign.go", "../sign/keyfile.go"} {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`(?m)^\s*(?:var )?(Err\w+)\s+= errors\.New`).FindAllStringSubmatch(string(src), -1) {
			declared = append(declared, m[1])
		}
	}
	catalog, err := os.ReadFile("messages.go")
	if err != nil {
		t.Fatal(err)
	}
	if len(declared) < 15 {
		t.Fatalf("read only %v from package sign", declared)
	}
	for _, name := range declared {
		if !strings.Contains(string(catalog), "{sign."+name+", ") {
			t.Errorf("sign.%s has no German sentence in signMessages", name)
		}
	}
	generic := signMessage(errors.New("x"))
	for _, m := range signMessages {
		if got := signMessage(fmt.Errorf("open key: %w", m.err)); got != m.msg || got == generic {
			t.Errorf("%v wrapped is worded %q", m.err, got)
		}
	}
}

// TestEveryMailReasonWorded: every Reason of package mail (read from mail/errors.go) is
// said in German, with what it is about; a mail that could not be fetched is spoken of
// rather than the connection.
func TestEveryMailReasonWorded(t *testing.T) {
	src, err := os.ReadFile("../mail/errors.go")
	if err != nil {
		t.Fatal(err)
	}
	reasons := regexp.MustCompile(`(?m)^\s+(Reason\w+)\s+Reason = "([^"]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(reasons) < 15 {
		t.Fatalf("read only %d reasons from mail/errors.go", len(reasons))
	}
	for _, r := range reasons {
		e := &mail.Error{Kind: mail.ErrConfig, Reason: mail.Reason(r[2]), Subject: "«subject»", Size: 30 << 20, Limit: 25 << 20}
		got := mailMessage(fmt.Errorf("check: %w", e))
		if got == msgMailError || strings.Contains(got, "%") {
			t.Errorf("mail.%s is worded %q", r[1], got)
		}
		if strings.Contains(mailReasons[e.Reason], "%s") && !strings.Contains(got, "«subject»") {
			t.Errorf("mail.%s does not name what it is about: %q", r[1], got)
		}
	}
	for _, tt := range []struct {
		err  *mail.Error
		want string
	}{
		{&mail.Error{Reason: mail.ReasonLogin, Subject: "amt"}, "Die Anmeldung als „amt“ ist fehlgeschlagen."},
		{&mail.Error{Reason: mail.ReasonTooLarge, Size: 30 << 20, Limit: 25 << 20}, "Die E-Mail ist mit 30,0 MB größer als die Grenze von 25,0 MB"},
		{&mail.Error{Reason: mail.ReasonRefused, Subject: "FETCH"}, "„E-Mails abrufen“ abgelehnt"},
	} {
		if got := mailMessage(tt.err); !strings.Contains(got, tt.want) {
			t.Errorf("%+v: %q, want %q in it", tt.err, got, tt.want)
		}
	}
	timeout := &mail.Error{Kind: mail.ErrTimeout, Reason: mail.ReasonTimeout}
	if got := mailFailureReason(mail.Failure{Err: timeout, Unfetched: true}); got != msgMailNotDelivered {
		t.Errorf("unfetched after a timeout: %q", got)
	}
	if got := mailFailureReason(mail.Failure{Err: timeout}); got != mailReasons[mail.ReasonTimeout] {
		t.Errorf("a timeout: %q", got)
	}
	if mailMessage(nil) != "" || mailMessage(errors.New("x")) != msgMailError {
		t.Error("nil or a foreign error")
	}
}

// TestSyncMessages: the errors of the sync engine and of connecting the PC, as the
// status bar says them (they were client.Message's).
func TestSyncMessages(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("client: push: %w", client.ErrOffline), "Keine Verbindung"},
		{&wire.Error{Code: wire.CodeUnauthorized}, "nicht (mehr) angemeldet"},
		{&wire.Error{Code: wire.CodeEnrollment}, "Anmeldecode"},
		{&wire.Error{Code: wire.CodeVersion, Message: "Bitte aktualisieren"}, "Bitte aktualisieren"},
		{client.ErrFingerprint, "Fingerabdruck"},
		{x509.UnknownAuthorityError{}, "nicht vertraut"},
		{fmt.Errorf("apply: %w", store.ErrChainBroken), "Historie"},
		{fmt.Errorf("%w: disk", client.ErrState), "Stand der Synchronisierung"},
		{errors.New("x"), "fehlgeschlagen"},
	} {
		if got := syncMessage(tt.err); !strings.Contains(got, tt.want) {
			t.Errorf("syncMessage(%v) = %q, want %q in it", tt.err, got, tt.want)
		}
	}
	if syncMessage(nil) != "" {
		t.Error("syncMessage(nil)")
	}
}

// TestEverySyncNoticeWorded: every kind of the store's sync note (read from
// store/syncfence.go, so a new kind without words fails) has its own German text;
// the one about a duplicate file number names the numbers.
func TestEverySyncNoticeWorded(t *testing.T) {
	src, err := os.ReadFile("../store/syncfence.go")
	if err != nil {
		t.Fatal(err)
	}
	kinds := regexp.MustCompile(`(?m)^\s+Notice\w+\s+NoticeKind = "([^"]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(kinds) < 4 {
		t.Fatalf("read only %v from store/syncfence.go", kinds)
	}
	seen := map[string]bool{}
	for _, k := range kinds {
		text := syncNoticeText(store.NoticeKind(k[1]), "BAU-2026-0001-SV")
		if text == "" || text == msgSyncNoticeOther || seen[text] {
			t.Errorf("notice %s is worded %q", k[1], text)
		}
		seen[text] = true
	}
	if got := syncNoticeText(store.NoticeDuplicate, "BAU-2026-0001-SV, BAU-2026-0007-SV"); !strings.Contains(got, "(BAU-2026-0001-SV, BAU-2026-0007-SV)") {
		t.Errorf("the duplicate note does not name the numbers: %q", got)
	}
	if got := syncNoticeText(store.NoticeDuplicate, ""); strings.Contains(got, "(") || strings.Contains(got, "%") {
		t.Errorf("the duplicate note without numbers: %q", got)
	}
	if syncNoticeText("", "") != "" || syncNoticeText("from-a-newer-version", "") != msgSyncNoticeOther {
		t.Error("no note or an unknown kind is worded wrongly")
	}
}
