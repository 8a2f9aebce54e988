package mail

import (
	"bufio"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// TLSMode says how the connection to the IMAP server is protected.
type TLSMode string

const (
	TLSImplicit TLSMode = "tls"      // port 993
	TLSStartTLS TLSMode = "starttls" // port 143, upgraded
	TLSNone     TLSMode = "none"     // only to a loopback address
)

// Config is the mailbox the administration entered.
type Config struct {
	Host     string
	Port     int
	TLS      TLSMode
	User     string
	Password string
	Folder   string // default INBOX
	// CAFile, when set, is a PEM file with the CA certificates the server's
	// certificate must chain to, instead of the system's.
	CAFile string
	// Timeout bounds every wait for the server (default 30 s); a server silent for
	// longer is disconnected.
	Timeout time.Duration
	// MaxSize is the largest message fetched (default DefaultMaxSize); a larger one
	// stays in the mailbox and is listed as not fetched.
	MaxSize int64
}

// DefaultMaxSize is the default of Config.MaxSize: well above what mail servers
// accept, so only a broken or hostile message is refused.
const DefaultMaxSize = 200 << 20

// Folder and keyword that mark imported mail.
const (
	ImportedFolder  = "Importiert"
	ImportedKeyword = "$Importiert"
	// BatchSize is how many UIDs go into one FETCH or MOVE.
	BatchSize = 100
)

// Conn is a logged-in connection with the watched folder selected. Its methods must
// not be called concurrently.
type Conn struct {
	c        *imapclient.Client
	cfg      Config
	validity uint32
	caps     imap.CapSet
	keyword  bool // server has neither MOVE nor UIDPLUS: mark, never expunge
	created  bool // ImportedFolder exists
	news     chan struct{}
}

// Dial connects, logs in and selects the folder. Errors are *Error.
func Dial(ctx context.Context, cfg Config) (*Conn, error) {
	if cfg.Folder == "" {
		cfg.Folder = "INBOX"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.MaxSize <= 0 {
		cfg.MaxSize = DefaultMaxSize
	}
	if cfg.Port == 0 {
		cfg.Port = 993
		if cfg.TLS != TLSImplicit {
			cfg.Port = 143
		}
	}
	tcfg, err := tlsConfig(cfg)
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	if cfg.TLS == TLSNone && !loopback(cfg.Host) {
		return nil, fail(ErrConfig, ReasonPlainRemote, cfg.Host, nil)
	}
	d := net.Dialer{Timeout: cfg.Timeout}
	dctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	raw, err := d.DialContext(dctx, "tcp", addr)
	if err != nil {
		return nil, fail(ErrUnreachable, ReasonDial, addr, err)
	}
	conn := raw
	if cfg.TLS == TLSImplicit {
		tc := tls.Client(raw, tcfg)
		if err := tc.HandshakeContext(dctx); err != nil {
			raw.Close()
			return nil, tlsError(err, addr)
		}
		conn = tc
	}
	news := make(chan struct{}, 1)
	opts := &imapclient.Options{TLSConfig: tcfg, UnilateralDataHandler: &imapclient.UnilateralDataHandler{
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				select {
				case news <- struct{}{}:
				default:
				}
			}
		},
	}}
	var c *imapclient.Client
	if cfg.TLS == TLSStartTLS {
		err = watch(ctx, cfg.Timeout, raw.Close, func(func()) error {
			var err error
			c, err = imapclient.NewStartTLS(raw, opts)
			return err
		})
		if err != nil {
			raw.Close()
			if errors.Is(err, ErrTimeout) {
				return nil, timeoutError(err)
			}
			if isCertError(err) {
				return nil, tlsError(err, addr)
			}
			return nil, fail(ErrUnreachable, ReasonNoStartTLS, addr, err)
		}
	} else {
		c = imapclient.New(conn, opts)
	}
	m := &Conn{c: c, cfg: cfg, news: news}
	if err := m.wait(ctx, c.WaitGreeting); err != nil {
		c.Close()
		if errors.Is(err, ErrTimeout) {
			return nil, timeoutError(err)
		}
		return nil, fail(ErrUnreachable, ReasonNotIMAP, addr, err)
	}
	if err := m.wait(ctx, c.Login(cfg.User, cfg.Password).Wait); err != nil {
		c.Close()
		if errors.Is(err, ErrTimeout) {
			return nil, timeoutError(err)
		}
		return nil, fail(ErrLogin, ReasonLogin, cfg.User, scrub(err, cfg.Password))
	}
	var caps imap.CapSet
	if err := m.wait(ctx, func() error {
		var err error
		caps, err = c.Capability().Wait()
		return err
	}); err != nil {
		m.Close()
		return nil, m.cmdError(err, "CAPABILITY")
	}
	m.caps = caps
	m.keyword = !caps.Has(imap.CapMove) && !caps.Has(imap.CapUIDPlus) && !caps.Has(imap.CapIMAP4rev2)
	var sel *imap.SelectData
	if err := m.wait(ctx, func() error {
		var err error
		sel, err = c.Select(cfg.Folder, nil).Wait()
		return err
	}); err != nil {
		m.Close()
		if errors.Is(err, ErrTimeout) {
			return nil, timeoutError(err)
		}
		return nil, fail(ErrFolder, ReasonNoFolder, cfg.Folder, err)
	}
	m.validity = sel.UIDValidity
	if m.keyword && !permits(sel.PermanentFlags, ImportedKeyword) {
		m.Close()
		return nil, fail(ErrCapability, ReasonNoMoveMark, ImportedKeyword, nil)
	}
	return m, nil
}

