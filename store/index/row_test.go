package index

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/model"
)

func sampleRow() Row {
	return Row{
		ID:           "0190f3a2-7c1e-7000-8000-000000000001",
		FileNumber:   "BAU-2026-0042-A7",
		Applicant:    "Jürgen Müller",
		Type:         "BAU",
		TypeName:     "Bauantrag",
		ReceivedAt:   1_780_000_000,
		Status:       model.StatusInBearbeitung,
		Assignee:     "clerk-1",
		AssigneeName: "Anke Jürgensen",
		Deadline:     20_500,
		NextFollowUp: -3,
		Finished:     true,
		Tokens:       Tokens("Jürgen Müller", "BAU-2026-0042-A7", "Bauantrag"),
	}
}

func TestRowRoundTrip(t *testing.T) {
	rows := []Row{
		{},
		sampleRow(),
		{ID: "x", Deadline: math.MaxInt32, NextFollowUp: math.MinInt32, ReceivedAt: math.MinInt64},
		{ID: "y", ReceivedAt: math.MaxInt64, Tokens: []string{""}},
	}
	rows = append(rows, genRows(50, 3)...)
	for _, r := range rows {
		b, err := r.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if b[0] != rowVersion {
			t.Fatalf("first byte %d, want version %d", b[0], rowVersion)
		}
		var got Row
		if err := got.UnmarshalBinary(b); err != nil {
			t.Fatalf("unmarshal %q: %v", r.ID, err)
		}
		if !got.Equal(r) {
			t.Errorf("round trip of %q:\n got %+v\nwant %+v", r.ID, got, r)
		}
	}
}

func TestRowUnmarshalRejects(t *testing.T) {
	good, _ := sampleRow().MarshalBinary()
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"unknown version", append([]byte{2}, good[1:]...)},
		{"truncated", good[:len(good)-1]},
		{"trailing byte", append(slices.Clone(good), 0)},
		{"bad flags", func() []byte {
			r := Row{ID: "a"}
			b, _ := r.MarshalBinary()
			b[len(b)-2] = 7 // flags sit before the token count
			return b
		}()},
		{"string longer than input", []byte{1, 0xff, 0xff, 0x03, 'a'}},
		{"varint overflow", append([]byte{1, 0, 0, 0, 0, 0}, bytes.Repeat([]byte{0xff}, 11)...)},
		{"token count too large", func() []byte {
			r := Row{ID: "a"}
			b, _ := r.MarshalBinary()
			b[len(b)-1] = 0x7f
			return b
		}()},
		{"deadline beyond int32", func() []byte {
			b := []byte{1, 0, 0, 0, 0, 0, 0, 0, 0, 0}
			b = append(b, 0x80, 0x80, 0x80, 0x80, 0x10) // zigzag 2^31
			return append(b, 0, 0, 0)
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sampleRow()
			if err := r.UnmarshalBinary(tt.b); !errors.Is(err, ErrCorruptRow) {
				t.Fatalf("err = %v, want ErrCorruptRow", err)
			}
			if !r.Equal(sampleRow()) {
				t.Error("a failed unmarshal changed the row")
			}
		})
	}
}

