package decision_test

import (
	"bytes"
	"fmt"
	"time"

	"github.com/ozgcloud/desktop/decision"
	"github.com/ozgcloud/desktop/model"
)

func Example() {
	c := &model.Case{
		FileNumber: "HST-2026-0042-A7",
		Type:       "HUND",
		Title:      "Hundesteuer-Anmeldung: Bello",
		ReceivedAt: time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC),
		Applicant:  model.Applicant{Name: "Jürgen Weiß", Street: "Lindenstraße 5", PostalCode: "12345", City: "Musterhausen"},
	}
	tpl, _ := decision.TemplateByID("gebuehrenbescheid")
	date := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	letter, err := decision.Fill(tpl, c, decision.Data{
		Letterhead: decision.Letterhead{Authority: "Gemeinde Musterhausen", Street: "Rathausplatz 1",
			PostalCode: "12345", City: "Musterhausen", IBAN: "DE02 1203 0000 0000 2020 51",
			BIC: "BYLADEM1001", BankName: "Sparkasse Musterhausen"},
		Clerk: model.Clerk{Name: "Martina Becker"},
		Date:  date,
		Fee:   &decision.Fee{Cents: 4500, Due: date.AddDate(0, 1, 0)},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(letter.Blocks[2].Text)
	pdf, err := decision.Render(letter, decision.RenderOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(bytes.HasPrefix(pdf, []byte("%PDF-1.4")))

	_, err = decision.Fill(tpl, c, decision.Data{Date: date})
	fmt.Println(err)
	// Output:
	// für die Bearbeitung Ihres Antrags „Hundesteuer-Anmeldung: Bello“ wird eine Verwaltungsgebühr in Höhe von 45,00 € festgesetzt.
	// true
	// Für den Platzhalter {{gebuehr}} fehlt ein Wert.
}
