package adversarial

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ozgcloud/desktop/sync/wire"
)

// tally counts the statuses an attacker got; a 5xx is a finding (the server blamed
// itself for a client's doing), so is an unexpected status.
type tally struct {
	mu       sync.Mutex
	statuses map[string]map[int]int
	first    map[string]string // attacker and status: the first answer's body
}

func (t *tally) add(attacker string, status int, body []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.statuses[attacker] == nil {
		t.statuses[attacker] = map[int]int{}
	}
	t.statuses[attacker][status]++
	if k := fmt.Sprint(attacker, status); t.first[k] == "" {
		t.first[k] = fmt.Sprintf("%.200s", body)
	}
}

func (t *tally) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var b strings.Builder
	for a, s := range t.statuses {
		fmt.Fprintf(&b, "  %-14s %v\n", a, s)
	}
	return b.String()
}

// attack is one attacker: it runs until ctx ends and reports each answer's status
// (0 for a connection the server closed or refused) and body.
type attack struct {
	name    string
	workers int
	// allowed are the statuses the attacker may see; anything else fails the test.
	allowed []int
	run     func(ctx context.Context, tg *target, worker int, report func(int, []byte))
}

// spaces reads n bytes of JSON white space without holding them.
type spaces struct{ n int64 }

func (s *spaces) Read(p []byte) (int, error) {
	if s.n <= 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(int64(len(p)), s.n)], blanks)
	s.n -= int64(n)
	return n, nil
}

var blanks = bytes.Repeat([]byte{' '}, 64<<10)

// pushOf is a push body of n bytes of white space inside the mutations array of an
// empty push that names a store incarnation, as every push must since protocol 4.
func pushOf(n int64) io.Reader {
	return io.MultiReader(strings.NewReader(`{"incarnation":"a77ac4e5a77ac4e5","mutations":[`), &spaces{n}, strings.NewReader(`]}`))
}

// push1MiB is a push body of 1 MiB, sent with its length.
var push1MiB, _ = io.ReadAll(pushOf(1 << 20))

// bomb is a push body of 64 MiB of white space, gzip-compressed to about 64 KB.
var bomb = func() []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	io.Copy(zw, pushOf(64<<20))
	zw.Close()
	return buf.Bytes()
}()

