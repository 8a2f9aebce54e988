package main

import (
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/ozgcloud/desktop/demo"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"
)

// finalCases calls fn with each demo case in the state the store holds after
// demo.Seed: created as store.Import creates it (ID, file number, status and target
// deadline filled in the same way), then every step applied with model.Apply in
// order. assigneeName is the clerk's display name for the row.
func finalCases(n int, seed int64, now time.Time, fn func(c *model.Case, assigneeName string) error) error {
	names := map[string]string{}
	for _, c := range demo.Clerks() {
		names[c.ID] = c.Name
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return fmt.Errorf("bench: load time zone: %w", err)
	}
	mu := demo.Musterhausen()
	counters := map[string]uint64{}
	creator := demo.System()
	seq := 0
	return demo.Generate(seed, n, now, func(d demo.Case) error {
		seq++
		c := d.Case
		if c.ID == "" {
			c.ID = fmt.Sprintf("bench-%08d", seq)
		}
		c.FillDefaults(mu.Tenant, mu.OrgUnit)
		t, _ := model.CaseTypeByCode(c.Type)
		if c.FileNumber == "" {
			// The store counts file numbers per prefix, year (in its time zone) and device.
			year := c.ReceivedAt.In(berlin).Year()
			key := fmt.Sprintf("%s|%d", t.Prefix, year)
			counters[key]++
			c.FileNumber = model.FileNumber(t.Prefix, year, counters[key], demo.DeviceCode)
		}
		m, err := model.NewMutation(c.ID, model.KindCreate, model.CreatePayload{Case: c})
		if err != nil {
			return err
		}
		m.At, m.User = c.ReceivedAt.UTC(), creator.ID
		var cur model.Case
		if _, err := model.Apply(&cur, m, creator); err != nil {
			return fmt.Errorf("bench: create case %d: %w", seq, err)
		}
		for j, s := range d.Steps {
			m, err := model.NewMutation(cur.ID, s.Kind, s.Payload)
			if err != nil {
				return err
			}
			m.At, m.User = s.At.UTC(), s.Actor.ID
			if s.At.IsZero() {
				m.At = now.UTC()
			}
			if _, err := model.Apply(&cur, m, s.Actor); err != nil {
				return fmt.Errorf("bench: case %d step %d (%s): %w", seq, j, s.Kind, err)
			}
		}
		return fn(&cur, names[cur.Assignee])
	})
}

// buildLite writes the demo cases into a new SQLite file at path.
func buildLite(path string, n int, seed int64, now time.Time) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(off)&_pragma=synchronous(off)&_pragma=cache_size(-262144)")
	if err != nil {
		return fmt.Errorf("%w: create %s: %w", errSQLite, path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(schema); err != nil {
		return fmt.Errorf("%w: schema: %w", errSQLite, err)
	}
	tx, err := db.Begin()
	if err != nil {
		return fmt.Errorf("%w: begin: %w", errSQLite, err)
	}
	defer tx.Rollback()
	insCase, err := tx.Prepare(`INSERT INTO cases (rid, id, file_number, applicant, applicant_key,
		type, type_name, type_key, received, status, status_rank, assignee, assignee_name,
		assignee_key, deadline, next_followup, finished) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return fmt.Errorf("%w: prepare insert: %w", errSQLite, err)
	}
	insFTS, err := tx.Prepare(`INSERT INTO fts (rowid, tokens) VALUES (?, ?)`)
	if err != nil {
		return fmt.Errorf("%w: prepare insert: %w", errSQLite, err)
	}
	rid := int64(0)
	err = finalCases(n, seed, now, func(c *model.Case, assigneeName string) error {
		rid++
		r := index.RowOf(c, assigneeName)
		deadline := int64(noDeadline)
		if r.Deadline != 0 {
			deadline = int64(r.Deadline)
		}
		var follow any
		if r.NextFollowUp != 0 {
			follow = int64(r.NextFollowUp)
		}
		assigneeKey := noAssignee
		if r.Assignee != "" {
			assigneeKey = index.Fold(r.AssigneeName) + "\x01" + r.Assignee
		}
		if _, err := insCase.Exec(rid, r.ID, r.FileNumber, r.Applicant, index.Fold(r.Applicant),
			r.Type, r.TypeName, index.Fold(r.TypeName)+"\x01"+r.Type, r.ReceivedAt,
			string(r.Status), statusRank(r.Status), r.Assignee, r.AssigneeName, assigneeKey,
			deadline, follow, r.Finished); err != nil {
			return fmt.Errorf("%w: insert case %s: %w", errSQLite, r.FileNumber, err)
		}
		if _, err := insFTS.Exec(rid, strings.Join(r.Tokens, " ")); err != nil {
			return fmt.Errorf("%w: insert tokens of %s: %w", errSQLite, r.FileNumber, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%w: commit: %w", errSQLite, err)
	}
	if _, err := db.Exec(indexes); err != nil {
		return fmt.Errorf("%w: indexes: %w", errSQLite, err)
	}
	if _, err := db.Exec(`INSERT INTO fts(fts) VALUES('optimize')`); err != nil {
		return fmt.Errorf("%w: optimize fts: %w", errSQLite, err)
	}
	return nil
}

// statusRank is the lifecycle order our index sorts statuses by.
func statusRank(s model.Status) int {
	for i, t := range model.Statuses {
		if t == s {
			return i
		}
	}
	return len(model.Statuses)
}
