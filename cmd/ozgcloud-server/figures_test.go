package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/cloud/cloudtest"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// TestFiguresSlowConnections measures the README's figure for issue 11: the peak
// memory of a real "ozgcloud-server serve" (its own process, default limits) while
// 2,000 connections without a token trickle in their requests (half their heads,
// half enrollment bodies, a byte a second, two from each of 1,000 addresses,
// reconnecting when cut off) and 16 authenticated requests at a time send gzip bodies that inflate
// to 64 MiB, and the push latency of a well-behaved tenant meanwhile. Run with
// LIMITS_FIGURES=1 (LIMITS_FIGURES_SECONDS, default 30); it prints the figures and
// the load average, and fails when the peak passes 300 MB or the p99 100 ms.
func TestFiguresSlowConnections(t *testing.T) {
	if os.Getenv("LIMITS_FIGURES") == "" {
		t.Skip("figures for the README: LIMITS_FIGURES=1")
	}
	seconds, _ := strconv.Atoi(os.Getenv("LIMITS_FIGURES_SECONDS"))
	if seconds <= 0 {
		seconds = 30
	}
	data := filepath.Join(t.TempDir(), "data")
	fp := lastWord(ok(t, "init", "--data", data))
	for _, tenant := range []string{"gut", "angreifer"} {
		ok(t, "tenant", "add", "--data", data, "--id", tenant, "--name", tenant)
		ok(t, "orgunit", "add", "--data", data, "--tenant", tenant, "--id", "ou-"+tenant, "--name", "Amt")
	}
	userOut := ok(t, "user", "add", "--data", data, "--tenant", "gut", "--name", "Anna Amt", "--role", "sachbearbeitung")
	var codes []string
	for range 5 {
		tenant := "angreifer"
		if len(codes) == 0 {
			tenant = "gut"
		}
		codes = append(codes, lastWord(ok(t, "device", "enroll", "--data", data, "--tenant", tenant)))
	}
	srv := startServer(t, "--data", data, "--addr", "127.0.0.1:0")
	host := strings.TrimPrefix(srv.url, "https://")
	client := pinned(fp, 0)
	var devs []wire.EnrollResponse
	for _, code := range codes {
		status, b := request(t, client, "POST", srv.url+wire.PathEnroll, "", strings.NewReader(`{"code":"`+code+`"}`))
		d, err := wire.DecodeEnrollResponse(bytes.NewReader(b), wire.MaxBodySmall)
		if status != 200 || err != nil {
			t.Fatalf("enroll: %d %s %v", status, b, err)
		}
		devs = append(devs, d)
	}
	user := userID(t, userOut)
	base := memory(t, srv.cmd.Process.Pid)
	loadBefore := loadavg()

	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(seconds)*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[string]map[int]int{}
	report := func(who string, status int) {
		mu.Lock()
		defer mu.Unlock()
		if statuses[who] == nil {
			statuses[who] = map[int]int{}
		}
		statuses[who][status]++
	}
	for w := range 2000 {
		wg.Go(func() {
			// Spread over five seconds, as a botnet's connections would be.
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Duration(w) * 2500 * time.Microsecond):
			}
			// Two connections per address, as from a botnet: each is held, not
			// refused at once by a per-address limit (which would make it a
			// reconnection flood instead).
			addr := fmt.Sprintf("127.0.%d.%d", 2+w/500, 1+w%250)
			for ctx.Err() == nil {
				report("slow", trickle(ctx, host, addr, w%2 == 0))
			}
		})
	}
	bomb := gzipBomb()
	gz := &http.Client{Transport: client.Transport, Timeout: time.Minute}
	for w := range 16 {
		wg.Go(func() {
			for ctx.Err() == nil {
				r, _ := http.NewRequest("POST", srv.url+wire.PathPush, bytes.NewReader(bomb))
				r.Header.Set(wire.HeaderVersion, strconv.Itoa(wire.Version))
				r.Header.Set("Authorization", "Bearer "+devs[1+w%4].Token)
				r.Header.Set("Content-Encoding", "gzip")
				resp, err := gz.Do(r)
				if err != nil {
					report("gzip", 0)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				report("gzip", resp.StatusCode)
			}
		})
	}
	peak := base
	wg.Go(func() {
		for ctx.Err() == nil {
			if m := memory(t, srv.cmd.Process.Pid); m > peak {
				mu.Lock()
				peak = m
				mu.Unlock()
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	// The good tenant starts once the slow connections are open.
	time.Sleep(6 * time.Second)
	lat := goodPushes(ctx, t, client, srv.url, devs[0], user)
	wg.Wait()
	hwm := peakMemory(t, srv.cmd.Process.Pid)

	s := slices.Clone(lat)
	slices.Sort(s)
	p := func(q float64) time.Duration { return s[min(len(s)-1, int(q*float64(len(s))))] }
	fmt.Printf("figures (issue 11): %d s of 2,000 slow connections without a token and 16 gzip bodies of 64 MiB inflated at a time\n", seconds)
	fmt.Printf("  server memory: %d MiB before, peak %d MiB resident (VmHWM %d MiB)\n", base>>20, peak>>20, hwm>>20)
	fmt.Printf("  good tenant: %d pushes, p50 %s, p99 %s, max %s\n", len(s), p(0.5).Round(100*time.Microsecond), p(0.99).Round(100*time.Microsecond), s[len(s)-1].Round(time.Millisecond))
	fmt.Printf("  answers: %v\n", statuses)
	fmt.Printf("  load average before: %s, after: %s (machine shared with other work)\n", loadBefore, loadavg())
	if hwm > 300<<20 {
		t.Errorf("peak server memory %d MiB over 300 MB", hwm>>20)
	}
	if p(0.99) > 100*time.Millisecond {
		t.Errorf("good tenant's push p99 %s over 100 ms", p(0.99))
	}
}

// trickle sends a request a byte a second on a new connection from addr until the
// server answers or closes it: its head, or after a whole head an enrollment body.
func trickle(ctx context.Context, host, addr string, head bool) int {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(addr)}, Timeout: 10 * time.Second}
	c, err := tls.DialWithDialer(d, "tcp", host, &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}})
	if err != nil {
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
		return -1
	}
	defer c.Close()
	req := "POST " + wire.PathEnroll + " HTTP/1.1\r\nHost: x\r\n" + wire.HeaderVersion + ": 2\r\nContent-Length: 4000\r\n\r\n"
	slow := `{"code":"` + strings.Repeat("A", 3980)
	if head {
		slow = req
	} else if _, err := io.WriteString(c, req); err != nil {
		return -1
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
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return -2
		case status := <-answer:
			return status
		case <-time.After(time.Second):
		}
		if i < len(slow) {
			c.Write([]byte{slow[i]})
		}
	}
}

