package store_test

import (
	"fmt"
	"log"
	"os"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/store/index"
)

func Example() {
	dir, err := os.MkdirTemp("", "ozgcloud-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := store.Open(store.Options{
		Dir:    dir,
		Device: "A7",
		Now:    func() time.Time { return time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	clerk := model.Clerk{ID: "c-anna", Name: "Anna Schmidt", Role: model.RoleSachbearbeitung}
	if err := db.PutClerk(clerk); err != nil {
		log.Fatal(err)
	}
	c, err := db.Create(clerk, model.Case{
		Type:       "BAU",
		Title:      "Carport",
		ReceivedAt: time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC),
		Channel:    model.ChannelPost,
		Applicant:  model.Applicant{Name: "Jürgen Müller", City: "Musterhausen"},
	})
	if err != nil {
		log.Fatal(err)
	}
	c, err = db.Do(clerk, c.ID, model.KindTransition, model.TransitionPayload{Action: model.ActionAnnehmen})
	if err != nil {
		log.Fatal(err)
	}
	_, err = db.Do(clerk, c.ID, model.KindTransition, model.TransitionPayload{Action: model.ActionAbschliessen})
	fmt.Println("refused:", err != nil)

	page := db.List(index.Query{Text: "mueller"})
	fmt.Println(page.Total, page.Rows[0].FileNumber, page.Rows[0].Status)
	h, _ := db.History(c.ID)
	for _, e := range h {
		fmt.Println(e.Seq, e.Summary)
	}
	n, _ := db.PendingCount()
	fmt.Println("pending:", n)
	// Output:
	// refused: true
	// 1 BAU-2026-0001-A7 ANGENOMMEN
	// 1 Vorgang angelegt (Carport, Eingang: Post)
	// 2 Annehmen: Neu → Angenommen
	// pending: 2
}
