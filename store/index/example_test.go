package index_test

import (
	"fmt"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"
)

func ExampleIndex_Query() {
	x := index.New()
	x.PutMany([]index.Row{
		{ID: "1", FileNumber: "BAU-2026-0042-A7", Applicant: "Jürgen Müller", Status: model.StatusNeu,
			Tokens: index.Tokens("Jürgen Müller", "BAU-2026-0042-A7", "Bauantrag")},
		{ID: "2", FileNumber: "GEW-2026-0007-A7", Applicant: "Anna Mueller", Status: model.StatusAngenommen,
			Tokens: index.Tokens("Anna Mueller", "GEW-2026-0007-A7", "Gewerbeanmeldung")},
	})
	for _, text := range []string{"müll", "mull", "bau-2026", "0007", "anna mü"} {
		p := x.Query(index.Query{Text: text, Sort: index.SortFileNumber})
		fmt.Printf("%-9s %d:", text, p.Total)
		for _, r := range p.Rows {
			fmt.Print(" ", r.FileNumber)
		}
		fmt.Println()
	}
	// Output:
	// müll      2: BAU-2026-0042-A7 GEW-2026-0007-A7
	// mull      1: BAU-2026-0042-A7
	// bau-2026  1: BAU-2026-0042-A7
	// 0007      1: GEW-2026-0007-A7
	// anna mü   1: GEW-2026-0007-A7
}

func ExampleFold() {
	fmt.Println(index.Fold("Müller"), index.Fold("MÜLLER"), index.Fold("Straße"), index.Fold("René"))
	// Output: mueller mueller strasse rene
}