// gzipBomb is a push body of 64 MiB of white space, gzip-compressed.
func gzipBomb() []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	io.WriteString(zw, `{"mutations":[`)
	spaces := bytes.Repeat([]byte{' '}, 1<<20)
	for range 64 {
		zw.Write(spaces)
	}
	io.WriteString(zw, `]}`)
	zw.Close()
	return buf.Bytes()
}

// goodPushes comments on a case every 50 ms until ctx ends and returns each push's
// latency.
func goodPushes(ctx context.Context, t *testing.T, c *http.Client, url string, dev wire.EnrollResponse, user string) []time.Duration {
	var lat []time.Duration
	push := func(seq uint64, m model.Mutation) {
		m.Device, m.Seq, m.ID, m.User, m.At = dev.DeviceID, seq, wire.MutationID(dev.DeviceID, seq), user, time.Now().UTC().Truncate(time.Second)
		b, _ := json.Marshal(cloudtest.Push(m))
		start := time.Now()
		status, body := request(t, c, "POST", url+wire.PathPush, dev.Token, bytes.NewReader(b))
		lat = append(lat, time.Since(start))
		if status != 200 {
			t.Errorf("good push %d: %d %s", seq, status, body)
		}
	}
	cs := model.Case{ID: "case-gut", OrgUnit: "ou-gut", FileNumber: "GUT-2026-0001-" + dev.DeviceCode, Type: "GEWERBE", Title: "Gewerbeanmeldung",
		ReceivedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), Channel: model.ChannelCounter, Applicant: model.Applicant{Name: "Erika Mustermann"}, Status: model.StatusNeu}
	m, _ := model.NewMutation(cs.ID, model.KindCreate, model.CreatePayload{Case: cs})
	push(1, m)
	for seq := uint64(2); ctx.Err() == nil; seq++ {
		time.Sleep(50 * time.Millisecond)
		m, _ := model.NewMutation(cs.ID, model.KindComment, model.CommentPayload{Comment: model.Comment{
			ID: fmt.Sprintf("k-%d", seq), At: time.Now().UTC().Truncate(time.Second), By: user, Text: "Rückfrage " + strconv.FormatUint(seq, 10)}})
		push(seq, m)
	}
	return lat
}

// userID takes the clerk's ID from "user add"'s output.
func userID(t *testing.T, out string) string {
	for _, f := range strings.Fields(out) {
		if len(f) == 36 && strings.Count(f, "-") == 4 {
			return f
		}
	}
	t.Fatalf("no user ID in %q", out)
	return ""
}

// memory is the resident memory of process pid (VmRSS); peakMemory its peak
// (VmHWM).
func memory(t *testing.T, pid int) int64     { return procStatus(t, pid, "VmRSS:") }
func peakMemory(t *testing.T, pid int) int64 { return procStatus(t, pid, "VmHWM:") }

func procStatus(t *testing.T, pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == field {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
