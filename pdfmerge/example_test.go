package pdfmerge_test

import (
	"fmt"
	"time"

	"github.com/ozgcloud/desktop/decision"
	"github.com/ozgcloud/desktop/pdfmerge"
)

// Two one-page letters become one file of three pages: the blank second page puts
// the second letter on a front side when printed on both sides.
func ExampleDuplex() {
	var docs [][]byte
	for _, name := range []string{"Erika Mustermann", "Max Beispiel"} {
		pdf, err := decision.Render(decision.Letter{
			Letterhead: decision.Letterhead{Authority: "Gemeinde Musterhausen", Street: "Marktplatz 1", PostalCode: "24999", City: "Musterhausen"},
			Recipient:  []string{name, "Lindenstraße 4", "12345 Musterhausen"},
			FileNumber: "HST-2026-0001-A7", Date: time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC),
			Blocks: []decision.Block{{Kind: decision.KindText, Text: "Ihr Antrag ist bewilligt."}},
		}, decision.RenderOptions{})
		if err != nil {
			fmt.Println(err)
			return
		}
		docs = append(docs, pdf)
	}
	out, blanks, err := pdfmerge.Duplex(docs)
	if err != nil {
		fmt.Println(err)
		return
	}
	merged, err := pdfmerge.Parse(out)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d pages, %d blank\n", merged.Pages(), blanks)
	// Output: 3 pages, 1 blank
}
