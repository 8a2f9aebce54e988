package decision

import "testing"

// BenchmarkRender renders a two-page decision (the Bewilligung of a demo case); the
// fonts are parsed and compressed once per process, before the timer starts.
func BenchmarkRender(b *testing.B) {
	l := testLetter(b, "bewilligung")
	ws := words(b, render(b, l))
	if len(ws) == 0 || ws[len(ws)-1].page != 2 {
		b.Fatal("the benchmark letter is not two pages long")
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Render(l, RenderOptions{}); err != nil {
			b.Fatal(err)
		}
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