// UIDValidity returns the folder's UIDVALIDITY; UIDs are only comparable within it.
func (m *Conn) UIDValidity() uint32 { return m.validity }

// KeywordMode reports whether imported mail is marked with ImportedKeyword instead of
// being moved, because the server has neither MOVE nor UIDPLUS.
func (m *Conn) KeywordMode() bool { return m.keyword }

// CanIdle reports whether the server announces IDLE.
func (m *Conn) CanIdle() bool { return m.caps.Has(imap.CapIdle) || m.caps.Has(imap.CapIMAP4rev2) }

// WaitNew returns when the server reports a change in the number of messages of the
// folder (IDLE), when max has passed, or when ctx ends (then with ctx's error).
// Without IDLE it just waits max, for polling. A change reported while no one was
// waiting returns at once. An error means the connection is gone.
func (m *Conn) WaitNew(ctx context.Context, max time.Duration) error {
	if err := m.revive(ctx); err != nil {
		return err
	}
	select {
	case <-m.news:
		return nil
	default:
	}
	if !m.CanIdle() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(max):
			return nil
		}
	}
	var cmd *imapclient.IdleCommand
	err := m.wait(ctx, func() error {
		var err error
		cmd, err = m.c.Idle()
		return err
	})
	if err != nil {
		return m.cmdError(err, "IDLE")
	}
	t := time.NewTimer(max)
	defer t.Stop()
	var lost bool
	select {
	case <-m.news:
	case <-t.C:
	case <-ctx.Done():
	case <-m.c.Closed():
		lost = true
	}
	err = m.wait(context.Background(), func() error {
		if err := cmd.Close(); err != nil {
			return err
		}
		return cmd.Wait()
	})
	if err != nil || lost {
		if err == nil {
			err = errors.New("connection closed during IDLE")
		}
		return m.cmdError(err, "IDLE")
	}
	return ctx.Err()
}

// Close logs out and closes the connection; it never waits longer than the timeout.
func (m *Conn) Close() error {
	_ = m.wait(context.Background(), m.c.Logout().Wait)
	return m.c.Close()
}

// Search returns the UIDs in the folder, ascending, not yet marked as imported.
// Mail someone flagged \Deleted (in Thunderbird, say) is left alone.
func (m *Conn) Search(ctx context.Context) ([]imap.UID, error) {
	crit := &imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagDeleted}}
	if m.keyword {
		crit.NotFlag = append(crit.NotFlag, ImportedKeyword)
	}
	var data *imap.SearchData
	err := m.wait(ctx, func() error {
		var err error
		data, err = m.c.UIDSearch(crit, nil).Wait()
		return err
	})
	if err != nil {
		return nil, m.cmdError(err, "SEARCH")
	}
	set, ok := data.All.(imap.UIDSet)
	if !ok {
		return nil, nil // no results come back as an empty set of another type
	}
	uids, ok := set.Nums()
	if !ok {
		return nil, m.cmdError(errors.New("dynamic UID set in SEARCH result"), "SEARCH")
	}
	return uids, nil
}

