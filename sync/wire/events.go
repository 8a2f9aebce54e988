package wire

import (
	"fmt"
	"strconv"
	"strings"
)

// Server-sent events on PathEvents (Content-Type text/event-stream). The stream only
// pokes: it carries the tenant's latest change seq, never a case, so a client that
// misses an event loses nothing and simply pulls from its own cursor. The server sends
//
//	event: seq
//	data: 42
//
// once right after the client subscribed and again whenever the tenant's log grows
// (coalesced: a slow client sees only the newest number). Lines starting with ":" are
// heartbeats (comments in the SSE format) that keep proxies from closing an idle
// stream; a client that sees neither an event nor a heartbeat for 3 × HeartbeatSeconds
// treats the connection as dead and reconnects. The stream ends when the server shuts
// down or the token is revoked; the client then reconnects with backoff.
const (
	EventSeq         = "seq"
	HeartbeatSeconds = 15
)

// FormatSeqEvent returns the bytes of one seq event, blank line included.
func FormatSeqEvent(seq uint64) string {
	return "event: " + EventSeq + "\ndata: " + strconv.FormatUint(seq, 10) + "\n\n"
}

// ParseSeqEvent reads the data of a seq event.
func ParseSeqEvent(data string) (uint64, error) {
	n, err := strconv.ParseUint(strings.TrimSpace(data), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: seq event %q", ErrDecode, data)
	}
	return n, nil
}
