package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/ozgcloud/desktop/model"
)

// decode reads one JSON object of at most max bytes from r into v: no unknown
// fields, nothing after it. It decodes from the stream instead of reading the body
// into a buffer first, and refuses as soon as the first byte is not an object's.
func decode(r io.Reader, max int64, what string, v any) error {
	return decodeWith(r, max, what, func(dec *json.Decoder) error { return dec.Decode(v) })
}

// decodeValid reads one T with decode and returns it when its Validate passes.
func decodeValid[T interface{ Validate() error }](r io.Reader, max int64, what string) (T, error) {
	var v, zero T
	if err := decode(r, max, what, &v); err != nil {
		return zero, err
	}
	if err := v.Validate(); err != nil {
		return zero, err
	}
	return v, nil
}

// decodeWith runs fn over a strict decoder of at most max bytes of r, then checks
// that nothing but white space follows. Errors of the reader (a body cut off) come
// back wrapped as they are, so a caller can tell them from a bad body: the client
// treats them as a network failure, the server as the sender's fault. A body over
// max bytes is ErrTooLarge, whatever else is wrong with it; reading max+1 bytes
// tells it from one of exactly max bytes without trusting Content-Length.
func decodeWith(r io.Reader, max int64, what string, fn func(*json.Decoder) error) error {
	in := &objectReader{r: io.LimitReader(r, max+1)}
	dec := json.NewDecoder(in)
	dec.DisallowUnknownFields()
	err := fn(dec)
	if err == nil {
		if _, err = dec.Token(); errors.Is(err, io.EOF) {
			err = nil
		} else if err == nil {
			err = errors.New("data after the object")
		}
	}
	switch {
	case in.n > max:
		return fmt.Errorf("%w: %s over %d bytes", ErrTooLarge, what, max)
	case in.err != nil:
		return fmt.Errorf("wire: read %s: %w", what, in.err)
	case in.notObject:
		// A bare null would decode into the zero value without error; a body must
		// be an object.
		return fmt.Errorf("%w: %s is not a JSON object", ErrDecode, what)
	case err == nil, errors.Is(err, ErrTooMany):
		return err
	}
	return fmt.Errorf("%w: %s: %v", ErrDecode, what, err)
}

// errNotObject stops the JSON decoder at a first byte that cannot start an object.
var errNotObject = errors.New("not an object")

// objectReader counts the bytes read, keeps the reader's own error apart from the
// decoder's, fails at once when the first byte after white space is not '{', and
// passes a run of white space outside strings on as a single byte.
//
// The last is for json.Decoder: between tokens (Token, More) it skips white space
// without consuming it, so every refill of its buffer scans the whole run again,
// and a push of a few MB of blanks cost seconds of CPU. White space outside strings
// means nothing in JSON, so the decoder reads the same values either way.
type objectReader struct {
	r         io.Reader
	n         int64
	started   bool
	notObject bool
	err       error // of r, other than io.EOF

	inString, escaped, space bool
}

func (o *objectReader) Read(p []byte) (int, error) {
	for {
		n, err := o.r.Read(p)
		o.n += int64(n)
		if !o.started && !o.checkStart(p[:n]) {
			return 0, errNotObject
		}
		if err != nil && err != io.EOF {
			o.err = err
		}
		if n = o.squeeze(p[:n]); n > 0 || err != nil {
			return n, err
		}
	}
}

// checkStart reports false once the first byte after white space is not '{'.
func (o *objectReader) checkStart(b []byte) bool {
	for _, c := range b {
		if isSpace(c) {
			continue
		}
		o.started = true
		o.notObject = c != '{'
		return !o.notObject
	}
	return true
}

