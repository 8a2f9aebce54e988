package main

import (
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"

	_ "modernc.org/sqlite" // registers the "sqlite" driver (FTS5 built in)
)

// noDeadline and noAssignee are the sort keys of rows without a value: they sort
// last, as in our index.
const (
	noDeadline = math.MaxInt32
	noAssignee = "\U0010FFFF"
)

// The schema a careful SQLite user would write for this list: one row per case with
// the shown columns, precomputed sort keys (folded names, lifecycle rank) so that every
// ORDER BY walks an index, an index per sort column with the file-number tie-break,
// composite indexes for the filters, and a contentless FTS5 table over the same folded
// tokens our index holds, with prefix indexes for as-you-type search.
const schema = `
CREATE TABLE cases (
	rid           INTEGER PRIMARY KEY,
	id            TEXT NOT NULL UNIQUE,
	file_number   TEXT NOT NULL,
	applicant     TEXT NOT NULL,
	applicant_key TEXT NOT NULL,
	type          TEXT NOT NULL,
	type_name     TEXT NOT NULL,
	type_key      TEXT NOT NULL,
	received      INTEGER NOT NULL,
	status        TEXT NOT NULL,
	status_rank   INTEGER NOT NULL,
	assignee      TEXT NOT NULL,
	assignee_name TEXT NOT NULL,
	assignee_key  TEXT NOT NULL,
	deadline      INTEGER NOT NULL,
	next_followup INTEGER,
	finished      INTEGER NOT NULL
);
CREATE VIRTUAL TABLE fts USING fts5(tokens, content='', detail=none,
	tokenize="unicode61 remove_diacritics 0 tokenchars '-' categories 'L* N* Co M*'",
	prefix='2 3 4');
`

// indexes are created after the bulk insert, which is how one loads SQLite quickly.
const indexes = `
CREATE UNIQUE INDEX cases_file ON cases(file_number);
CREATE INDEX cases_applicant ON cases(applicant_key, file_number);
CREATE INDEX cases_type ON cases(type_key, file_number);
CREATE INDEX cases_received ON cases(received, file_number);
CREATE INDEX cases_status_rank ON cases(status_rank, file_number);
CREATE INDEX cases_assignee_key ON cases(assignee_key, file_number);
CREATE INDEX cases_deadline ON cases(deadline, file_number);
CREATE INDEX cases_status_received ON cases(status, received, file_number);
CREATE INDEX cases_assignee_deadline ON cases(assignee, deadline, file_number);
CREATE INDEX cases_assignee_received ON cases(assignee, received, file_number);
CREATE INDEX cases_open_deadline ON cases(finished, deadline);
CREATE INDEX cases_followup ON cases(next_followup);
ANALYZE;
`

// sortColumn maps a sort key to its column and the index that walks it in order;
// file_number is unique, so it settles ties the way our index does (file number,
// then ID).
var sortColumn = map[index.SortKey]struct{ col, idx string }{
	index.SortFileNumber: {"file_number", "cases_file"},
	index.SortApplicant:  {"applicant_key", "cases_applicant"},
	index.SortType:       {"type_key", "cases_type"},
	index.SortReceived:   {"received", "cases_received"},
	index.SortStatus:     {"status_rank", "cases_status_rank"},
	index.SortAssignee:   {"assignee_key", "cases_assignee_key"},
	index.SortDeadline:   {"deadline", "cases_deadline"},
}

const columns = `id, file_number, applicant, type, type_name, received, status,
	assignee, assignee_name, deadline, next_followup, finished`

// errSQLite marks failures on the SQLite side of the comparison.
var errSQLite = errors.New("bench: sqlite")

// lite is the SQLite side: one connection, so its page cache stays warm, and
// prepared statements per distinct SQL text.
type lite struct {
	db    *sql.DB
	stmts map[string]*sql.Stmt
	walk  map[string]bool // by planKey: the page statement walks the sort index
}

// openLite opens the SQLite file at path with a page cache big enough to hold it
// whole (the fair counterpart of our in-memory index).
func openLite(path string) (*lite, error) {
	dsn := "file:" + path + "?_pragma=cache_size(-262144)&_pragma=temp_store(memory)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("%w: open %s: %w", errSQLite, path, err)
	}
	db.SetMaxOpenConns(1)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("%w: open %s: %w", errSQLite, path, err)
	}
	return &lite{db: db, stmts: map[string]*sql.Stmt{}, walk: map[string]bool{}}, nil
}

func (l *lite) Close() error {
	for _, s := range l.stmts {
		s.Close()
	}
	return l.db.Close()
}

func (l *lite) stmt(text string) (*sql.Stmt, error) {
	if s, ok := l.stmts[text]; ok {
		return s, nil
	}
	s, err := l.db.Prepare(text)
	if err != nil {
		return nil, fmt.Errorf("%w: prepare %q: %w", errSQLite, text, err)
	}
	l.stmts[text] = s
	return s, nil
}

