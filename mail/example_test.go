package mail_test

import (
	"fmt"
	"strings"

	"github.com/ozgcloud/desktop/mail"
)

func ExampleParse() {
	raw := "From: =?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <j.mueller@example.org>\r\n" +
		"Subject: Nachreichung zu BAU-2026-0042-A7\r\n" +
		"Date: Mon, 2 Nov 2026 09:15:42 +0100\r\n" +
		"Content-Type: text/html; charset=iso-8859-15\r\n\r\n" +
		"<p>Die Geb\xfchr von 80 \xa4 ist bezahlt.</p>\r\n"
	m, err := mail.Parse(strings.NewReader(raw))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.From.Name, m.From.Address)
	fmt.Println(m.Subject)
	fmt.Println(m.Text)
	fmt.Println(mail.FileNumbers(m.Subject, m.Text))
	// Output:
	// Jürgen Müller j.mueller@example.org
	// Nachreichung zu BAU-2026-0042-A7
	// Die Gebühr von 80 € ist bezahlt.
	// [BAU-2026-0042-A7]
}
