package wire

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"

	"github.com/ozgcloud/desktop/model"
)

// TestEveryModelKindIsKnown guards against a mutation kind added to model but not to
// this protocol version: such a mutation could never be pushed. It reads the kinds
// from model's source, so a new constant there fails this test until wire knows it.
func TestEveryModelKindIsKnown(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "../../model/mutation.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		vs, ok := node.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || !strings.HasPrefix(vs.Names[0].Name, "Kind") || len(vs.Values) != 1 {
			return true
		}
		lit, ok := vs.Values[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		kind, _ := strconv.Unquote(lit.Value)
		n++
		if !KnownKind(model.MutationKind(kind)) {
			t.Errorf("model.%s (%q) is not a kind of protocol version %d", vs.Names[0].Name, kind, Version)
		}
		return true
	})
	if n < 10 {
		t.Fatalf("found only %d kinds in model/mutation.go", n)
	}
}
