package store_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
	"github.com/ozgcloud/desktop/store/index"
)

// The crash test runs clerk actions in a child process (this test binary re-executed),
// kills it with SIGKILL at a random moment, reopens the store and checks that every
// action the child had reported as committed is there, that every index agrees with
// the cases and that every history chain verifies.

const (
	crashDirEnv  = "OZG_CRASH_DIR"
	crashSeedEnv = "OZG_CRASH_SEED"
	crashRounds  = 60
)

var crashClerk = model.Clerk{ID: "anna", Name: "Anna Becker", Role: model.RoleSachbearbeitung}

// TestCrashChild is the child's body; it does nothing unless the parent started it.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		return
	}
	seed, _ := strconv.ParseUint(os.Getenv(crashSeedEnv), 10, 64)
	if err := crashChild(dir, seed); err != nil {
		fmt.Printf("ERR %v\n", err)
		os.Exit(3)
	}
}

// crashChild acts until it is killed. After each action returns it writes one line
// "OK <case> <history seq> <history hash> [blob sha]": the promise the parent checks.
func crashChild(dir string, seed uint64) error {
	db, err := store.Open(store.Options{Dir: dir, Device: "A7"})
	if err != nil {
		return err
	}
	if err := db.PutClerk(crashClerk); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var ids []string
	for off := 0; ; off += 500 {
		page := db.List(index.Query{Offset: off, Limit: 500})
		for _, r := range page.Rows {
			ids = append(ids, r.ID)
		}
		if off+500 >= page.Total {
			break
		}
	}
	fmt.Println("READY")
	out := bufio.NewWriter(os.Stdout)
	for {
		var (
			c    model.Case
			blob string
			err  error
		)
		switch n := rng.IntN(10); {
		case n == 0 || len(ids) == 0:
			c, err = db.Create(crashClerk, model.Case{
				Type: "BAU", Title: "Carport", ReceivedAt: time.Now(), Channel: model.ChannelPost,
				Applicant: model.Applicant{Name: fmt.Sprintf("Jürgen Müller %d", rng.IntN(1000)), City: "Musterhausen"},
			})
			if err == nil {
				ids = append(ids, c.ID)
			}
		case n <= 3:
			c, err = db.Do(crashClerk, ids[rng.IntN(len(ids))], model.KindComment, model.CommentPayload{Comment: model.Comment{
				ID: fmt.Sprintf("k-%d-%d", seed, rng.Uint64()), At: time.Now(), By: crashClerk.ID, Text: "Rückfrage gestellt",
			}})
		case n <= 5:
			c, err = db.Do(crashClerk, ids[rng.IntN(len(ids))], model.KindFollowUpAdd, model.FollowUpPayload{FollowUp: model.FollowUp{
				ID: fmt.Sprintf("w-%d-%d", seed, rng.Uint64()), Due: model.Day(time.Now(), time.UTC).AddDate(0, 0, rng.IntN(20)-10),
				Reason: "Nachweis prüfen", CreatedAt: time.Now(), By: crashClerk.ID,
			}})
		case n <= 7:
			// Status changes: take whichever action the case allows now.
			id := ids[rng.IntN(len(ids))]
			cur, gerr := db.Case(id)
			if gerr != nil {
				return gerr
			}
			allowed := model.Allowed(&cur, crashClerk.Role)
			if len(allowed) == 0 {
				continue
			}
			act := allowed[rng.IntN(len(allowed))]
			if act == model.ActionBescheiden {
				continue
			}
			c, err = db.Do(crashClerk, id, model.KindTransition, model.TransitionPayload{Action: act, Reason: "Test"})
		case n == 8:
			c, err = db.Do(crashClerk, ids[rng.IntN(len(ids))], model.KindAssign, model.AssignPayload{Assignee: crashClerk.ID})
		default:
			data := make([]byte, 16<<10+rng.IntN(64<<10))
			for i := range data {
				data[i] = byte(rng.Uint32())
			}
			sha, size, perr := db.PutBlob(bytes.NewReader(data))
			if perr != nil {
				return perr
			}
			blob = sha
			c, err = db.Do(crashClerk, ids[rng.IntN(len(ids))], model.KindAttachment, model.AttachmentPayload{Attachment: model.Attachment{
				ID: fmt.Sprintf("a-%d-%d", seed, rng.Uint64()), Name: "scan.bin", MediaType: "application/octet-stream",
				Size: size, SHA256: sha, AddedAt: time.Now(), AddedBy: crashClerk.ID,
			}})
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "OK %s %d %s %s\n", c.ID, c.HistoryHead.Seq, c.HistoryHead.Hash, blob)
		// Flushed after every action: the line leaves the process only once the
		// action has committed.
		if err := out.Flush(); err != nil {
			return err
		}
	}
}

