package mail

import (
	"io"
	"mime"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/emersion/go-message"
)

// partName returns the attachment name of a part, or "". go-message hands back ""
// for RFC 2231 names in charsets other than UTF-8 (mutt's filename*=iso-8859-1”…)
// and for unquoted names with spaces; those are read from the raw header here.
func partName(h *message.Header, dparams, ctparams map[string]string) string {
	// The raw header first: for RFC 2231 continuations in Latin-1 go-message
	// returns the second half alone, as invalid UTF-8.
	for _, f := range []struct{ field, param string }{
		{"Content-Disposition", "filename"},
		{"Content-Type", "name"},
	} {
		if n := safeName(rawParam(h.Get(f.field), f.param)); n != "" {
			return n
		}
	}
	for _, n := range []string{dparams["filename"], ctparams["name"]} {
		if n = safeName(n); n != "" {
			return n
		}
	}
	return ""
}

// hasFilenameParam reports whether the header tried to name the part.
func hasFilenameParam(h *message.Header) bool {
	return strings.Contains(strings.ToLower(h.Get("Content-Disposition")), "filename") ||
		strings.Contains(strings.ToLower(h.Get("Content-Type")), "name")
}

// salvageContentType reads the media type of a Content-Type that mime rejects.
func salvageContentType(v string) (string, map[string]string) {
	t, _, _ := strings.Cut(v, ";")
	t = strings.ToLower(strings.TrimSpace(t))
	if t == "" {
		t = "text/plain"
	}
	params := map[string]string{}
	for _, k := range []string{"charset", "boundary", "name"} {
		if p := rawParam(v, k); p != "" {
			params[k] = p
		}
	}
	return t, params
}

// rawParam finds parameter name in a header value the lenient way: values may be
// unquoted with spaces, RFC 2231 extended (charset'lang'%xx) in any charset
// go-message knows, or split into continuations (name*0, name*1*, …).
func rawParam(v, name string) string {
	name = strings.ToLower(name)
	type piece struct {
		n        int
		val      string
		extended bool
	}
	var plain string
	var pieces []piece
	for i, seg := range splitParams(v) {
		if i == 0 {
			continue // the media type or disposition itself
		}
		k, val, ok := strings.Cut(seg, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		val = unquote(strings.TrimSpace(val))
		switch {
		case k == name:
			plain = val
		case k == name+"*":
			pieces = append(pieces, piece{0, val, true})
		case strings.HasPrefix(k, name+"*"):
			rest := strings.TrimPrefix(k, name+"*")
			ext := strings.HasSuffix(rest, "*")
			n, err := strconv.Atoi(strings.TrimSuffix(rest, "*"))
			if err != nil || n < 0 || n > 999 {
				continue
			}
			pieces = append(pieces, piece{n, val, ext})
		}
	}
	if len(pieces) == 0 {
		return decodeWords(plain)
	}
	sort.SliceStable(pieces, func(i, j int) bool { return pieces[i].n < pieces[j].n })
	var charset string
	var raw strings.Builder
	for i, p := range pieces {
		val := p.val
		if p.extended {
			if i == 0 {
				// charset'language'value; only the first piece carries them.
				if parts := strings.SplitN(val, "'", 3); len(parts) == 3 {
					charset, val = strings.ToLower(parts[0]), parts[2]
				}
			}
			if u, err := url.PathUnescape(val); err == nil {
				val = u
			}
		}
		raw.WriteString(val)
	}
	s := raw.String()
	if charset != "" && charset != "utf-8" && charset != "us-ascii" && message.CharsetReader != nil {
		if r, err := message.CharsetReader(charset, strings.NewReader(s)); err == nil {
			if b, err := io.ReadAll(io.LimitReader(r, 4096)); err == nil {
				s = string(b)
			}
		}
	}
	if s == "" {
		return decodeWords(plain)
	}
	return s
}

// splitParams splits a header value at semicolons outside quotes.
func splitParams(v string) []string {
	var out []string
	var cur strings.Builder
	inQuote, esc := false, false
	for _, r := range v {
		switch {
		case esc:
			esc = false
		case r == '\\' && inQuote:
			esc = true
		case r == '"':
			inQuote = !inQuote
		case r == ';' && !inQuote:
			out = append(out, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteRune(r)
	}
	return append(out, cur.String())
}

func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
		var b strings.Builder
		esc := false
		for _, r := range s {
			if r == '\\' && !esc {
				esc = true
				continue
			}
			esc = false
			b.WriteRune(r)
		}
		return b.String()
	}
	return s
}

// decodeWords decodes RFC 2047 encoded words, also inside quoted strings where
// Outlook puts them; on failure it returns s unchanged.
func decodeWords(s string) string {
	d := mime.WordDecoder{CharsetReader: func(cs string, r io.Reader) (io.Reader, error) {
		if message.CharsetReader == nil {
			return r, nil
		}
		return message.CharsetReader(strings.ToLower(cs), r)
	}}
	if out, err := d.DecodeHeader(s); err == nil {
		return out
	}
	return s
}
