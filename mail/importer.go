package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/emersion/go-imap/v2"
)

// Mailbox is what the importer needs of a connection; *Conn is one.
type Mailbox interface {
	UIDValidity() uint32
	Search(ctx context.Context) ([]imap.UID, error)
	Fetch(ctx context.Context, uids []imap.UID, dir string) ([]Fetched, error)
	MarkImported(ctx context.Context, uids []imap.UID) error
}

var _ Mailbox = (*Conn)(nil)

// Committer turns one parsed mail into a case, or adds it to the case it names, and
// returns only after that is durable (fsynced): the mail is moved away afterwards.
// raw is the original message (kept as .eml); files are the attachments' temporary
// files in the order of m.Attachments. A mail that could not be parsed comes with
// a Message holding only Notes. When the ledger lives in the same store, the
// committer records e (with the case's ID) in the same transaction, so no crash can
// fall between the case and its ledger entry; the Importer records it again, which
// a Ledger must take as a no-op.
type Committer interface {
	Commit(ctx context.Context, raw Fetched, m *Message, files []string, e Entry) (caseID string, err error)
}

// Importer moves new mail from a mailbox into cases, each mail once.
type Importer struct {
	Ledger Ledger
	Commit Committer
	Folder string // the watched folder, as in Config
	// TempDir holds fetched mails and attachments until they are committed.
	TempDir string
	// Skip, when set, names mails not to fetch in this run: mails that could not be
	// fetched before, until a clerk asks to try them again. They are in
	// Result.Skipped while the mailbox still has them.
	Skip func(imap.UID) bool
	Now  func() time.Time
	Log  *slog.Logger
}

// Failure is a mail that could not be imported; it stays in the folder and is tried
// again on the next run.
type Failure struct {
	UID imap.UID
	Err error // an *Error, whose Reason says why
	// Unfetched: the mail could not even be fetched (the server refused it, it is
	// too large, it did not arrive in time, or it could not be written here).
	Unfetched bool
}

// Result says what one run did.
type Result struct {
	Imported int // new cases or messages committed
	Known    int // already in the ledger; only marked as imported now
	Failed   []Failure
	Skipped  []imap.UID // left out by Importer.Skip
}

// Run imports every mail the mailbox offers, BatchSize at a time: fetch, parse,
// commit, record in the ledger, then mark the batch as imported. A crash after the
// commit leaves the mail in the folder, and the ledger keeps the next run from
// importing it again. Errors of the mailbox end the run; errors of single mails
// are in Result.Failed.
func (im *Importer) Run(ctx context.Context, mb Mailbox) (Result, error) {
	var res Result
	uids, err := mb.Search(ctx)
	if err != nil {
		return res, err
	}
	validity := mb.UIDValidity()
	for start := 0; start < len(uids); start += BatchSize {
		batch := uids[start:min(start+BatchSize, len(uids))]
		var done, fetch []imap.UID
		for _, uid := range batch {
			_, ok, err := im.Ledger.ByUID(im.Folder, validity, uint32(uid))
			if err != nil {
				return res, fmt.Errorf("mail: ledger: %w", err)
			}
			switch {
			case ok:
				done = append(done, uid)
				res.Known++
			case im.Skip != nil && im.Skip(uid):
				res.Skipped = append(res.Skipped, uid)
			default:
				fetch = append(fetch, uid)
			}
		}
		fetched, err := im.fetch(ctx, mb, fetch, &res)
		if err != nil {
			return res, err
		}
		if bc, ok := im.Commit.(BatchCommitter); ok && len(fetched) > 1 {
			ok, err := im.batch(ctx, validity, fetched, bc, &res)
			if err != nil {
				return res, err
			}
			done = append(done, ok...)
			fetched = nil
		}
		for _, f := range fetched {
			ok, known, err := im.one(ctx, validity, f)
			os.Remove(f.Path)
			if err != nil {
				if errors.Is(err, errLedger) {
					RemoveFetched(fetched)
					return res, err
				}
				res.Failed = append(res.Failed, Failure{UID: f.UID, Err: err})
				continue
			}
			if ok {
				done = append(done, f.UID)
				if known {
					res.Known++
				} else {
					res.Imported++
				}
			}
		}
		if len(done) > 0 {
			if err := mb.MarkImported(ctx, done); err != nil {
				return res, err
			}
		}
	}
	return res, nil
}

var errLedger = errors.New("mail: ledger")

// fetch fetches uids with one FETCH. When that fails for a reason one message can
// cause, it fetches them one at a time: a message whose own fetch fails goes into
// res.Failed and the others are fetched. Errors that concern the mailbox as a whole
// (it cannot be reached again, the login fails, ctx ended) end the run.
func (im *Importer) fetch(ctx context.Context, mb Mailbox, uids []imap.UID, res *Result) ([]Fetched, error) {
	if len(uids) == 0 {
		return nil, nil
	}
	fetched, err := mb.Fetch(ctx, uids, im.TempDir)
	if err == nil || !messageError(ctx, err) {
		return fetched, err
	}
	if len(uids) == 1 {
		res.Failed = append(res.Failed, unfetched(uids[0], err))
		return nil, nil
	}
	if im.Log != nil {
		im.Log.Warn("mail: batch not fetched, one mail at a time now", "mails", len(uids), "err", err)
	}
	fetched = nil
	for _, uid := range uids {
		got, err := mb.Fetch(ctx, []imap.UID{uid}, im.TempDir)
		if err != nil {
			if !messageError(ctx, err) {
				RemoveFetched(fetched)
				return nil, err
			}
			// The UID only: the error may quote the mail.
			if im.Log != nil {
				im.Log.Warn("mail: not fetched", "uid", uid, "kind", kindOf(err))
			}
			res.Failed = append(res.Failed, unfetched(uid, err))
			continue
		}
		fetched = append(fetched, got...)
	}
	return fetched, nil
}

