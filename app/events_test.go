package app

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The UI subscribes to the events Go emits by the names in frontend/src/lib/events.ts.
// These tests keep the two lists equal: same names (EventX on both sides), same values,
// no event on one side only.

const eventsTS = "../frontend/src/lib/events.ts"

// goEvents reads the string constants named Event* declared in the package's Go files
// in dir (tests excepted), wherever they are declared.
func goEvents(dir string) (map[string]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	events := map[string]string{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				v := s.(*ast.ValueSpec)
				for i, id := range v.Names {
					if !strings.HasPrefix(id.Name, "Event") {
						continue
					}
					if i >= len(v.Values) {
						return nil, &eventError{id.Name, "has no value of its own"}
					}
					lit, ok := v.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						return nil, &eventError{id.Name, "is not a string literal (write the event name out)"}
					}
					events[id.Name], _ = strconv.Unquote(lit.Value)
				}
			}
		}
	}
	return events, nil
}

type eventError struct{ name, problem string }

func (e *eventError) Error() string { return "event constant " + e.name + " " + e.problem }

// tsEventLine is how events.ts declares an event: export const EventX = 'name';
var tsEventLine = regexp.MustCompile(`(?m)^export const (Event\w+) = '([^'\\]*)';`)

// tsEvents reads the event constants of events.ts.
func tsEvents(src string) map[string]string {
	events := map[string]string{}
	for _, m := range tsEventLine.FindAllStringSubmatch(src, -1) {
		events[m[1]] = m[2]
	}
	return events
}

// compareEvents lists every difference between Go's events and the UI's, sorted.
func compareEvents(goSide, uiSide map[string]string) []string {
	var diffs []string
	for name, v := range goSide {
		ui, ok := uiSide[name]
		switch {
		case !ok:
			diffs = append(diffs, name+" ("+strconv.Quote(v)+") is emitted by Go but missing in "+eventsTS)
		case ui != v:
			diffs = append(diffs, name+" is "+strconv.Quote(v)+" in Go but "+strconv.Quote(ui)+" in "+eventsTS)
		}
	}
	for name, v := range uiSide {
		if _, ok := goSide[name]; !ok {
			diffs = append(diffs, name+" ("+strconv.Quote(v)+") is in "+eventsTS+" but Go has no such constant")
		}
	}
	sort.Strings(diffs)
	return diffs
}

func TestEventNamesMatchTheUI(t *testing.T) {
	goSide, err := goEvents(".")
	if err != nil {
		t.Fatal(err)
	}
	// The reader must see what the compiler sees.
	for name, v := range map[string]string{
		"EventCasesChanged":   EventCasesChanged,
		"EventFollowUpDue":    EventFollowUpDue,
		"EventMailStatus":     EventMailStatus,
		"EventSyncStatus":     EventSyncStatus,
		"EventSessionChanged": EventSessionChanged,
		"EventScanStatus":     EventScanStatus,
	} {
		if goSide[name] != v {
			t.Errorf("read %s = %q from the Go files, the constant is %q", name, goSide[name], v)
		}
	}
	src, err := os.ReadFile(eventsTS)
	if err != nil {
		t.Fatal(err)
	}
	uiSide := tsEvents(string(src))
	if len(uiSide) == 0 {
		t.Fatalf("no line like \"export const EventX = 'name';\" in %s", eventsTS)
	}
	for _, d := range compareEvents(goSide, uiSide) {
		t.Error(d)
	}
}

func TestCompareEventsFindsEveryDifference(t *testing.T) {
	goSide := map[string]string{"EventA": "a:changed", "EventB": "b:due", "EventGoOnly": "go:only"}
	ui := tsEvents(`// events
export const EventA = 'a:changed';
export const EventB = 'b:Due';
export const EventUIOnly = 'ui:only';
const EventPrivate = 'not:exported';
`)
	got := compareEvents(goSide, ui)
	want := []string{
		`EventB is "b:due" in Go but "b:Due" in ` + eventsTS,
		`EventGoOnly ("go:only") is emitted by Go but missing in ` + eventsTS,
		`EventUIOnly ("ui:only") is in ` + eventsTS + ` but Go has no such constant`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("compareEvents:\n got %q\nwant %q", got, want)
	}
	if d := compareEvents(goSide, goSide); len(d) != 0 {
		t.Errorf("equal sides differ: %q", d)
	}
}

func TestGoEventsRefusesComputedNames(t *testing.T) {
	dir := t.TempDir()
	src := "package x\n\nconst prefix = \"x:\"\n\nconst EventX = prefix + \"y\"\n"
	if err := os.WriteFile(filepath.Join(dir, "x.go"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := goEvents(dir); err == nil || !strings.Contains(err.Error(), "EventX") {
		t.Errorf("goEvents = %v, want an error naming EventX", err)
	}
}