// Fetched is one message written to a temporary file by Fetch.
type Fetched struct {
	UID    imap.UID
	Path   string // the raw message; the caller removes it
	Size   int64
	SHA256 string // hex, of the raw message
}

// Fetch streams the raw messages with the given UIDs into temporary files in dir,
// BatchSize UIDs per FETCH, without setting \Seen. UIDs that no longer exist are
// left out. On error, the files written so far are removed. A connection the
// watchdog closed after a silent server is dialled anew first, so that one message
// the server never delivers does not keep the others from being fetched.
func (m *Conn) Fetch(ctx context.Context, uids []imap.UID, dir string) ([]Fetched, error) {
	if err := m.revive(ctx); err != nil {
		return nil, err
	}
	var out []Fetched
	for start := 0; start < len(uids); start += BatchSize {
		batch := uids[start:min(start+BatchSize, len(uids))]
		got, err := m.fetchBatch(ctx, batch, dir)
		out = append(out, got...)
		if err != nil {
			RemoveFetched(out)
			return nil, err
		}
	}
	return out, nil
}

// revive dials again when the connection was closed (by the watchdog after a
// timeout, or by the server). The folder must still have the same UIDVALIDITY, or
// the UIDs the caller holds mean other messages.
func (m *Conn) revive(ctx context.Context) error {
	select {
	case <-m.c.Closed():
	default:
		return nil
	}
	n, err := Dial(ctx, m.cfg)
	if err != nil {
		return err
	}
	if n.validity != m.validity {
		n.Close()
		return fail(ErrFolder, ReasonNewValidity, m.cfg.Folder, nil)
	}
	created := m.created
	*m = *n
	m.created = created
	return nil
}

// RemoveFetched deletes the temporary files of fs.
func RemoveFetched(fs []Fetched) {
	for _, f := range fs {
		os.Remove(f.Path)
	}
}

func (m *Conn) fetchBatch(ctx context.Context, uids []imap.UID, dir string) ([]Fetched, error) {
	var out []Fetched
	section := &imap.FetchItemBodySection{Peek: true}
	err := m.watch(ctx, func(alive func()) error {
		cmd := m.c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}})
		defer cmd.Close()
		for {
			msg := cmd.Next()
			if msg == nil {
				break
			}
			var f Fetched
			for {
				item := msg.Next()
				if item == nil {
					break
				}
				switch it := item.(type) {
				case imapclient.FetchItemDataUID:
					f.UID = it.UID
				case imapclient.FetchItemDataBodySection:
					if it.Literal == nil || f.Path != "" {
						continue
					}
					if size := it.Literal.Size(); size > m.cfg.MaxSize {
						return &Error{Kind: ErrTooLarge, Reason: ReasonTooLarge, Size: size, Limit: m.cfg.MaxSize}
					}
					if err := writeTemp(&f, dir, it.Literal, alive); err != nil {
						out = append(out, f)
						return err
					}
				}
			}
			if f.Path == "" {
				continue
			}
			if f.UID == 0 {
				os.Remove(f.Path)
				continue
			}
			out = append(out, f)
		}
		return cmd.Close()
	})
	var own *Error
	switch {
	case err == nil:
		return out, nil
	case errors.As(err, &own) && !errors.Is(err, ErrTimeout):
		return out, err
	default:
		return out, m.cmdError(err, "FETCH")
	}
}

// writeTemp copies a message body to a new file, telling the watchdog it is alive
// after every chunk, so a 50 MB mail on a slow line is not cut off.
func writeTemp(f *Fetched, dir string, r io.Reader, alive func()) error {
	file, err := os.CreateTemp(dir, "mail-*.eml")
	if err != nil {
		return tempError(err)
	}
	f.Path = file.Name()
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(file, h), 64<<10)
	buf := make([]byte, 32<<10)
	for {
		n, rerr := r.Read(buf)
		if n > 0 {
			alive()
			if _, err := bw.Write(buf[:n]); err != nil {
				file.Close()
				return tempError(err)
			}
			f.Size += int64(n)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			file.Close()
			return rerr
		}
	}
	if err := bw.Flush(); err != nil {
		file.Close()
		return tempError(err)
	}
	f.SHA256 = hexSum(h)
	if err := file.Close(); err != nil {
		return tempError(err)
	}
	return nil
}

