package decision

import "testing"

// BenchmarkRender renders a two-page decision (the bewilligung of a demo case).
func BenchmarkRender(b *testing.B) {
	l := testLetter(b, "bewilligung")
	if n := len(words(b, render(b, l))); n == 0 {
		b.Fatal("no text")
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Render(l, RenderOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
