package decision

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

const artifactDPI = 80

// TestPageImage renders the first page to PNG with pdftoppm, keeps it in
// test-artifacts/ for people to look at, and checks the marks DIN 5008 puts on the
// left edge.
func TestPageImage(t *testing.T) {
	tool(t, "pdftoppm", "poppler-utils")
	pdf := writeTemp(t, "letter.pdf", render(t, richLetter(t)))
	dir := filepath.Join("..", "test-artifacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	prefix := filepath.Join(dir, "decision-letter")
	run(t, "pdftoppm", "-r", "80", "-png", pdf, prefix)
	f, err := os.Open(prefix + "-1.png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	px := func(mm float64) int { return int(mm * artifactDPI / 25.4) }
	// dark reports whether any pixel in the box around (x0..x1, y mm ± 0.4 mm) is dark.
	dark := func(x0, x1, y float64) bool {
		for x := px(x0); x <= px(x1); x++ {
			for yy := px(y - 0.4); yy <= px(y+0.4); yy++ {
				if gray(img, x, yy) < 160 {
					return true
				}
			}
		}
		return false
	}
	for _, m := range []struct {
		name string
		y    float64
	}{{"fold mark 1", foldMark1}, {"fold mark 2", foldMark2}, {"hole mark", holeMark}} {
		if !dark(4, 7, m.y) {
			t.Errorf("%s missing at %.1f mm", m.name, m.y)
		}
		if dark(4, 7, m.y-4) || dark(4, 7, m.y+4) {
			t.Errorf("%s not alone at %.1f mm", m.name, m.y)
		}
	}
	if !dark(9, 10.5, holeMark) || dark(9, 10.5, foldMark1) {
		t.Error("hole mark should be longer than the fold marks")
	}
}

func gray(img image.Image, x, y int) int {
	r, g, b, _ := img.At(x, y).RGBA()
	return int((r + g + b) / 3 >> 8)
}
