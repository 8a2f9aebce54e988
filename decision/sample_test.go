package decision

import (
	"testing"
	"time"

	"github.com/ozgcloud/desktop/demo"
	"github.com/ozgcloud/desktop/model"
)

var testDate = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

func testLetterhead() Letterhead {
	m := demo.Musterhausen()
	return Letterhead{
		Authority: m.Name, Unit: m.OrgUnitName, Street: m.Street, PostalCode: m.PostalCode, City: m.City,
		Phone: "04321 9876-0", Email: "rathaus@musterhausen.de", Website: "www.musterhausen.de",
		BankName: "Sparkasse Musterhausen", IBAN: "DE02 1203 0000 0000 2020 51", BIC: "BYLADEM1001",
		VerifyURL: "https://ozg-cloud.example/pruefen/",
	}
}

// demoCases returns n demo cases with file numbers, as the store would hold them.
func demoCases(t testing.TB, n int) []model.Case {
	t.Helper()
	var out []model.Case
	i := 0
	err := demo.Generate(7, n, testDate, func(c demo.Case) error {
		i++
		cs := c.Case
		ct, _ := model.CaseTypeByCode(cs.Type)
		cs.FileNumber = model.FileNumber(ct.Prefix, cs.ReceivedAt.Year(), uint64(i), demo.DeviceCode)
		out = append(out, cs)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func testData() Data {
	return Data{
		Letterhead: testLetterhead(),
		Clerk:      demo.Clerks()[0],
		Date:       testDate,
		Fee:        &Fee{Cents: 123450, Due: testDate.AddDate(0, 1, 0)},
		Values: map[string]string{
			"ablehnungsgrund":     "Die erforderlichen Nachweise über die Zuverlässigkeit wurden trotz Erinnerung nicht vorgelegt.",
			"bewilligt":           "Die Sondernutzung wird für die Zeit vom 01.12.2026 bis 31.12.2026 erlaubt.",
			"teilablehnungsgrund": "Für den darüber hinaus beantragten Zeitraum stehen vorrangige öffentliche Belange entgegen.",
		},
	}
}

func testLetter(t testing.TB, templateID string) Letter {
	t.Helper()
	tpl, ok := TemplateByID(templateID)
	if !ok {
		t.Fatalf("no template %s", templateID)
	}
	c := demoCases(t, 1)[0]
	l, err := Fill(tpl, &c, testData())
	if err != nil {
		t.Fatal(err)
	}
	return l
}