func FuzzRowUnmarshal(f *testing.F) {
	for _, r := range append([]Row{{}, sampleRow()}, genRows(5, 9)...) {
		b, _ := r.MarshalBinary()
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	f.Add([]byte{})
	f.Add([]byte{1})
	f.Add([]byte{2, 0, 0})
	f.Add([]byte{1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		var r Row
		if err := r.UnmarshalBinary(b); err != nil {
			if !errors.Is(err, ErrCorruptRow) {
				t.Fatalf("error %v does not wrap ErrCorruptRow", err)
			}
			return
		}
		m, err := r.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var r2 Row
		if err := r2.UnmarshalBinary(m); err != nil {
			t.Fatalf("re-marshalled row does not decode: %v", err)
		}
		if !r2.Equal(r) {
			t.Fatalf("round trip changed the row: %+v != %+v", r2, r)
		}
		if m2, _ := r2.MarshalBinary(); !bytes.Equal(m, m2) {
			t.Fatal("marshalling is not deterministic")
		}
	})
}

func TestRowOf(t *testing.T) {
	legal := time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC)
	target := time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC)
	due1 := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	due2 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	done := due2
	c := &model.Case{
		ID:         "c1",
		FileNumber: "HST-2026-0007-B2",
		Type:       "HUND",
		ReceivedAt: time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC),
		Status:     model.StatusNeu,
		Assignee:   "clerk-2",
		Applicant: model.Applicant{
			Name: "Zoë Öztürk", Street: "Lange Straße 5", PostalCode: "24999",
			City: "Musterhausen", Email: "zoe@example.de",
		},
		Form: []model.FormField{
			{Name: "hund", Label: "Hund", Items: []model.FormField{
				{Name: "name", Label: "Name des Hundes", Value: "Käthe"},
				{Name: "rasse", Label: "Rasse", Value: "Dackel"},
			}},
		},
		LegalDeadline:  &legal,
		TargetDeadline: &target,
		FollowUps: []model.FollowUp{
			{ID: "f1", Due: due1},
			{ID: "f2", Due: due2, DoneAt: &done}, // done: not the next one
		},
	}
	r := RowOf(c, "Björn Petersen")
	want := Row{
		ID: "c1", FileNumber: "HST-2026-0007-B2", Applicant: "Zoë Öztürk", Type: "HUND",
		TypeName: "Hundesteuer-Anmeldung", ReceivedAt: c.ReceivedAt.Unix(), Status: model.StatusNeu,
		Assignee: "clerk-2", AssigneeName: "Björn Petersen",
		Deadline: DayNumber(target), NextFollowUp: DayNumber(due1),
		Tokens: []string{
			"0007", "2026", "24999", "5", "anmeldung", "b2", "dackel", "de", "example",
			"hst", "hst-2026-0007-b2", "hundesteuer", "hundesteuer-anmeldung", "kaethe",
			"kathe", "lange", "musterhausen", "oeztuerk", "ozturk", "strasse", "zoe",
		},
	}
	if !r.Equal(want) {
		t.Errorf("RowOf:\n got %+v\nwant %+v", r, want)
	}

	// No assignee: the given name is ignored; a finished case is marked.
	c.Assignee, c.Status = "", model.StatusAbgeschlossen
	if r := RowOf(c, "Björn Petersen"); r.AssigneeName != "" || !r.Finished {
		t.Errorf("unassigned finished case: AssigneeName %q, Finished %v", r.AssigneeName, r.Finished)
	}
}

func TestDayNumber(t *testing.T) {
	tests := []struct {
		t    time.Time
		want int32
	}{
		{time.Time{}, 0},
		{time.Date(1970, 1, 2, 0, 0, 0, 0, time.UTC), 1},
		{time.Date(2026, 11, 28, 23, 59, 59, 0, time.UTC), 20_785},
		{time.Date(2026, 11, 29, 0, 30, 0, 0, time.FixedZone("CET", 3600)), 20_785}, // UTC date counts
		{time.Date(1969, 12, 31, 12, 0, 0, 0, time.UTC), -1},
	}
	for _, tt := range tests {
		if got := DayNumber(tt.t); got != tt.want {
			t.Errorf("DayNumber(%v) = %d, want %d", tt.t, got, tt.want)
		}
		if tt.want != 0 {
			back := DayTime(tt.want)
			if DayNumber(back) != tt.want || back.Hour() != 0 || back.Location() != time.UTC {
				t.Errorf("DayTime(%d) = %v", tt.want, back)
			}
		}
	}
	if !DayTime(0).IsZero() {
		t.Error("DayTime(0) is not the zero time")
	}
}

func TestRowOverdueFollowUpDue(t *testing.T) {
	tests := []struct {
		r               Row
		overdue, fupDue bool
	}{
		{Row{}, false, false},
		{Row{Deadline: 99}, true, false},
		{Row{Deadline: 100}, false, false},
		{Row{Deadline: 99, Finished: true}, false, false},
		{Row{NextFollowUp: 100}, false, true},
		{Row{NextFollowUp: 101, Finished: true}, false, false},
		{Row{NextFollowUp: 50, Finished: true}, false, true},
	}
	for _, tt := range tests {
		if got := tt.r.Overdue(100); got != tt.overdue {
			t.Errorf("%+v.Overdue(100) = %v", tt.r, got)
		}
		if got := tt.r.FollowUpDue(100); got != tt.fupDue {
			t.Errorf("%+v.FollowUpDue(100) = %v", tt.r, got)
		}
	}
}