func attacks() []attack {
	return []attack{
		{name: "flood-no-token", workers: 4, allowed: []int{401}, run: func(ctx context.Context, tg *target, _ int, report func(int, []byte)) {
			c := tg.client(attackerAddr, 10*time.Second)
			for pace(ctx) {
				status, body, _ := request(c, "POST", tg.srv.URL+wire.PathPush, "", bytes.NewReader(push1MiB))
				report(status, body)
			}
		}},
		{name: "flood-token", workers: 12, allowed: []int{200, 429}, run: func(ctx context.Context, tg *target, w int, report func(int, []byte)) {
			c := tg.client(attackerAddr, 30*time.Second)
			for ctx.Err() == nil {
				status, body, _ := request(c, "POST", tg.srv.URL+wire.PathPush, tg.attacker[w%len(tg.attacker)].Token, pushOf(4<<20))
				report(status, body)
			}
		}},
		{name: "gzip-bomb", workers: 8, allowed: []int{413, 429}, run: func(ctx context.Context, tg *target, w int, report func(int, []byte)) {
			c := tg.client(attackerAddr, 30*time.Second)
			for ctx.Err() == nil {
				status, body, _ := request(c, "POST", tg.srv.URL+wire.PathPush, tg.attacker[w%len(tg.attacker)].Token, bytes.NewReader(bomb), "Content-Encoding", "gzip")
				report(status, body)
			}
		}},
		// Slow heads and slow enrollment bodies, each connection sending a byte
		// a second until the server closes it. The connections start spread over
		// two seconds, as a botnet's would.
		{name: "slowloris", workers: slowWorkers(), allowed: []int{0, 400, 408, 429}, run: func(ctx context.Context, tg *target, w int, report func(int, []byte)) {
			// Two connections per address (a slow head and a slow body), as from
			// a botnet: held, not refused at once by a per-address limit, which
			// would make them a reconnection flood instead.
			addr := fmt.Sprintf("127.0.%d.%d", 10+w/500, 1+w%500/2)
			select {
			case <-ctx.Done():
			case <-time.After(time.Duration(w%40) * 50 * time.Millisecond):
			}
			for ctx.Err() == nil {
				status := slowRequest(ctx, tg, addr, w%2 == 0)
				report(status, nil)
				if status == 429 {
					// Told to come back later: a second, so that the run measures
					// slow connections, not the TLS handshakes of a reconnection
					// flood on both ends of this process.
					pace1s(ctx)
				}
			}
		}},
		{name: "streams", workers: 6, allowed: []int{200, 429}, run: func(ctx context.Context, tg *target, w int, report func(int, []byte)) {
			c := tg.client(attackerAddr, 0)
			for ctx.Err() == nil {
				report(holdStream(ctx, c, tg, tg.attacker[w%len(tg.attacker)].Token), nil)
			}
		}},
		{name: "blob-churn", workers: 2, allowed: []int{200, 204, 400, 429}, run: func(ctx context.Context, tg *target, w int, report func(int, []byte)) {
			c := tg.client(attackerAddr, 30*time.Second)
			for ctx.Err() == nil {
				churnBlob(c, tg, tg.attacker[w%len(tg.attacker)].Token, report)
			}
		}},
		// Fills its tenant's storage quota with small files and goes on
		// uploading: refused with 413 quota "storage", the other tenants unharmed.
		{name: "quota", workers: 2, allowed: []int{200, 204, 413, 429, quotaRefused}, run: func(ctx context.Context, tg *target, w int, report func(int, []byte)) {
			c := tg.client(attackerAddr, 30*time.Second)
			for pace(ctx) {
				fillQuota(c, tg, report)
			}
		}},
		{name: "cursor-edges", workers: 1, allowed: []int{200, 400, 429}, run: func(ctx context.Context, tg *target, w int, report func(int, []byte)) {
			c := tg.client(attackerAddr, 10*time.Second)
			for pace(ctx) {
				for _, cur := range []string{"18446744073709551615", "9223372036854775807", "9223372036854775808", "-1", "1e400", strings.Repeat("9", 4000), "0&limit=999999999", "0&limit=-5"} {
					status, body, _ := request(c, "GET", tg.srv.URL+wire.PathChanges+"?cursor="+cur, tg.attacker[0].Token, nil)
					report(status, body)
				}
			}
		}},
		{name: "multipart", workers: 2, allowed: []int{400, 413, 429}, run: func(ctx context.Context, tg *target, w int, report func(int, []byte)) {
			c := tg.client(attackerAddr, 30*time.Second)
			for i := 0; pace(ctx); i++ {
				in, ctype := malformedMultipart(i)
				status, body, _ := request(c, "POST", tg.srv.URL+wire.PathIntake, tg.intake, in, "Content-Type", ctype)
				report(status, body)
			}
		}},
		{name: "enroll-guess", workers: 2, allowed: []int{403, 429}, run: func(ctx context.Context, tg *target, w int, report func(int, []byte)) {
			c := tg.client(attackerAddr, 10*time.Second)
			for pace(ctx) {
				status, body, _ := request(c, "POST", tg.srv.URL+wire.PathEnroll, "", strings.NewReader(`{"code":"AAAA-BBBB-CCCC-DDDD"}`))
				report(status, body)
			}
		}},
	}
}

// slowRequest opens a connection and sends a request a byte a second: its head
// (slowHead) or, after a whole head, an enrollment body. It returns the status the
// server answered with, 0 when it closed the connection without one.
func slowRequest(ctx context.Context, tg *target, addr string, slowHead bool) int {
	c, err := tg.dialTLS(addr)
	if err != nil {
		pace1s(ctx) // refused: come back later, as a bot would
		return 0
	}
	defer c.Close()
	head := "POST " + wire.PathEnroll + " HTTP/1.1\r\nHost: x\r\n" + wire.HeaderVersion + ": " + strconv.Itoa(wire.Version) + "\r\nContent-Length: 4000\r\n\r\n"
	trickle := `{"code":"` + strings.Repeat("A", 3980)
	if !slowHead {
		if _, err := io.WriteString(c, head); err != nil {
			return 0
		}
	} else {
		trickle = head
	}
	answer := make(chan int, 1)
	go func() {
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			answer <- 0
			return
		}
		resp.Body.Close()
		answer <- resp.StatusCode
	}()
	for i := 0; i < len(trickle); i++ {
		select {
		case <-ctx.Done():
			return 0
		case status := <-answer:
			return status
		case <-time.After(time.Second):
		}
		if _, err := c.Write([]byte{trickle[i]}); err != nil {
			break
		}
	}
	select {
	case status := <-answer:
		return status
	case <-ctx.Done():
		return 0
	}
}

// holdStream opens an event stream and reads it until the server ends it.
func holdStream(ctx context.Context, c *http.Client, tg *target, token string) int {
	r, _ := http.NewRequestWithContext(ctx, "GET", tg.srv.URL+wire.PathEvents, nil)
	r.Header.Set(wire.HeaderVersion, strconv.Itoa(wire.Version))
	r.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(r)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode == 429 {
		time.Sleep(100 * time.Millisecond)
	}
	return resp.StatusCode
}