// squeeze drops the second and later bytes of each run of white space outside
// strings from b, in place, and returns the bytes left.
func (o *objectReader) squeeze(b []byte) int {
	w := 0
	for _, c := range b {
		switch {
		case o.inString:
			switch {
			case o.escaped:
				o.escaped = false
			case c == '\\':
				o.escaped = true
			case c == '"':
				o.inString = false
			}
		case isSpace(c):
			if o.space {
				continue
			}
			o.space = true
			b[w] = c
			w++
			continue
		case c == '"':
			o.inString = true
		}
		o.space = false
		b[w] = c
		w++
	}
	return w
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// DecodePush reads and validates a push request of at most max bytes. It reads the
// mutations one at a time (decodeMutations), so the server never holds a push's
// JSON whole, only the mutations decoded so far.
func DecodePush(r io.Reader, max int64) (PushRequest, error) {
	var v PushRequest
	if err := decodeWith(r, max, "push request", func(dec *json.Decoder) error { return decodeMutations(dec, &v) }); err != nil {
		return PushRequest{}, err
	}
	if err := v.Validate(); err != nil {
		return PushRequest{}, err
	}
	return v, nil
}

// DecodePushResponse reads and validates a push answer of at most max bytes.
func DecodePushResponse(r io.Reader, max int64) (PushResponse, error) {
	return decodeValid[PushResponse](r, max, "push response")
}

// DecodeChanges reads and validates a page of changes of at most max bytes; the
// caller checks it follows its cursor with ValidateAfter.
func DecodeChanges(r io.Reader, max int64) (ChangesResponse, error) {
	return decodeValid[ChangesResponse](r, max, "changes")
}

// DecodeEnroll reads and validates an enrollment request of at most max bytes.
func DecodeEnroll(r io.Reader, max int64) (EnrollRequest, error) {
	return decodeValid[EnrollRequest](r, max, "enroll request")
}

// DecodeEnrollResponse reads and validates an enrollment answer of at most max bytes.
func DecodeEnrollResponse(r io.Reader, max int64) (EnrollResponse, error) {
	return decodeValid[EnrollResponse](r, max, "enroll response")
}

// DecodeMissingChunks reads and validates a missing-chunks request of at most max
// bytes.
func DecodeMissingChunks(r io.Reader, max int64) (MissingChunksRequest, error) {
	return decodeValid[MissingChunksRequest](r, max, "missing chunks request")
}

// DecodeError reads an error body of at most max bytes. A body that is not an Error
// (a proxy's HTML page, say) yields ErrDecode, and the caller falls back to the
// status code.
func DecodeError(r io.Reader, max int64) (*Error, error) {
	var v Error
	if err := decode(r, max, "error", &v); err != nil {
		return nil, err
	}
	if v.Code == "" {
		return nil, fmt.Errorf("%w: error code", ErrMissing)
	}
	return &v, nil
}

// Decode reads any other body (IntakeResponse, VerifyResponse,
// MissingChunksResponse) of at most max bytes with the same strictness; those carry no
// rules of their own beyond what their callers check.
func Decode(r io.Reader, max int64, v any) error {
	return decode(r, max, fmt.Sprintf("%T", v), v)
}

// decodeMutations reads a PushRequest token by token: only one mutation's JSON is
// buffered at a time, and a batch over MaxPushBatch stops at the first mutation too
// many. It is stricter than encoding/json: the keys must be exactly the fields' and
// appear once (encoding/json would also take "MUTATIONS", or a second copy).
func decodeMutations(dec *json.Decoder, v *PushRequest) error {
	if err := delim(dec, '{'); err != nil {
		return err
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		switch {
		case key != "mutations" && key != "incarnation" && key != "replaces" && key != "acked":
			// encoding/json's wording, so both decoders explain alike.
			return fmt.Errorf("json: unknown field %.40q", key)
		case seen[key]:
			return fmt.Errorf("repeated field %q", key)
		}
		seen[key] = true
		switch key {
		case "incarnation":
			err = dec.Decode(&v.Incarnation)
		case "replaces":
			err = dec.Decode(&v.Replaces)
		case "acked":
			err = dec.Decode(&v.Acked)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		if key != "mutations" {
			continue
		}
		if tok, err = dec.Token(); err != nil {
			return err
		}
		switch tok {
		case nil:
			v.Mutations = nil
			continue
		case json.Delim('['):
		default:
			return fmt.Errorf("mutations is not an array")
		}
		v.Mutations = []model.Mutation{}
		for dec.More() {
			if len(v.Mutations) == MaxPushBatch {
				return fmt.Errorf("%w: more than %d mutations", ErrTooMany, MaxPushBatch)
			}
			var m model.Mutation
			if err := dec.Decode(&m); err != nil {
				return fmt.Errorf("mutation %d: %w", len(v.Mutations), err)
			}
			v.Mutations = append(v.Mutations, m)
		}
		if err := delim(dec, ']'); err != nil {
			return err
		}
	}
	return delim(dec, '}')
}

// delim reads the next token and checks it is d.
func delim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != d {
		return fmt.Errorf("expected %v", d)
	}
	return nil
}
