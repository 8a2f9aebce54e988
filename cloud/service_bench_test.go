package cloud_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// formOf returns a form tree of about 2 KB.
func formOf(i int) []model.FormField {
	var items []model.FormField
	for j := range 20 {
		items = append(items, model.FormField{
			Name:  fmt.Sprintf("antrag.abschnitt.feld%02d", j),
			Label: "Angabe Nummer " + fmt.Sprint(j) + " zum Vorhaben",
			Value: fmt.Sprintf("Wert %d-%d ", i, j) + strings.Repeat("x", 20),
		})
	}
	return []model.FormField{{Name: "antrag", Label: "Antrag", Items: items}}
}

// seed pushes n cases of about 2 KB of form data through Push, 1,000 per batch.
func seed(b *testing.B, e *env, n int) {
	b.Helper()
	for done := 0; done < n; {
		var batch []model.Mutation
		for ; done < n && len(batch) < wire.MaxPushBatch; done++ {
			c := newCase(fmt.Sprintf("case-%06d", done), fmt.Sprintf("BAU-2026-%04d-%s", done+1, e.a1.Code))
			c.Form = formOf(done)
			batch = append(batch, e.mut(e.a1, e.anna, c.ID, model.KindCreate, model.CreatePayload{Case: c}, nil))
		}
		r := e.push(e.a1, batch...)
		if r.Results[len(r.Results)-1].Status != wire.StatusApplied {
			b.Fatal(r.Results[len(r.Results)-1])
		}
	}
}

// BenchmarkChanges100k pages through a tenant of 100,000 cases the way a fresh
// client does (cursor 0, then each page's cursor, wire.DefaultLimit per page), on
// the service with boltstore: the server's share of the initial sync.
func BenchmarkChanges100k(b *testing.B) {
	const n = 100_000
	e := newEnv(b)
	seed(b, e, n)
	b.Run("json", func(b *testing.B) {
		var bytes int64
		for b.Loop() {
			cursor, count, more := uint64(0), 0, true
			for more {
				body, err := e.svc.ChangesJSON(e.ctx, e.a2, cursor, wire.DefaultLimit)
				if err != nil {
					b.Fatal(err)
				}
				bytes += int64(len(body))
				// The page's cursor and more flag are at the end of the body.
				tail := string(body[strings.LastIndex(string(body), `],"cursor":`)+len(`],"cursor":`):])
				var c uint64
				var m bool
				if _, err := fmt.Sscanf(strings.Replace(tail, `,"more":`, " ", 1), "%d %t}", &c, &m); err != nil {
					b.Fatal(err, tail)
				}
				count += wire.DefaultLimit
				cursor, more = c, m
			}
			if cursor != n {
				b.Fatalf("cursor %d", cursor)
			}
		}
		b.ReportMetric(float64(bytes)/float64(b.N)/1e6, "MB/sync")
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "cases/s")
	})
	b.Run("decoded", func(b *testing.B) {
		for b.Loop() {
			cursor, more := uint64(0), true
			for more {
				p, err := e.svc.Changes(e.ctx, e.a2, cursor, wire.DefaultLimit)
				if err != nil {
					b.Fatal(err)
				}
				cursor, more = p.Cursor, p.More
			}
			if cursor != n {
				b.Fatalf("cursor %d", cursor)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "cases/s")
	})
}

// BenchmarkPush1000 is one push of 1,000 comments queued offline.
func BenchmarkPush1000(b *testing.B) {
	e := newEnv(b)
	seed(b, e, 100)
	for b.Loop() {
		var batch []model.Mutation
		for i := range wire.MaxPushBatch {
			batch = append(batch, e.mut(e.a1, e.anna, fmt.Sprintf("case-%06d", i%100), model.KindComment,
				model.CommentPayload{Comment: model.Comment{ID: fmt.Sprint(i), Text: "Unterlagen nachgereicht."}}, nil))
		}
		e.push(e.a1, batch...)
	}
}

// BenchmarkUpload50MB announces a 50 MB attachment and puts its 50 chunks.
func BenchmarkUpload50MB(b *testing.B) {
	e := newEnv(b)
	data := make([]byte, 50<<20)
	for i := range data {
		data[i] = byte(i * 7 / 3)
	}
	for b.Loop() {
		b.StopTimer()
		data[0]++ // a new blob each round
		req := chunked(data)
		b.StartTimer()
		miss := check(e.svc.MissingChunks(e.ctx, e.a1, req))
		for _, i := range miss.Missing {
			if err := e.svc.PutChunk(e.ctx, e.a1, req.SHA256, i, data[i*wire.ChunkSize:min((i+1)*wire.ChunkSize, len(data))]); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.SetBytes(int64(len(data)))
}

// BenchmarkCommentOnCase is one push of one comment onto a case that holds 10 or
// 10,000 comments (issue 11: a case with 10,000 comments should cost what one with 10
// does), on the service with boltstore without fsync, so that the cost of the push's
// own work shows: reading and writing the case's head, its history entry and its log
// entry. B/push is what the file grows by per push (bbolt's high-water mark).
func BenchmarkCommentOnCase(b *testing.B) {
	for _, n := range []int{10, 10_000} {
		b.Run(fmt.Sprintf("comments=%d", n), func(b *testing.B) {
			st := openBolt(b)
			st.SetNoSync(true)
			e := newEnvOver(b, st, cloud.Options{})
			c := newCase("case-1", "BAU-2026-0001-"+e.a1.Code)
			c.Form = formOf(0)
			e.push(e.a1, e.mut(e.a1, e.anna, c.ID, model.KindCreate, model.CreatePayload{Case: c}, nil))
			comment := func(i int) model.Mutation {
				return e.mut(e.a1, e.anna, c.ID, model.KindComment, model.CommentPayload{Comment: model.Comment{
					ID: fmt.Sprintf("k%06d", i), Text: "Rückfrage an das Bauamt wegen des Lageplans, Antwort steht noch aus."}}, nil)
			}
			for i := 0; i < n; i += wire.MaxPushBatch {
				var batch []model.Mutation
				for j := i; j < min(n, i+wire.MaxPushBatch); j++ {
					batch = append(batch, comment(j))
				}
				e.push(e.a1, batch...)
			}
			before := e.size()
			i := n
			for b.Loop() {
				e.push(e.a1, comment(i))
				i++
			}
			b.ReportMetric(float64(e.size()-before)/float64(b.N), "B/push")
		})
	}
}