// churnBlob announces a blob of two chunks, uploads only the first, and announces
// it again with another list: uploads that are abandoned and lists that change. A
// chunk it sends after a refused announcement is refused too (400: not announced).
func churnBlob(c *http.Client, tg *target, token string, report func(int, []byte)) {
	chunk := make([]byte, wire.ChunkSize)
	rand.Read(chunk[:64])
	sum := sha256.Sum256(chunk)
	tail := sha256.Sum256([]byte("x"))
	whole := sha256.Sum256(append(chunk, 'x'))
	sha := hex.EncodeToString(whole[:])
	for _, second := range []string{hex.EncodeToString(tail[:]), strings.Repeat("ab", 32)} {
		b, _ := json.Marshal(wire.MissingChunksRequest{SHA256: sha, Size: wire.ChunkSize + 1, ChunkHashes: []string{hex.EncodeToString(sum[:]), second}})
		status, body, _ := request(c, "POST", tg.srv.URL+wire.PathChunks+sha+"/missing", token, bytes.NewReader(b))
		report(status, body)
		status, body, _ = request(c, "PUT", tg.srv.URL+wire.PathChunks+sha+"/chunks/0", token, bytes.NewReader(chunk))
		report(status, body)
	}
}

// malformedMultipart returns the i-th of a cycle of broken intake bodies.
func malformedMultipart(i int) (io.Reader, string) {
	const b = "XyZ"
	ct := "multipart/form-data; boundary=" + b
	switch i % 6 {
	case 0: // no boundary
		return strings.NewReader("--" + b + "\r\n\r\nx"), "multipart/form-data"
	case 1: // cut off in a part's head
		return strings.NewReader("--" + b + "\r\nContent-Disposition: form-data; name=\"formData\"\r\nX-Long: " + strings.Repeat("a", 20000)), ct
	case 2: // formData that is no JSON
		return strings.NewReader("--" + b + "\r\nContent-Disposition: form-data; name=\"formData\"\r\n\r\n{not json\r\n--" + b + "--\r\n"), ct
	case 3: // a formData part far over its limit
		return io.MultiReader(strings.NewReader("--"+b+"\r\nContent-Disposition: form-data; name=\"formData\"\r\n\r\n"), &spaces{8 << 20}), ct
	case 4: // thousands of unknown parts
		return strings.NewReader(strings.Repeat("--"+b+"\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\ny\r\n", 3000) + "--" + b + "--\r\n"), ct
	}
	return strings.NewReader("--" + b + "\r\nContent-Disposition: form-data; name=\"representation\"; filename=\"\u202egnp.exe\"\r\n\r\n%PDF\r\n--" + b + "--\r\n"), ct
}

// slowWorkers is the number of slow connections: 200 in a short run, 1000 in a long
// one. They are in this process, so their TLS handshakes cost its CPU too.
func slowWorkers() int {
	if duration() > time.Minute {
		return 1000
	}
	return 200
}

// fillQuota uploads a new file of 128 KiB: announced, then its one chunk sent.
func fillQuota(c *http.Client, tg *target, report func(int, []byte)) {
	data := make([]byte, 128<<10)
	rand.Read(data[:64])
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	b, _ := json.Marshal(wire.MissingChunksRequest{SHA256: sha, Size: int64(len(data)), ChunkHashes: []string{sha}})
	status, body, _ := request(c, "POST", tg.srv.URL+wire.PathChunks+sha+"/missing", tg.full.Token, bytes.NewReader(b))
	report(status, body)
	if status == 413 {
		if e, err := wire.DecodeError(bytes.NewReader(body), wire.MaxBodySmall); err == nil && e.Code == wire.CodeQuota && e.Reason == "storage" {
			report(quotaRefused, nil)
		}
		return
	}
	status, body, _ = request(c, "PUT", tg.srv.URL+wire.PathChunks+sha+"/chunks/0", tg.full.Token, bytes.NewReader(data))
	report(status, body)
}

// quotaRefused is reported (besides the status) for a 413 that names the storage
// quota.
const quotaRefused = 4130

// pace waits between two requests of a flooding worker and reports whether to go
// on. A worker sends at most a hundred requests a second: the suite is about what
// the limits protect (memory, connections, one tenant from another); a flood at
// line rate costs CPU for every request wherever it is refused, and is for the
// network in front to stop. The attackers run in this process, so their own CPU
// would otherwise count against the good tenant too.
func pace(ctx context.Context) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(10 * time.Millisecond):
		return true
	}
}

// pace1s waits a second or until ctx ends.
func pace1s(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-time.After(time.Second):
	}
}