// sqlOf translates q into the count and the page statement and their arguments.
// With walk, a filtered page walks the sort column's index and filters as it goes,
// instead of letting the planner pick the filter's index and sort the matches;
// which is faster depends on how many rows match (see lite.tune).
func sqlOf(q index.Query, walk bool) (count, page string, args []any) {
	var where []string
	match := ftsQuery(q.Text)
	if match != "" {
		where = append(where, "rid IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
		args = append(args, match)
	}
	if len(q.Statuses) > 0 {
		ph := strings.TrimSuffix(strings.Repeat("?,", len(q.Statuses)), ",")
		where = append(where, "status IN ("+ph+")")
		for _, s := range q.Statuses {
			args = append(args, string(s))
		}
	}
	if q.Assignee != "" {
		where = append(where, "assignee = ?")
		args = append(args, q.Assignee)
	}
	if q.Unassigned {
		where = append(where, "assignee = ''")
	}
	if q.Overdue {
		where = append(where, "finished = 0 AND deadline < ?")
		args = append(args, q.Today)
	}
	if q.FollowUpDue {
		where = append(where, "next_followup <= ?")
		args = append(args, q.Today)
	}
	w := ""
	if len(where) > 0 {
		w = " WHERE " + strings.Join(where, " AND ")
	}
	count = "SELECT count(*) FROM cases" + w
	if match != "" && len(where) == 1 {
		// Text alone: FTS5 counts its matches without touching the cases table.
		count = "SELECT count(*) FROM fts WHERE fts MATCH ?"
	}

	sc, ok := sortColumn[q.Sort]
	desc := q.Desc
	if !ok {
		sc, desc = sortColumn[index.SortReceived], true
	}
	col := sc.col
	from := "cases"
	if walk && len(where) > 0 {
		from += " INDEXED BY " + sc.idx
	}
	dir := ""
	if desc {
		dir = " DESC"
	}
	limit := q.Limit
	if limit <= 0 {
		limit = index.DefaultLimit
	}
	order := col + dir
	if col != "file_number" {
		order += ", file_number" + dir
	}
	page = fmt.Sprintf("SELECT %s FROM %s%s ORDER BY %s LIMIT %d OFFSET %d",
		columns, from, w, order, min(limit, index.MaxLimit), max(q.Offset, 0))
	return count, page, args
}

// ftsQuery turns free text into an FTS5 query in which every word, split and folded
// as our index does it, must be the prefix of a token: "Müll Haupt" -> "muell"* "haupt"*.
func ftsQuery(text string) string {
	var terms []string
	for _, f := range index.QueryWords(text) {
		terms = append(terms, `"`+strings.ReplaceAll(f, `"`, `""`)+`"*`)
	}
	return strings.Join(terms, " ")
}

// List answers q the way store.DB.List does: the exact total and one page of rows.
func (l *lite) List(q index.Query) (index.Page, error) {
	return l.list(q, l.walk[planKey(q)])
}

func planKey(q index.Query) string {
	_, page, args := sqlOf(q, false)
	return fmt.Sprint(page, args)
}

// tune times q's page statement with the planner's choice and walking the sort
// index (best of samples each), and makes List use the faster: a careful user looks
// at each list view's plan.
// It reports whether List walks the sort index now.
func (l *lite) tune(q index.Query, samples int) (bool, error) {
	_, planned, _ := sqlOf(q, false)
	_, walked, _ := sqlOf(q, true)
	if planned == walked {
		return false, nil
	}
	tp, err := fastest(samples, func() error { _, err := l.list(q, false); return err })
	if err != nil {
		return false, err
	}
	tw, err := fastest(samples, func() error { _, err := l.list(q, true); return err })
	if err != nil {
		return false, err
	}
	l.walk[planKey(q)] = tw < tp
	return tw < tp, nil
}

func (l *lite) list(q index.Query, walk bool) (index.Page, error) {
	countSQL, pageSQL, args := sqlOf(q, walk)
	cs, err := l.stmt(countSQL)
	if err != nil {
		return index.Page{}, err
	}
	ps, err := l.stmt(pageSQL)
	if err != nil {
		return index.Page{}, err
	}
	var p index.Page
	countArgs := args
	if strings.HasPrefix(countSQL, "SELECT count(*) FROM fts") {
		countArgs = args[:1]
	}
	if err := cs.QueryRow(countArgs...).Scan(&p.Total); err != nil {
		return index.Page{}, fmt.Errorf("%w: count: %w", errSQLite, err)
	}
	rows, err := ps.Query(args...)
	if err != nil {
		return index.Page{}, fmt.Errorf("%w: page: %w", errSQLite, err)
	}
	defer rows.Close()
	p.Rows = make([]index.Row, 0, index.DefaultLimit)
	for rows.Next() {
		var r index.Row
		var status string
		var follow sql.NullInt64
		var deadline int64
		if err := rows.Scan(&r.ID, &r.FileNumber, &r.Applicant, &r.Type, &r.TypeName, &r.ReceivedAt,
			&status, &r.Assignee, &r.AssigneeName, &deadline, &follow, &r.Finished); err != nil {
			return index.Page{}, fmt.Errorf("%w: scan: %w", errSQLite, err)
		}
		r.Status = model.Status(status)
		if deadline != noDeadline {
			r.Deadline = int32(deadline)
		}
		r.NextFollowUp = int32(follow.Int64)
		p.Rows = append(p.Rows, r)
	}
	if err := rows.Err(); err != nil {
		return index.Page{}, fmt.Errorf("%w: page: %w", errSQLite, err)
	}
	return p, nil
}

// explain writes SQLite's plan for the count and the page statement of q.
func (l *lite) explain(w io.Writer, q index.Query) error {
	countSQL, pageSQL, args := sqlOf(q, l.walk[planKey(q)])
	for _, text := range []string{countSQL, pageSQL} {
		a := args
		if strings.HasPrefix(text, "SELECT count(*) FROM fts") {
			a = args[:1]
		}
		rows, err := l.db.Query("EXPLAIN QUERY PLAN "+text, a...)
		if err != nil {
			return fmt.Errorf("%w: explain: %w", errSQLite, err)
		}
		fmt.Fprintf(w, "  %s\n", text)
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				rows.Close()
				return fmt.Errorf("%w: explain: %w", errSQLite, err)
			}
			fmt.Fprintf(w, "    %s\n", detail)
		}
		rows.Close()
	}
	return nil
}