// MarkImported files the messages as imported: UID MOVE to ImportedFolder (created
// when missing) where the server can move safely, else the keyword ImportedKeyword.
// It never expunges without UIDPLUS and never touches \Seen.
func (m *Conn) MarkImported(ctx context.Context, uids []imap.UID) error {
	if err := m.revive(ctx); err != nil {
		return err
	}
	for start := 0; start < len(uids); start += BatchSize {
		set := imap.UIDSetNum(uids[start:min(start+BatchSize, len(uids))]...)
		if m.keyword {
			err := m.wait(ctx, func() error {
				return m.c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{ImportedKeyword}}, nil).Close()
			})
			if err != nil {
				return m.cmdError(err, "STORE")
			}
			continue
		}
		if err := m.ensureFolder(ctx); err != nil {
			return err
		}
		// Re-checked here: go-imap's fallback without MOVE expunges the whole folder
		// unless UIDPLUS limits it to these UIDs.
		caps := m.c.Caps()
		if !caps.Has(imap.CapMove) && !caps.Has(imap.CapUIDPlus) && !caps.Has(imap.CapIMAP4rev2) {
			return fail(ErrCapability, ReasonMoveGone, "", nil)
		}
		err := m.wait(ctx, func() error {
			_, err := m.c.Move(set, ImportedFolder).Wait()
			return err
		})
		if err != nil {
			return m.cmdError(err, "MOVE")
		}
	}
	return nil
}

func (m *Conn) ensureFolder(ctx context.Context) error {
	if m.created {
		return nil
	}
	err := m.wait(ctx, m.c.Create(ImportedFolder, nil).Wait)
	var ie *imap.Error
	switch {
	case err == nil:
	case errors.As(err, &ie) && (ie.Code == imap.ResponseCodeAlreadyExists || strings.Contains(strings.ToLower(ie.Text), "exist")):
	default:
		if errors.Is(err, ErrTimeout) {
			return timeoutError(err)
		}
		return fail(ErrFolder, ReasonCreateFolder, ImportedFolder, err)
	}
	m.created = true
	return nil
}

// wait runs fn under the watchdog.
func (m *Conn) wait(ctx context.Context, fn func() error) error {
	return watch(ctx, m.cfg.Timeout, m.c.Close, func(func()) error { return fn() })
}

func (m *Conn) watch(ctx context.Context, fn func(alive func()) error) error {
	return watch(ctx, m.cfg.Timeout, m.c.Close, fn)
}

// watch runs fn and closes the connection when the server is silent for longer than
// timeout or ctx ends: go-imap has no reply timeout, a silent server would block
// forever. fn calls alive to show progress.
func watch(ctx context.Context, timeout time.Duration, closeConn func() error, fn func(alive func()) error) error {
	var mu sync.Mutex
	fired := false
	kill := func() {
		mu.Lock()
		fired = true
		mu.Unlock()
		_ = closeConn()
	}
	t := time.AfterFunc(timeout, kill)
	stop := context.AfterFunc(ctx, kill)
	err := fn(func() { t.Reset(timeout) })
	t.Stop()
	stop()
	mu.Lock()
	defer mu.Unlock()
	if fired {
		if ctx.Err() != nil {
			return fmt.Errorf("%w (%v)", ctx.Err(), err)
		}
		return fmt.Errorf("%w after %s: %v", ErrTimeout, timeout, err)
	}
	return err
}

func (m *Conn) cmdError(err error, what string) error {
	if errors.Is(err, ErrTimeout) {
		return timeoutError(err)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fail(ErrProtocol, ReasonRefused, what, err)
}

func permits(flags []imap.Flag, kw imap.Flag) bool {
	for _, f := range flags {
		if f == imap.FlagWildcard || strings.EqualFold(string(f), string(kw)) {
			return true
		}
	}
	return false
}
