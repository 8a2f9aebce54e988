// Package pgtest gives tests a real PostgreSQL to run against.
//
// With $OZG_PG_URL set, that server is used: the URL's role must be allowed to create
// databases. Without it, the local Debian cluster is used (PostgreSQL 15, `apt-get
// install postgresql`, see the Makefile's APT list): pgtest starts it with
// `pg_ctlcluster 15 main start` when it is down (as root, as in CI), then, as the
// postgres user over the socket, creates a role with a random password and a
// throw-away database for this test process. Each URL call gets a fresh schema in that
// database (creating a database takes about a second, a schema a millisecond). Main
// drops the database and the role when the tests are done; leftovers of crashed test
// processes are dropped by the next run.
//
// When PostgreSQL is not installed, tests fail in CI (CI set) and are skipped
// elsewhere, saying so.
package pgtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// EnvURL names the environment variable with an admin URL of an existing server.
const EnvURL = "OZG_PG_URL"

// prefix starts the names of every role and database pgtest creates; the process ID
// follows, so a later run can tell leftovers of dead processes.
const prefix = "ozgtest_"

var (
	once    sync.Once
	state   *server
	initErr error
	skipErr bool // initErr means "not available here", not "broken"
	schemas atomic.Int64
)

type server struct {
	dbURL string        // the throw-away database
	admin *pgxpool.Pool // to dbURL, as its owner
	drop  func() error  // drops the database (and the role pgtest made)
}

// errUnavailable marks setups that cannot work on this machine (no PostgreSQL, not
// root), as opposed to a server that misbehaves.
var errUnavailable = errors.New("pgtest: PostgreSQL not available")

// URL returns the URL of a fresh, empty schema (search_path set in the URL) in this
// process's throw-away database; the schema is dropped when t ends.
func URL(t testing.TB) string {
	t.Helper()
	once.Do(func() { state, initErr = setup() })
	if initErr != nil {
		if errors.Is(initErr, errUnavailable) {
			if os.Getenv("CI") != "" {
				t.Fatalf("%v\nCI is set, so this is a failure: install postgresql (make deps) or set %s", initErr, EnvURL)
			}
			t.Skipf("%v\nskipped because CI is not set; in CI (CI=true) this test fails", initErr)
		}
		t.Fatal(initErr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	name := fmt.Sprintf("s%d", schemas.Add(1))
	if _, err := state.admin.Exec(ctx, `CREATE SCHEMA `+name); err != nil {
		t.Fatalf("pgtest: create schema %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := state.admin.Exec(ctx, `DROP SCHEMA `+name+` CASCADE`); err != nil {
			t.Errorf("pgtest: drop schema %s: %v", name, err)
		}
	})
	sep := "?"
	if strings.Contains(state.dbURL, "?") {
		sep = "&"
	}
	return state.dbURL + sep + "search_path=" + name
}

// Main runs the tests and then drops the throw-away database and role. Use it from
// TestMain: os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	if state != nil {
		state.admin.Close()
		if err := state.drop(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: cleanup: %v\n", err)
		}
	}
	return code
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func setup() (*server, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	name := fmt.Sprintf("%s%d_%s", prefix, os.Getpid(), randomHex(4))
	if raw := os.Getenv(EnvURL); raw != "" {
		return setupFromURL(ctx, raw, name)
	}
	return setupLocal(ctx, name)
}

func setupFromURL(ctx context.Context, raw, name string) (*server, error) {
	base, err := url.Parse(raw)
	if err != nil || (base.Scheme != "postgres" && base.Scheme != "postgresql") {
		return nil, fmt.Errorf("pgtest: %s must be a postgres:// URL", EnvURL)
	}
	pool, err := pgxpool.New(ctx, raw)
	if err != nil {
		return nil, fmt.Errorf("pgtest: connect to %s: %w", EnvURL, err)
	}
	if _, err := pool.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		pool.Close()
		return nil, fmt.Errorf("pgtest: create database on %s: %w", EnvURL, err)
	}
	db := *base
	db.Path = "/" + name
	s := &server{dbURL: db.String()}
	s.drop = func() error {
		defer pool.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_, err := pool.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
		return err
	}
	if s.admin, err = pgxpool.New(ctx, s.dbURL); err != nil {
		_ = s.drop()
		return nil, fmt.Errorf("pgtest: connect to the test database: %w", err)
	}
	return s, nil
}

// cluster is one line of pg_lsclusters.
type cluster struct {
	version, name string
	port          int
	online        bool
}

