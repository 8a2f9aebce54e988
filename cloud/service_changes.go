package cloud

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"

	"github.com/ozgcloud/desktop/sync/wire"
)

func pageLimit(limit int) int {
	if limit <= 0 {
		return wire.DefaultLimit
	}
	return min(limit, wire.MaxLimit)
}

// Changes is ChangesJSON decoded.
func (s *Service) Changes(ctx context.Context, d Device, cursor uint64, limit int) (wire.ChangesResponse, error) {
	return s.decodePage(s.ChangesJSON(ctx, d, cursor, limit))
}

// ChangesAt is ChangesAtJSON decoded.
func (s *Service) ChangesAt(ctx context.Context, d Device, cursor uint64, epoch string, limit int) (wire.ChangesResponse, error) {
	return s.decodePage(s.ChangesAtJSON(ctx, d, cursor, epoch, limit))
}

func (s *Service) decodePage(b []byte, err error) (wire.ChangesResponse, error) {
	if err != nil {
		return wire.ChangesResponse{}, err
	}
	var resp wire.ChangesResponse
	if err := json.Unmarshal(b, &resp); err != nil {
		return wire.ChangesResponse{}, fmt.Errorf("cloud: changes: decode page: %w", err)
	}
	return resp, nil
}

// ChangesJSON returns one page of the device's tenant's log after cursor, as the JSON
// body of wire.ChangesResponse: the entries after cursor, at most limit of them
// (wire.DefaultLimit when limit <= 0, at most wire.MaxLimit) and about
// wire.MaxPageBytes of them, never ending between two entries of one transaction
// (same wire.Change.Tx; a page that is one transaction longer than that holds it
// whole), with the entries of each case merged into one change at the place of its
// last one (wire.Merge). An entry that is the only one of its case in the page goes
// out as the bytes stored (most of an initial sync); only cases with several entries
// are decoded, merged and encoded again.
func (s *Service) ChangesJSON(ctx context.Context, d Device, cursor uint64, limit int) ([]byte, error) {
	return s.appendChangesJSON(ctx, nil, d, pageQuery{cursor: cursor, limit: limit})
}

// ChangesAtJSON is ChangesJSON for a client that names the epoch of the change at
// its cursor (wire.QueryEpoch, "" for a change from before epochs): when the log
// holds no change at cursor with that epoch (the service was restored from a backup
// that lost it, and may have appended other changes with those seqs since), the
// page is an empty one with Resync set, and the client pulls everything again.
func (s *Service) ChangesAtJSON(ctx context.Context, d Device, cursor uint64, epoch string, limit int) ([]byte, error) {
	return s.appendChangesJSON(ctx, nil, d, pageQuery{cursor: cursor, epoch: epoch, check: true, limit: limit})
}

// pageQuery is what a client asks for: the changes after cursor, at most limit,
// and with check, only if the change at cursor has epoch.
type pageQuery struct {
	cursor uint64
	epoch  string
	check  bool
	limit  int
}

// resyncPage answers a client whose cursor the log does not hold.
const resyncPage = `{"changes":[],"cursor":0,"more":false,"resync":true}`

