package e2e

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
)

func newCase(rng *rand.Rand, n int) model.Case {
	names := []string{"Jürgen Köhler", "Erika Mustermann", "Ayşe Demir", "Hans Weiß", "Luisa Brandt"}
	name := names[0]
	if rng != nil {
		name = names[rng.IntN(len(names))]
	}
	return model.Case{
		Type:       "BAU",
		Title:      fmt.Sprintf("Antrag %d von %s", n, name),
		ReceivedAt: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC),
		Channel:    model.ChannelCounter,
		Applicant:  model.Applicant{Name: name, Street: "Hauptstraße 1", PostalCode: "12345", City: "Musterstadt"},
		Form:       []model.FormField{{Name: "anliegen", Label: "Anliegen", Value: "Carport im Garten"}},
	}
}

func caseJSON(t testing.TB, db *store.DB, id string) string {
	t.Helper()
	c, err := db.Case(id)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(c)
	return string(b)
}

func commentIDs(c model.Case) []string {
	var ids []string
	for _, k := range c.Comments {
		ids = append(ids, k.ID)
	}
	return ids
}

func followUpIDs(c model.Case) []string {
	var ids []string
	for _, f := range c.FollowUps {
		ids = append(ids, f.ID)
	}
	return ids
}
