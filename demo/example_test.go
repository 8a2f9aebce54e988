package demo_test

import (
	"fmt"
	"time"

	"github.com/ozgcloud/desktop/demo"
)

func ExampleMusterhausen() {
	m := demo.Musterhausen()
	fmt.Println(m.Name, "/", m.OrgUnitName)
	for _, c := range demo.Clerks() {
		fmt.Println(c.ID, c.Name, c.Role.Label())
	}
	// Output:
	// Gemeinde Musterhausen / Bürgerbüro und Ordnungsamt
	// mbecker Martina Becker Sachbearbeitung
	// tschulz Thomas Schulz Sachbearbeitung
	// akrueger Andrea Krüger Sachgebietsleitung
	// jwagner Jens Wagner Administration
}

func ExampleGenerate() {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	var cases, steps int
	err := demo.Generate(1, 100, now, func(c demo.Case) error {
		cases++
		steps += len(c.Steps)
		return nil
	})
	fmt.Println(cases, "cases,", steps > cases, err)
	// Output: 100 cases, true <nil>
}
