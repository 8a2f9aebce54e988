package main

import (
	"github.com/ozgcloud/desktop/demo"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"
)

// query is one case-list request, asked of both stores in the same words.
type query struct {
	Key  string // benchmark name
	Name string // table row
	Q    index.Query
}

// queries returns the list and search requests the comparison runs; today is the
// DayNumber the overdue and follow-up filters compare with.
func queries(today int32) []query {
	var qs []query
	for _, k := range index.SortKeys {
		qs = append(qs, query{Key: "sort=" + string(k), Name: "list, sort by " + string(k), Q: index.Query{Sort: k, Limit: 50}})
	}
	qs = append(qs,
		query{Key: "status+received", Name: "status In Bearbeitung, received desc", Q: index.Query{
			Statuses: []model.Status{model.StatusInBearbeitung}, Sort: index.SortReceived, Desc: true, Limit: 50}},
		query{Key: "mine+deadline", Name: "mine, sort by deadline", Q: index.Query{
			Assignee: demo.ClerkSachbearbeitung1, Sort: index.SortDeadline, Limit: 50}},
		query{Key: "overdue", Name: "overdue", Q: index.Query{Overdue: true, Today: today, Limit: 50}},
		query{Key: "followUpDue", Name: "follow-up due", Q: index.Query{FollowUpDue: true, Today: today, Limit: 50}},
		query{Key: "unassigned", Name: "unassigned", Q: index.Query{Unassigned: true, Limit: 50}},
		query{Key: "search=oltm", Name: `search "oltm" (rare surname)`, Q: index.Query{Text: "oltm", Limit: 50}},
		query{Key: "search=schm", Name: `search "schm" (common surname prefix)`, Q: index.Query{Text: "schm", Limit: 50}},
		query{Key: "search=haup", Name: `search "haup" (street)`, Q: index.Query{Text: "haup", Limit: 50}},
		query{Key: "search=gewe", Name: `search "gewe" (case type)`, Q: index.Query{Text: "gewe", Limit: 50}},
	)
	return qs
}