// messageError reports whether err from a FETCH may be caused by a single message.
func messageError(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	for _, k := range []error{ErrProtocol, ErrTimeout, ErrTooLarge, ErrTempFile} {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}

func kindOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind.Error()
	}
	return "unknown"
}

// unfetched is the failure of a message whose own FETCH failed.
func unfetched(uid imap.UID, err error) Failure {
	return Failure{UID: uid, Err: err, Unfetched: true}
}

// one imports a single fetched mail; known reports that its content was imported
// before under another UID.
func (im *Importer) one(ctx context.Context, validity uint32, f Fetched) (ok, known bool, err error) {
	p, known, err := im.prepare(validity, f)
	if err != nil || known {
		return known, known, err
	}
	defer p.sink.Remove()
	return true, false, im.commitOne(ctx, p)
}

// Pending is a parsed mail waiting to be committed: the arguments of
// Committer.Commit.
type Pending struct {
	Raw   Fetched
	Msg   *Message
	Files []string
	Entry Entry

	sink *FileSink
}

// prepare parses f into temporary files, unless the ledger knows its content (then
// it records the new UID and returns known).
func (im *Importer) prepare(validity uint32, f Fetched) (p *Pending, known bool, err error) {
	entry := Entry{Folder: im.Folder, Validity: validity, UID: uint32(f.UID), SHA256: f.SHA256, At: im.now()}
	prev, seen, err := im.Ledger.ByHash(f.SHA256)
	if err != nil {
		return nil, false, fmt.Errorf("%w: %v", errLedger, err)
	}
	if seen {
		entry.CaseID = prev.CaseID
		if err := im.Ledger.Record(entry); err != nil {
			return nil, false, fmt.Errorf("%w: %v", errLedger, err)
		}
		return nil, true, nil
	}
	file, err := os.Open(f.Path)
	if err != nil {
		return nil, false, fmt.Errorf("mail: open fetched mail: %w", err)
	}
	sink := &FileSink{Dir: im.TempDir}
	msg, perr := (&Parser{Sink: sink}).Parse(file)
	file.Close()
	if perr != nil {
		sink.Remove()
		if !errors.Is(perr, ErrUnreadable) {
			return nil, false, perr
		}
		msg = &Message{Notes: []string{"Die E-Mail war nicht lesbar; sie liegt unverändert als .eml bei."}}
	}
	return &Pending{Raw: f, Msg: msg, Files: sink.Files, Entry: entry, sink: sink}, false, nil
}

func (im *Importer) commitOne(ctx context.Context, p *Pending) error {
	id, err := im.Commit.Commit(ctx, p.Raw, p.Msg, p.Files, p.Entry)
	if err != nil {
		return fail(ErrCommit, ReasonCommit, "", err)
	}
	return im.recorded(p, id)
}

func (im *Importer) recorded(p *Pending, id string) error {
	p.Entry.CaseID = id
	if err := im.Ledger.Record(p.Entry); err != nil {
		return fmt.Errorf("%w: %v", errLedger, err)
	}
	if im.Log != nil {
		// UID and case only: never the sender or subject.
		im.Log.Info("mail imported", "uid", p.Raw.UID, "case", id)
	}
	return nil
}

// BatchCommitter is a Committer that can also commit many mails durably at once,
// all or nothing; the Importer then commits each FETCH batch with one call, and
// falls back to one mail at a time when the batch fails.
type BatchCommitter interface {
	Committer
	CommitBatch(ctx context.Context, batch []*Pending) (caseIDs []string, err error)
}

// batch imports fetched mails with one CommitBatch and returns the UIDs done; it
// removes the fetched files.
func (im *Importer) batch(ctx context.Context, validity uint32, fetched []Fetched, bc BatchCommitter, res *Result) ([]imap.UID, error) {
	defer RemoveFetched(fetched)
	var (
		done    []imap.UID
		pending []*Pending
	)
	defer func() {
		for _, p := range pending {
			p.sink.Remove()
		}
	}()
	for _, f := range fetched {
		p, known, err := im.prepare(validity, f)
		switch {
		case errors.Is(err, errLedger):
			return done, err
		case err != nil:
			res.Failed = append(res.Failed, Failure{UID: f.UID, Err: err})
		case known:
			done = append(done, f.UID)
			res.Known++
		default:
			pending = append(pending, p)
		}
	}
	if len(pending) == 0 {
		return done, nil
	}
	ids, err := bc.CommitBatch(ctx, pending)
	if err != nil || len(ids) != len(pending) {
		if im.Log != nil {
			im.Log.Warn("mail: batch not committed, one mail at a time now", "mails", len(pending), "err", err)
		}
		for _, p := range pending {
			if err := im.commitOne(ctx, p); err != nil {
				if errors.Is(err, errLedger) {
					return done, err
				}
				res.Failed = append(res.Failed, Failure{UID: p.Raw.UID, Err: err})
				continue
			}
			done = append(done, p.Raw.UID)
			res.Imported++
		}
		return done, nil
	}
	for i, p := range pending {
		if err := im.recorded(p, ids[i]); err != nil {
			return done, err
		}
		done = append(done, p.Raw.UID)
		res.Imported++
	}
	return done, nil
}

func (im *Importer) now() time.Time {
	if im.Now != nil {
		return im.Now()
	}
	return time.Now()
}
