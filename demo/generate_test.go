package demo

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/model"
)

var testNow = time.Date(2026, 11, 28, 10, 30, 0, 0, time.UTC)

func digest(t *testing.T, seed int64, n int) [32]byte {
	t.Helper()
	h := sha256.New()
	enc := json.NewEncoder(h)
	err := Generate(seed, n, testNow, func(c Case) error {
		h.Write(c.Representation)
		return enc.Encode(c)
	})
	if err != nil {
		t.Fatal(err)
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

func TestGenerateDeterministic(t *testing.T) {
	a, b := digest(t, 7, 300), digest(t, 7, 300)
	if a != b {
		t.Fatal("same seed gave different cases")
	}
	if c := digest(t, 8, 300); c == a {
		t.Fatal("different seeds gave the same cases")
	}
}

func TestGenerateStopsOnYieldError(t *testing.T) {
	stop := errors.New("stop")
	count := 0
	err := Generate(1, 100, testNow, func(Case) error {
		count++
		if count == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || count != 3 {
		t.Fatalf("err %v after %d cases", err, count)
	}
	if err := Generate(1, -1, testNow, func(Case) error { return nil }); !errors.Is(err, ErrCount) {
		t.Fatalf("negative n: %v", err)
	}
}

var uuidV7Pattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// replay applies a generated case and its steps with model.Apply as the store would,
// and returns the final case.
func replay(t *testing.T, i int, g Case) model.Case {
	t.Helper()
	nc := g.Case
	if nc.FileNumber != "" {
		t.Fatalf("case %d: file number %q set", i, nc.FileNumber)
	}
	nc.FileNumber = model.FileNumber("TST", 2026, uint64(i+1), DeviceCode)
	m, err := model.NewMutation(nc.ID, model.KindCreate, model.CreatePayload{Case: nc})
	if err != nil {
		t.Fatal(err)
	}
	m.At = nc.ReceivedAt
	var c model.Case
	if _, err := model.Apply(&c, m, System()); err != nil {
		t.Fatalf("case %d: create: %v", i, err)
	}
	prev := nc.ReceivedAt
	for j, s := range g.Steps {
		if s.At.Before(prev) || !s.At.After(nc.ReceivedAt) || !s.At.Before(testNow) {
			t.Fatalf("case %d step %d (%s): time %v out of order (prev %v, received %v)", i, j, s.Kind, s.At, prev, nc.ReceivedAt)
		}
		prev = s.At
		m, err := model.NewMutation(c.ID, s.Kind, s.Payload)
		if err != nil {
			t.Fatal(err)
		}
		m.At = s.At
		if _, err := model.Apply(&c, m, s.Actor); err != nil {
			t.Fatalf("case %d (%s) step %d %s by %s from %s: %v", i, c.Type, j, s.Kind, s.Actor.Role, c.Status, err)
		}
	}
	return c
}

func TestGeneratedStepsApply(t *testing.T) {
	today := model.Day(testNow, mustBerlin(t))
	statuses := map[model.Status]int{}
	types := map[string]int{}
	channels := map[model.Channel]int{}
	ids := map[string]bool{}
	var overdue, followDue, followToday, followFuture, followDone, assigned, unassigned, pending, sent int
	var prevReceived time.Time
	i := -1
	err := Generate(42, 500, testNow, func(g Case) error {
		i++
		// Oldest first, but counter applications move to opening hours on their day.
		if g.Case.ReceivedAt.Before(prevReceived.Add(-24*time.Hour)) || !g.Case.ReceivedAt.Before(testNow) ||
			g.Case.ReceivedAt.Before(testNow.AddDate(-1, 0, -1)) {
			t.Fatalf("case %d received %v", i, g.Case.ReceivedAt)
		}
		prevReceived = g.Case.ReceivedAt
		c := replay(t, i, g)
		for _, id := range append([]string{c.ID, g.RepresentationID}, entryIDs(&c)...) {
			if !uuidV7Pattern.MatchString(id) || ids[id] {
				t.Fatalf("case %d: bad or repeated id %q", i, id)
			}
			ids[id] = true
		}
		statuses[c.Status]++
		types[c.Type]++
		channels[c.Channel]++
		if c.Overdue(today) {
			overdue++
		}
		if !c.Finished() && c.Status != model.StatusNeu {
			if c.Assignee != "" {
				assigned++
			} else {
				unassigned++
			}
		}
		for _, f := range c.FollowUps {
			switch {
			case !f.Open():
				followDone++
			case f.Due.Before(today):
				followDue++
			case f.Due.Equal(today):
				followToday++
			default:
				followFuture++
			}
		}
		for _, m := range c.Messages {
			if m.State == model.MessagePending {
				pending++
			} else {
				sent++
			}
		}
		if c.Type != "SONSTIGES" && len(c.Form) < 2 {
			t.Fatalf("case %d (%s): form too small", i, c.Type)
		}
		if c.Channel == model.ChannelOnline && c.Applicant.Postfach == nil {
			t.Fatalf("case %d: online without Postfach", i)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("statuses %v", statuses)
	t.Logf("types %v channels %v", types, channels)
	t.Logf("overdue %d, follow-ups overdue %d today %d future %d done %d, worked assigned %d unassigned %d, messages pending %d sent %d",
		overdue, followDue, followToday, followFuture, followDone, assigned, unassigned, pending, sent)
	for _, s := range model.Statuses {
		if statuses[s] == 0 {
			t.Errorf("no case in status %s", s)
		}
	}
	if statuses[model.StatusInBearbeitung] < statuses[model.StatusNeu] {
		t.Errorf("expected most cases in work: %v", statuses)
	}
	for _, ct := range model.CaseTypes {
		if ct.Code != "SONSTIGES" && types[ct.Code] == 0 {
			t.Errorf("no case of type %s", ct.Code)
		}
	}
	for name, n := range map[string]int{"overdue cases": overdue, "overdue follow-ups": followDue,
		"follow-ups due today": followToday, "future follow-ups": followFuture, "done follow-ups": followDone,
		"assigned": assigned, "unassigned": unassigned, "pending messages": pending, "sent messages": sent} {
		if n == 0 {
			t.Errorf("no %s", name)
		}
	}
	if len(channels) != 4 {
		t.Errorf("channels %v", channels)
	}
}

func entryIDs(c *model.Case) []string {
	var ids []string
	for _, x := range c.Comments {
		ids = append(ids, x.ID)
	}
	for _, x := range c.FollowUps {
		ids = append(ids, x.ID)
	}
	for _, x := range c.Messages {
		ids = append(ids, x.ID)
	}
	for _, x := range c.Decisions {
		ids = append(ids, x.ID)
	}
	return ids
}

func mustBerlin(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestFormsHoldSearchableWords(t *testing.T) {
	want := map[string][]string{
		"GEWERBE":       {"Betrieb", "Tätigkeit", "Beginn der Tätigkeit", "Betriebsstätte"},
		"BAU":           {"Baugrundstück", "Flurstück", "Vorhaben", "Entwurfsverfasser"},
		"HUND":          {"Name des Hundes", "Rasse", "Chip-Nummer", "Hundehalter"},
		"SONDERNUTZUNG": {"Ort der Sondernutzung", "Zeitraum", "Art"},
		"WOHNGELD":      {"Haushalt", "Einkommen", "Grundmiete"},
		"MELDE":         {"Art der Bescheinigung", "Verwendungszweck", "Anzahl der Ausfertigungen"},
	}
	seen := map[string]bool{}
	err := Generate(3, 200, testNow, func(g Case) error {
		var labels strings.Builder
		var walk func([]model.FormField)
		walk = func(fs []model.FormField) {
			for _, f := range fs {
				labels.WriteString(f.Label + "=" + f.Value + "\n")
				walk(f.Items)
			}
		}
		walk(g.Case.Form)
		for _, w := range want[g.Case.Type] {
			if !strings.Contains(labels.String(), w) {
				t.Errorf("%s form lacks %q:\n%s", g.Case.Type, w, labels.String())
			}
		}
		if !strings.Contains(labels.String(), g.Case.Applicant.Street) && g.Case.Applicant.Street != "" &&
			!strings.Contains(labels.String(), "Straße") {
			t.Errorf("%s form has no address", g.Case.Type)
		}
		seen[g.Case.Type] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for ty := range want {
		if !seen[ty] {
			t.Errorf("type %s not generated", ty)
		}
	}
}

func TestClerks(t *testing.T) {
	roles := map[model.Role]int{}
	for _, c := range Clerks() {
		roles[c.Role]++
		if c.OrgUnit != Musterhausen().OrgUnit || c.Email == "" || c.ID != strings.ToLower(c.ID) {
			t.Errorf("clerk %+v", c)
		}
	}
	if roles[model.RoleSachbearbeitung] != 2 || roles[model.RoleLeitung] != 1 || roles[model.RoleAdministration] != 1 {
		t.Errorf("roles %v", roles)
	}
}

func TestMailFold(t *testing.T) {
	for in, want := range map[string]string{"Müller": "mueller", "Groß": "gross", "Anna-Lena": "anna-lena", "García": "garcia", "Hans Peter": "hans-peter"} {
		if got := mailFold(in); got != want {
			t.Errorf("mailFold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEuro(t *testing.T) {
	for cents, want := range map[int]string{0: "0,00 €", 500: "5,00 €", 123456: "1.234,56 €", 90000000: "900.000,00 €"} {
		if got := euro(cents); got != want {
			t.Errorf("euro(%d) = %q, want %q", cents, got, want)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		var size int
		err := Generate(1, 100_000, testNow, func(c Case) error {
			size += len(c.Representation)
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(size)/100_000, "pdf-bytes/case")
	}
}
