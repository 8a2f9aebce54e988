package boltstore

import (
	"testing"

	"github.com/ozgcloud/desktop/cloud/storagetest"
)

// TestCommentGrowth is the regression test of issue 11, finding 1, on bbolt: 1,000
// comments of 1 KB on one case grew the file by about 500 MB (every log entry held
// the whole case). The size is bbolt's high-water mark, the pages the file needs
// (the file itself grows in larger steps ahead of it).
func TestCommentGrowth(t *testing.T) {
	s := open(t).(*Store)
	s.SetNoSync(true)
	size := func() int64 {
		n, err := s.Size()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	grew := storagetest.CommentGrowth(t, s, size)
	t.Logf("1,000 comments of 1 KB on one case: the file needs %.2f MB more", float64(grew)/(1<<20))
}