type promise struct {
	caseID string
	seq    uint64
	hash   string
	blob   string
}

func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test starts 60 processes")
	}
	dir := t.TempDir()
	var promises []promise
	rng := rand.New(rand.NewPCG(42, 7))
	for round := 0; round < crashRounds; round++ {
		got, err := runAndKill(t, dir, uint64(round+1), time.Duration(5+rng.IntN(120))*time.Millisecond)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		promises = append(promises, got...)
		verifyPromises(t, dir, promises, round)
	}
	if len(promises) < crashRounds {
		t.Fatalf("only %d actions reported in %d rounds: the child hardly ran", len(promises), crashRounds)
	}
	t.Logf("%d rounds, %d committed actions checked", crashRounds, len(promises))
}

func runAndKill(t *testing.T, dir string, seed uint64, after time.Duration) ([]promise, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, crashSeedEnv+"="+strconv.FormatUint(seed, 10))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var (
		out    []promise
		killed atomic.Bool
	)
	for line := range lines {
		switch {
		case line == "READY":
			time.AfterFunc(after, func() {
				killed.Store(true)
				cmd.Process.Signal(syscall.SIGKILL)
			})
		case strings.HasPrefix(line, "OK "):
			f := strings.Fields(line)
			seq, _ := strconv.ParseUint(f[2], 10, 64)
			p := promise{caseID: f[1], seq: seq, hash: f[3]}
			if len(f) > 4 {
				p.blob = f[4]
			}
			out = append(out, p)
		case strings.HasPrefix(line, "ERR "):
			cmd.Process.Kill()
			cmd.Wait()
			return nil, fmt.Errorf("child: %s", line)
		}
	}
	err = cmd.Wait()
	if !killed.Load() {
		return nil, fmt.Errorf("child ended by itself: %v\n%s", err, stderr.String())
	}
	return out, nil
}

func verifyPromises(t *testing.T, dir string, promises []promise, round int) {
	t.Helper()
	db, err := store.Open(store.Options{Dir: dir, Device: "A7"})
	if err != nil {
		t.Fatalf("round %d: reopen after SIGKILL: %v", round, err)
	}
	defer db.Close()
	if err := db.Check(); err != nil {
		t.Fatalf("round %d: store inconsistent after SIGKILL: %v", round, err)
	}
	for _, p := range promises {
		h, err := db.History(p.caseID)
		if err != nil {
			t.Fatalf("round %d: committed case %s lost: %v", round, p.caseID, err)
		}
		if uint64(len(h)) < p.seq || h[p.seq-1].Hash != p.hash {
			t.Fatalf("round %d: committed action %d of case %s lost (history has %d entries)", round, p.seq, p.caseID, len(h))
		}
		if p.blob != "" {
			path, err := db.BlobPath(p.blob)
			if err != nil {
				t.Fatalf("round %d: committed attachment %s lost: %v", round, p.blob, err)
			}
			b, err := os.ReadFile(path)
			sum := sha256.Sum256(b)
			if err != nil || hex.EncodeToString(sum[:]) != p.blob {
				t.Fatalf("round %d: attachment %s damaged", round, p.blob)
			}
		}
	}
	n, err := db.PendingCount()
	if err != nil || n < len(promises) {
		t.Fatalf("round %d: outbox holds %d mutations, %d actions were committed (%v)", round, n, len(promises), err)
	}
}
