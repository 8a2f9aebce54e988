package app

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The page cannot attach a file the clerk did not pick: it names a drop, never a
// path; a drop is added only after the clerk said yes in the native dialog, which
// names the case and every path; a drop is taken once and not after dropLife
// (issue 17).
func TestDroppedFilesOnlyWithTheClerksYes(t *testing.T) {
	a, rt := newApp(t, 0)
	seedClerks(t, a)
	d := mustCase(t, a, postInput)
	clock := now
	a.Attachments.win.now = func() time.Time { return clock }
	dir := t.TempDir()
	secret := filepath.Join(dir, "id_ed25519")
	os.WriteFile(secret, []byte("-----BEGIN OPENSSH PRIVATE KEY-----\n"), 0o600)
	scan := filepath.Join(dir, "Scan.pdf")
	os.WriteFile(scan, []byte("%PDF-1.4\n% scan\n"), 0o600)

	// No drop, or one the page made up: nothing to add, and no question asked.
	for _, id := range []string{"", "1", "../id_ed25519", secret} {
		if _, err := a.AddDroppedFiles(d.ID, id); uiError(t, err).Code != CodeNotFound {
			t.Fatalf("drop %q: %v", id, err)
		}
	}
	if len(rt.asked) != 0 {
		t.Fatalf("asked without a drop: %q", rt.asked)
	}

	// A drop the clerk did not make (Wails delivers drops as a message the page can
	// send too): the native question shows its path, the clerk says no, nothing is
	// added.
	a.Attachments.win.Dropped([]string{secret})
	ev := rt.payloads(EventFilesDropped)
	if len(ev) != 1 {
		t.Fatalf("drop events %v", ev)
	}
	drop := ev[0].(FileDrop)
	if len(drop.Names) != 1 || drop.Names[0] != "id_ed25519" {
		t.Fatalf("drop event names %+v (names only, never paths)", drop)
	}
	got, err := a.AddDroppedFiles(d.ID, drop.ID)
	if err != nil || len(got.Attachments) != 0 {
		t.Fatalf("declined drop: %+v %v", got.Attachments, err)
	}
	if len(rt.asked) != 1 || !strings.Contains(rt.asked[0], secret) || !strings.Contains(rt.asked[0], d.FileNumber) {
		t.Fatalf("the question does not name the case and the path: %q", rt.asked)
	}
	// Taken once: asking again with the same drop adds nothing.
	rt.yes = true
	if _, err := a.AddDroppedFiles(d.ID, drop.ID); uiError(t, err).Code != CodeNotFound {
		t.Fatalf("a declined drop was offered again: %v", err)
	}

	// The clerk's own drop, confirmed: added.
	a.Attachments.win.Dropped([]string{scan})
	drop = rt.payloads(EventFilesDropped)[1].(FileDrop)
	got, err = a.AddDroppedFiles(d.ID, drop.ID)
	if err != nil || len(got.Attachments) != 1 || got.Attachments[0].Name != "Scan.pdf" {
		t.Fatalf("confirmed drop: %+v %v", got.Attachments, err)
	}

	// A drop older than dropLife is gone.
	a.Attachments.win.Dropped([]string{scan})
	drop = rt.payloads(EventFilesDropped)[2].(FileDrop)
	clock = clock.Add(dropLife + time.Second)
	if _, err := a.AddDroppedFiles(d.ID, drop.ID); uiError(t, err).Code != CodeNotFound {
		t.Fatalf("an old drop was added: %v", err)
	}
	if c, _ := a.GetCase(d.ID); len(c.Attachments) != 1 {
		t.Fatalf("%d attachments, want only the confirmed scan", len(c.Attachments))
	}
}

// pathLike names a parameter or an input field that would carry a path to a file
// (an IMAP "Folder" is a mailbox name, not a path).
var pathLike = regexp.MustCompile(`(?i)(path|file|dir)s?$`)

// No bound method takes a path from the page: no string parameter of an exported
// method of a bound service (a type holding base), and no string field of a struct
// such a method takes, is named like a path; and the generated bindings hold no
// method "...FromPath" (issue 17).
func TestNoBoundMethodTakesAPath(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	pkg := pkgs["app"]
	services := map[string]bool{}
	structs := map[string]*ast.StructType{}
	for _, f := range pkg.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				return true
			}
			structs[ts.Name.Name] = st
			for _, fl := range st.Fields.List {
				if id, ok := fl.Type.(*ast.Ident); ok && len(fl.Names) == 0 && id.Name == "base" {
					services[ts.Name.Name] = true
				}
			}
			return true
		})
	}
	if len(services) < 10 {
		t.Fatalf("found only %d bound services: %v", len(services), services)
	}
	checked := 0
	for _, f := range pkg.Files {
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !fn.Name.IsExported() {
				continue
			}
			star, ok := fn.Recv.List[0].Type.(*ast.StarExpr)
			if !ok || !services[star.X.(*ast.Ident).Name] {
				continue
			}
			checked++
			for _, p := range fn.Type.Params.List {
				id, ok := p.Type.(*ast.Ident)
				if !ok {
					continue
				}
				for _, n := range p.Names {
					if id.Name == "string" && pathLike.MatchString(n.Name) {
						t.Errorf("%s.%s takes a path: parameter %s", star.X.(*ast.Ident).Name, fn.Name.Name, n.Name)
					}
				}
				if st := structs[id.Name]; st != nil {
					for _, fl := range st.Fields.List {
						if ft, ok := fl.Type.(*ast.Ident); ok && ft.Name == "string" {
							for _, n := range fl.Names {
								if pathLike.MatchString(n.Name) {
									t.Errorf("%s.%s takes a path: %s.%s", star.X.(*ast.Ident).Name, fn.Name.Name, id.Name, n.Name)
								}
							}
						}
					}
				}
			}
		}
	}
	if checked < 50 {
		t.Fatalf("checked only %d bound methods", checked)
	}
	gen, _ := filepath.Glob("../frontend/wailsjs/go/app/*.d.ts")
	if len(gen) == 0 {
		t.Fatal("no generated bindings in frontend/wailsjs/go/app")
	}
	for _, g := range gen {
		b, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		if regexp.MustCompile(`FromPath`).Match(b) {
			t.Errorf("%s: a generated binding takes a path", g)
		}
	}
}
