package decision

import "testing"

// BenchmarkRender renders a two-page decision (the Bewilligung of a demo case), with
// the font definitions copied from the cache (as Render does) and, for comparison,
// parsed by fpdf for every document.
func BenchmarkRender(b *testing.B) {
	l := testLetter(b, "bewilligung")
	ws := words(b, render(b, l))
	if len(ws) == 0 || ws[len(ws)-1].page != 2 {
		b.Fatal("the benchmark letter is not two pages long")
	}
	for _, bc := range []struct {
		name   string
		cached bool
	}{{"fonts-cached", true}, {"fonts-parsed", false}} {
		b.Run(bc.name, func(b *testing.B) {
			fontCache = bc.cached
			defer func() { fontCache = true }()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Render(l, RenderOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRenderParallel renders on every core, as a batch print does.
func BenchmarkRenderParallel(b *testing.B) {
	l := testLetter(b, "bewilligung")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := Render(l, RenderOptions{}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