// appendChangesJSON is ChangesJSON building the page in dst's memory when it is large
// enough, so the HTTP layer can reuse the buffer of a page of MB (a fresh one per
// page cost the initial sync more in zeroing, page faults and garbage than copying
// the changes into it).
func (s *Service) appendChangesJSON(ctx context.Context, dst []byte, d Device, q pageQuery) ([]byte, error) {
	var out []byte
	cursor := q.cursor
	err := s.store.View(ctx, d.Tenant, func(tx TenantTx) error {
		p, err := readPage(tx, dst, q, pageLimit(q.limit), wire.MaxPageBytes)
		if err != nil {
			return err
		}
		if p.resync {
			out = append(dst[:0], resyncPage...)
			return nil
		}
		last, err := tx.LastChange()
		if err != nil {
			return err
		}
		out, err = p.finish(cursor, last)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("cloud: changes of %s after %d: %w", d.Tenant, cursor, err)
	}
	if bytes.HasSuffix(out, []byte(`"resync":true}`)) {
		s.log.Warn("changes: the log holds no change at the client's cursor with its epoch; the client pulls everything again",
			"tenant", d.Tenant, "device", d.ID, "cursor", cursor)
	}
	return out, nil
}

// page is a page of the log being built: the opening of the JSON body and the
// entries' JSON, comma-separated, in buf, and where each entry lies in it.
type page struct {
	buf     []byte
	entries []pageEntry
	resync  bool // the log holds no change at the cursor with the client's epoch
}

type pageEntry struct {
	seq, tx    uint64
	caseID     string
	epoch      string
	start, end int // the entry's JSON is buf[start:end]
}

const pageOpen = `{"changes":[`

// readPage reads the entries of one page after the cursor (see ChangesJSON) into
// dst's memory. Only the page's own bytes are held: the storage hands out one entry
// at a time, asked for at most wire.DefaultLimit at once, so a page that ends early
// on its bytes leaves little of a query unread (PostgreSQL sends a whole answer).
// With q.check the change at the cursor is read first, in the same query, and
// compared with the client's epoch.
func readPage(tx TenantTx, dst []byte, q pageQuery, limit, maxBytes int) (*page, error) {
	p := &page{buf: append(dst[:0], pageOpen...)}
	after := q.cursor
	checking := q.check && q.cursor > 0
	if checking {
		after--
	}
	whole := false // the page is one transaction longer than the limits: read it to its end
	for {
		n := wire.DefaultLimit
		if !whole {
			n = min(n, limit+1-len(p.entries))
		}
		if checking {
			n++
		}
		got, stop := 0, false
		err := tx.EachChange(after, n, func(rc RawChange) (bool, error) {
			got++
			after = rc.Seq
			if checking {
				checking = false
				if rc.Seq != q.cursor || rc.Epoch != q.epoch {
					p.resync, stop = true, true
					return false, nil
				}
				return true, nil
			}
			if len(p.entries) > 0 && (len(p.entries) >= limit || len(p.buf) >= maxBytes) {
				last := p.entries[len(p.entries)-1].tx
				switch {
				case rc.Tx == 0 || rc.Tx != last:
					stop = true
				case p.entries[0].tx != last:
					p.cut(last)
					stop = true
				default:
					whole = true
				}
				if stop {
					return false, nil
				}
			}
			p.add(rc)
			return true, nil
		})
		if err != nil {
			return nil, err
		}
		if checking {
			// Nothing at the cursor: the log ends before it.
			p.resync = true
		}
		if stop || got < n {
			return p, nil
		}
	}
}

func (p *page) add(rc RawChange) {
	if len(p.entries) > 0 {
		p.buf = append(p.buf, ',')
	}
	start := len(p.buf)
	p.buf = append(p.buf, rc.JSON...)
	p.entries = append(p.entries, pageEntry{seq: rc.Seq, tx: rc.Tx, caseID: rc.CaseID, epoch: rc.Epoch, start: start, end: len(p.buf)})
}

// cut drops the entries of transaction tx from the end of the page.
func (p *page) cut(tx uint64) {
	i := len(p.entries)
	for i > 0 && p.entries[i-1].tx == tx {
		i--
	}
	end := p.entries[i].start
	if i > 0 {
		end-- // the comma before it
	}
	p.buf, p.entries = p.buf[:end], p.entries[:i]
}

// finish closes the JSON body: the cursor is the last entry's seq (cursor when there
// is none) with that entry's epoch, and more says whether the log goes on after it
// (last is its end). Cases with several entries are merged first.
func (p *page) finish(cursor, last uint64) ([]byte, error) {
	b, err := p.merged()
	if err != nil {
		return nil, err
	}
	next, epoch := cursor, ""
	if len(p.entries) > 0 {
		e := p.entries[len(p.entries)-1]
		next, epoch = e.seq, e.epoch
	}
	b = append(b, `],"cursor":`...)
	b = strconv.AppendUint(b, next, 10)
	b = append(b, `,"more":`...)
	b = strconv.AppendBool(b, next < last)
	if epoch != "" {
		// Epochs are base64url: nothing to escape.
		b = append(b, `,"epoch":"`...)
		b = append(b, epoch...)
		b = append(b, '"')
	}
	return append(b, '}'), nil
}

// merged returns the page's changes with one change per case: the entries of a case
// that has several are decoded and merged into one at the place of
// its last entry (wire.Merge); all others stay the bytes stored. The page keeps its buffer when
// no case has several entries.
func (p *page) merged() ([]byte, error) {
	count := make(map[string]int, len(p.entries))
	multi := false
	for _, e := range p.entries {
		count[e.caseID]++
		multi = multi || count[e.caseID] > 1
	}
	if !multi {
		return p.buf, nil
	}
	byCase := map[string][]wire.Change{}
	out := make([]byte, 0, len(p.buf))
	out = append(out, pageOpen...)
	for _, e := range p.entries {
		raw := p.buf[e.start:e.end]
		if count[e.caseID] > 1 {
			var ch wire.Change
			if err := json.Unmarshal(raw, &ch); err != nil {
				return nil, fmt.Errorf("decode change %d: %w", e.seq, err)
			}
			chs := append(byCase[e.caseID], ch)
			if len(chs) < count[e.caseID] {
				byCase[e.caseID] = chs
				continue
			}
			delete(byCase, e.caseID)
			m, err := wire.Merge(chs)
			if err != nil {
				return nil, err
			}
			if raw, err = json.Marshal(m); err != nil {
				return nil, fmt.Errorf("encode change %d: %w", e.seq, err)
			}
		}
		if len(out) > len(pageOpen) {
			out = append(out, ',')
		}
		out = append(out, raw...)
	}
	return out, nil
}

// Subscribe returns a channel that receives the tenant's latest change seq whenever it
// grows (coalesced: a slow reader sees only the newest), and a cancel func.
func (s *Service) Subscribe(tenant string) (<-chan uint64, func()) {
	return s.hub.subscribe(tenant)
}

// hub pokes the event streams of a tenant after each commit that appended changes.
// Each subscriber has a buffer of one: a poke replaces an unread one, so a slow
// stream never blocks a push and never falls behind by more than the newest seq.
type hub struct {
	mu   sync.Mutex
	subs map[string]map[chan uint64]struct{}
}

func newHub() *hub { return &hub{subs: map[string]map[chan uint64]struct{}{}} }

func (h *hub) subscribe(tenant string) (<-chan uint64, func()) {
	ch := make(chan uint64, 1)
	h.mu.Lock()
	if h.subs[tenant] == nil {
		h.subs[tenant] = map[chan uint64]struct{}{}
	}
	h.subs[tenant][ch] = struct{}{}
	h.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			h.mu.Lock()
			delete(h.subs[tenant], ch)
			if len(h.subs[tenant]) == 0 {
				delete(h.subs, tenant)
			}
			h.mu.Unlock()
		})
	}
}

func (h *hub) poke(tenant string, seq uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs[tenant] {
		select {
		case ch <- seq:
			continue
		default:
		}
		// Full: drop the unread poke (older, or newer from a racing commit) and
		// send the larger of the two.
		send := seq
		select {
		case old := <-ch:
			send = max(send, old)
		default:
		}
		select {
		case ch <- send:
		default:
		}
	}
}