func listClusters(ctx context.Context) ([]cluster, error) {
	out, err := exec.CommandContext(ctx, "pg_lsclusters", "--no-header").Output()
	if err != nil {
		return nil, fmt.Errorf("pgtest: pg_lsclusters: %w", err)
	}
	var list []cluster
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		port, _ := strconv.Atoi(f[2])
		list = append(list, cluster{version: f[0], name: f[1], port: port, online: strings.HasPrefix(f[3], "online")})
	}
	return list, nil
}

// pickCluster prefers 15/main (what the Makefile installs), else the first cluster.
func pickCluster(list []cluster) (cluster, bool) {
	for _, c := range list {
		if c.version == "15" && c.name == "main" {
			return c, true
		}
	}
	if len(list) > 0 {
		return list[0], true
	}
	return cluster{}, false
}

func setupLocal(ctx context.Context, name string) (*server, error) {
	if _, err := exec.LookPath("pg_lsclusters"); err != nil {
		return nil, fmt.Errorf("%w: pg_lsclusters not found (apt-get install postgresql; or set %s)", errUnavailable, EnvURL)
	}
	list, err := listClusters(ctx)
	if err != nil {
		return nil, err
	}
	c, ok := pickCluster(list)
	if !ok {
		return nil, fmt.Errorf("%w: postgresql is installed but has no cluster (pg_createcluster 15 main)", errUnavailable)
	}
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("%w: the tests must run as root to start cluster %s/%s and create a role as the postgres user; or set %s",
			errUnavailable, c.version, c.name, EnvURL)
	}
	if !c.online {
		out, err := exec.CommandContext(ctx, "pg_ctlcluster", c.version, c.name, "start").CombinedOutput()
		if err != nil {
			// Another test process may have started it in the meantime.
			list, lerr := listClusters(ctx)
			if c2, ok := pickCluster(list); lerr != nil || !ok || !c2.online {
				return nil, fmt.Errorf("pgtest: pg_ctlcluster %s %s start: %v: %s", c.version, c.name, err, bytes.TrimSpace(out))
			}
		}
	}
	sweep(ctx)
	password := randomHex(16)
	if err := psql(ctx, fmt.Sprintf(`CREATE ROLE %[1]s LOGIN PASSWORD '%[2]s';
CREATE DATABASE %[1]s OWNER %[1]s;`, name, password)); err != nil {
		return nil, err
	}
	s := &server{}
	s.drop = func() error {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		return psql(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %[1]s WITH (FORCE);\nDROP ROLE IF EXISTS %[1]s;", name))
	}
	s.dbURL = fmt.Sprintf("postgres://%s:%s@127.0.0.1:%d/%s?sslmode=disable", name, password, c.port, name)
	if s.admin, err = pgxpool.New(ctx, s.dbURL); err != nil {
		_ = s.drop()
		return nil, fmt.Errorf("pgtest: connect to the test database: %w", err)
	}
	return s, nil
}

// psql runs sql as the postgres user over the socket.
func psql(ctx context.Context, sql string) error {
	cmd := exec.CommandContext(ctx, "runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", "postgres")
	cmd.Stdin = strings.NewReader(sql)
	cmd.Dir = "/"
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgtest: psql as postgres: %v: %s", err, bytes.TrimSpace(out))
	}
	return nil
}

// sweep drops databases and roles of test processes that are gone (killed before
// Main could clean up). Errors are ignored: a leftover costs disk, not correctness.
func sweep(ctx context.Context) {
	cmd := exec.CommandContext(ctx, "runuser", "-u", "postgres", "--", "psql", "-X", "-At", "-d", "postgres", "-c",
		`SELECT rolname FROM pg_roles WHERE rolname LIKE 'ozgtest\_%' UNION SELECT datname FROM pg_database WHERE datname LIKE 'ozgtest\_%'`)
	cmd.Dir = "/"
	out, err := cmd.Output()
	if err != nil {
		return
	}
	seen := map[string]bool{}
	var sql strings.Builder
	for _, n := range strings.Fields(string(out)) {
		rest, ok := strings.CutPrefix(n, prefix)
		pidText, _, ok2 := strings.Cut(rest, "_")
		pid, err := strconv.Atoi(pidText)
		if !ok || !ok2 || err != nil || seen[n] {
			continue
		}
		seen[n] = true
		if alive(pid) {
			continue
		}
		fmt.Fprintf(&sql, "DROP DATABASE IF EXISTS %[1]s WITH (FORCE);\nDROP ROLE IF EXISTS %[1]s;\n", n)
	}
	if sql.Len() > 0 {
		_ = psql(ctx, sql.String())
	}
}

// alive reports whether process pid exists and is not a zombie (a killed test binary
// whose parent has not reaped it yet is gone for our purposes).
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name in parentheses, which may contain blanks.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) {
		return true
	}
	state := b[i+2]
	return state != 'Z' && state != 'X'
}
