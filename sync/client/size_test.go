package client

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ozgcloud/desktop/model"
)

// countingConn counts the bytes read from the network.
type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// countReads makes c's connections to the server count what they read into n; call
// it before c's first request.
func countReads(t *testing.T, c *Client, n *atomic.Int64) {
	t.Helper()
	tr := c.remote.(*HTTP).client.Transport.(*http.Transport)
	var d net.Dialer
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return countingConn{Conn: conn, n: n}, nil
	}
}

// maxPullOfOneComment is what a desktop may read to learn of one new comment on a
// case with 10,000 (issue 11).
const maxPullOfOneComment = 64 << 10

// TestPullOneCommentOnLongCase is the regression test of issue 11, finding 1, for
// traffic: a desktop that holds a case with 10,000 comments pulls a colleague's new
// comment on it from the real handler over TLS. Before sync protocol version 2 the
// change carried the whole case (about 1.5 MB here); now it carries the comment.
func TestPullOneCommentOnLongCase(t *testing.T) {
	e := newRealEnv(t)
	dbA, a := e.device("", Options{})
	dbB, b := e.device("", Options{})
	var read atomic.Int64
	countReads(t, a, &read)

	c := newCase("Erika Mustermann")
	c.ID, c.FileNumber, c.Tenant, c.OrgUnit = "case-long", "BAU-2026-0001-"+dbA.DeviceCode(), "t-muster", "ou-1"
	for i := range 10_000 {
		c.Comments = append(c.Comments, model.Comment{ID: fmt.Sprintf("k%05d", i), At: testNow, By: e.anna.ID,
			Text: fmt.Sprintf("%d. Rückfrage an das Bauamt wegen des Lageplans, Antwort steht noch aus.", i)})
	}
	if _, err := dbA.Create(e.anna, c); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a)
	mustSync(t, b)
	if got, err := dbB.Case(c.ID); err != nil || len(got.Comments) != 10_000 {
		t.Fatalf("B holds %d comments (%v)", len(got.Comments), err)
	}
	if _, err := dbB.Do(e.bernd, c.ID, model.KindComment, model.CommentPayload{Comment: model.Comment{ID: "neu", Text: "Lageplan ist da."}}); err != nil {
		t.Fatal(err)
	}
	mustSync(t, b)

	before := read.Load()
	if err := a.pull(context.Background()); err != nil {
		t.Fatal(err)
	}
	n := read.Load() - before
	t.Logf("A read %d bytes to pull one new comment on a case with 10,000 (TLS, HTTP/2, uncompressed on loopback)", n)
	if n > maxPullOfOneComment {
		t.Errorf("pulling one comment read %d bytes, more than %d", n, maxPullOfOneComment)
	}
	got, err := dbA.Case(c.ID)
	if err != nil || len(got.Comments) != 10_001 || got.Comments[10_000].Text != "Lageplan ist da." {
		t.Fatalf("A holds %d comments (%v)", len(got.Comments), err)
	}
	if caseJSON(t, dbA, c.ID) != caseJSON(t, dbB, c.ID) || !strings.Contains(caseJSON(t, dbA, c.ID), "Lageplan ist da.") {
		t.Fatal("A and B hold different cases")
	}
}
