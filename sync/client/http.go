package client

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ozgcloud/desktop/sync/wire"
)

// TLS says how the desktop trusts the central service's certificate.
type TLS struct {
	// Fingerprint pins the server certificate: the hex SHA-256 of its DER bytes (upper
	// or lower case, colons allowed), as Fingerprint returned and the clerk confirmed.
	Fingerprint string
	// CAFile is a PEM file of the authority that issued the server certificate, for
	// municipalities with their own PKI. Ignored when Fingerprint is set.
	CAFile string
}

// maxChanges bounds a page of changes: MaxLimit cases of a few KB each, with room.
const maxChanges = 256 << 20

// HTTP is the central service over HTTPS. It sends wire.HeaderVersion and the device
// token on every request, compresses large request bodies and accepts compressed
// answers, and decodes answers with the bounded wire decoders.
type HTTP struct {
	base   *url.URL
	client *http.Client // ordinary requests, with a timeout
	stream *http.Client // the event stream, without one

	mu    sync.Mutex
	token string // replaced by SetToken after a re-enrollment
}

var _ Remote = (*HTTP)(nil)

// Dial returns the central service at server (https://host:port; http:// only to a
// loopback IP address, ErrPlainHTTP otherwise) for the device token. It does not
// connect yet.
func Dial(server, token string, t TLS) (*HTTP, error) {
	base, err := parseServer(server)
	if err != nil {
		return nil, err
	}
	cfg, err := tlsConfig(t, nil)
	if err != nil {
		return nil, err
	}
	tr := transport(cfg, base)
	// On loopback the bytes cost nothing to carry, while compressing a page of 5,000
	// cases and inflating it again cost more CPU than the rest of its transfer; the
	// server then answers uncompressed, with a Content-Length.
	tr.DisableCompression = isLoopback(base.Hostname())
	return &HTTP{
		base:   base,
		token:  token,
		client: &http.Client{Transport: tr, Timeout: 5 * time.Minute, CheckRedirect: checkRedirect},
		stream: &http.Client{Transport: tr, CheckRedirect: checkRedirect},
	}, nil
}

// isLoopback reports whether host (without port) names this machine.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func parseServer(server string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(server), "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("client: server address %q: use https://host:port", server)
	}
	if u.Scheme == "http" && !plainAllowed(u.Hostname()) {
		return nil, fmt.Errorf("client: server address %q: %w", server, ErrPlainHTTP)
	}
	return u, nil
}

// transport for base; plain HTTP goes through dialLoopback and never a proxy.
func transport(cfg *tls.Config, base *url.URL) *http.Transport {
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		TLSClientConfig:       cfg,
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: 2 * time.Minute,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   4,
		ForceAttemptHTTP2:     true,
	}
	if base.Scheme == "http" {
		tr.Proxy, tr.DialContext = nil, dialLoopback
	}
	return tr
}

// tlsConfig builds the trust of t; seen, when not nil, receives the fingerprint of
// the certificate the server presented (first contact accepts any when t is empty).
func tlsConfig(t TLS, seen func(string)) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	want := normalizeFingerprint(t.Fingerprint)
	switch {
	case want != "" || seen != nil && t.CAFile == "":
		// Pinning replaces the chain check: a self-signed certificate is the default
		// of ozgcloud-server init, and the fingerprint is what the clerk confirmed.
		cfg.InsecureSkipVerify = true
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return fmt.Errorf("%w: no certificate", ErrFingerprint)
			}
			got := CertFingerprint(cs.PeerCertificates[0])
			if seen != nil {
				seen(got)
			}
			if want != "" && got != want {
				return fmt.Errorf("%w: got %s", ErrFingerprint, got)
			}
			return nil
		}
	case t.CAFile != "":
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("client: read CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("client: CA file %s holds no PEM certificate", t.CAFile)
		}
		cfg.RootCAs = pool
		if seen != nil {
			cfg.VerifyConnection = func(cs tls.ConnectionState) error {
				if len(cs.PeerCertificates) > 0 {
					seen(CertFingerprint(cs.PeerCertificates[0]))
				}
				return nil
			}
		}
	}
	return cfg, nil
}

// CertFingerprint returns the lower-case hex SHA-256 of the certificate's DER bytes.
func CertFingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}

func normalizeFingerprint(s string) string {
	return strings.ToLower(strings.NewReplacer(":", "", " ", "").Replace(strings.TrimSpace(s)))
}

// Fingerprint connects to server and returns the fingerprint of the certificate it
// presents, without sending anything else, for the clerk to compare with the one the
// administration printed at "ozgcloud-server init".
func Fingerprint(ctx context.Context, server string) (string, error) {
	base, err := parseServer(server)
	if err != nil {
		return "", err
	}
	if base.Scheme != "https" {
		return "", nil
	}
	var fp string
	cfg, _ := tlsConfig(TLS{}, func(s string) { fp = s })
	host := base.Host
	if base.Port() == "" {
		host += ":443"
	}
	d := tls.Dialer{Config: cfg}
	conn, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return "", &offlineError{err}
	}
	conn.Close()
	return fp, nil
}

// Enroll exchanges a one-time enrollment code for the device's identity at server.
// It returns the fingerprint of the certificate the server presented. With t empty
// any certificate is accepted (first contact): call Fingerprint first and pass the
// confirmed one here to pin it, or check the returned one before storing the
// identity. Store the result with store.DB.Enroll.
func Enroll(ctx context.Context, server, code string, t TLS) (wire.EnrollResponse, string, error) {
	base, err := parseServer(server)
	if err != nil {
		return wire.EnrollResponse{}, "", err
	}
	var (
		mu sync.Mutex
		fp string
	)
	cfg, err := tlsConfig(t, func(s string) { mu.Lock(); fp = s; mu.Unlock() })
	if err != nil {
		return wire.EnrollResponse{}, "", err
	}
	h := &HTTP{base: base, client: &http.Client{Transport: transport(cfg, base), Timeout: time.Minute, CheckRedirect: checkRedirect}}
	resp, err := call(ctx, h, http.MethodPost, wire.PathEnroll, wire.EnrollRequest{Code: strings.TrimSpace(code)},
		wire.DecodeEnrollResponse, wire.MaxBodySmall)
	mu.Lock()
	defer mu.Unlock()
	if err != nil {
		return wire.EnrollResponse{}, fp, fmt.Errorf("client: enroll: %w", err)
	}
	return resp, fp, nil
}

// call sends req as JSON (no body when req is nil) and decodes a 2xx answer of at
// most max bytes with dec; other answers and failures are as with do.
func call[T any](ctx context.Context, h *HTTP, method, path string, req any, dec func(io.Reader, int64) (T, error), max int64) (T, error) {
	var resp T
	var body []byte
	if req != nil {
		var err error
		if body, err = json.Marshal(req); err != nil {
			return resp, fmt.Errorf("client: encode %s: %w", path, err)
		}
	}
	err := h.do(ctx, method, path, nil, body, func(r io.Reader) error {
		var err error
		resp, err = dec(r, max)
		return err
	})
	return resp, err
}

// gzipMin is the body size from which a request is compressed.
const gzipMin = 4096

// do sends one request and hands a 2xx body to read; any other answer becomes a
// *wire.Error, a transport failure an error wrapping ErrOffline.
func (h *HTTP) do(ctx context.Context, method, path string, q url.Values, body []byte, read func(io.Reader) error) error {
	u := *h.base
	u.Path = h.base.Path + path
	if q != nil {
		u.RawQuery = q.Encode()
	}
	var rd io.Reader
	gz := len(body) >= gzipMin
	if gz {
		var buf bytes.Buffer
		w, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		w.Write(body)
		w.Close()
		rd = &buf
	} else if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return fmt.Errorf("client: %s %s: %w", method, path, err)
	}
	req.Header.Set(wire.HeaderVersion, strconv.Itoa(wire.Version))
	if token := h.bearer(); token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		ct := "application/json"
		if method == http.MethodPut {
			ct = "application/octet-stream"
		}
		req.Header.Set("Content-Type", ct)
	}
	if gz {
		req.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return transportError(ctx, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return answerError(resp)
	}
	if read == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, wire.MaxBodySmall))
		return nil
	}
	if err := read(resp.Body); err != nil {
		if errors.Is(err, wire.ErrDecode) || errors.Is(err, wire.ErrTooLarge) || errors.Is(err, ErrProtocol) || errors.Is(err, wire.ErrCursor) {
			return err
		}
		// A body cut off mid-way is a network failure, not a bad answer.
		return transportError(ctx, err)
	}
	return nil
}

func transportError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, ErrFingerprint) || errors.Is(err, ErrPlainHTTP) {
		return err
	}
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	if errors.As(err, &ua) || errors.As(err, &hn) || errors.As(err, &ci) {
		return err
	}
	return &offlineError{err}
}

// answerError reads a non-2xx answer; a body that is no wire.Error (a proxy's page)
// is classified by its status.
func answerError(resp *http.Response) error {
	if e, err := wire.DecodeError(resp.Body, wire.MaxBodySmall); err == nil {
		return e
	}
	code := wire.CodeInternal
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		code = wire.CodeUnauthorized
	case resp.StatusCode == http.StatusNotFound:
		code = wire.CodeNotFound
	case resp.StatusCode == http.StatusRequestEntityTooLarge:
		code = wire.CodeTooLarge
	case resp.StatusCode == http.StatusServiceUnavailable, resp.StatusCode == http.StatusBadGateway, resp.StatusCode == http.StatusGatewayTimeout:
		code = wire.CodeUnavailable
	case resp.StatusCode/100 == 4:
		code = wire.CodeBadRequest
	}
	return &wire.Error{Code: code, Message: ""}
}

// Push sends a batch of outbox mutations.
func (h *HTTP) Push(ctx context.Context, req wire.PushRequest) (wire.PushResponse, error) {
	return call(ctx, h, http.MethodPost, wire.PathPush, req, wire.DecodePushResponse, wire.MaxBodyPush)
}

// Changes fetches one page of the change log after cursor.
func (h *HTTP) Changes(ctx context.Context, cursor uint64, limit int) (wire.ChangesResponse, error) {
	resp, _, err := h.changes(ctx, cursor, nil, limit, false)
	return resp, err
}

// ChangesAt is Changes naming the epoch of the change at cursor, as the page that
// ended there said: a service whose log no longer holds it answers Resync.
func (h *HTTP) ChangesAt(ctx context.Context, cursor uint64, epoch string, limit int) (wire.ChangesResponse, error) {
	resp, _, err := h.changes(ctx, cursor, &epoch, limit, false)
	return resp, err
}

// changesRaw is ChangesAt with each change's case JSON as received (see decodePage).
func (h *HTTP) changesRaw(ctx context.Context, cursor uint64, epoch string, limit int) (wire.ChangesResponse, [][]byte, error) {
	return h.changes(ctx, cursor, &epoch, limit, true)
}

func (h *HTTP) changes(ctx context.Context, cursor uint64, epoch *string, limit int, raw bool) (wire.ChangesResponse, [][]byte, error) {
	q := url.Values{wire.QueryCursor: {strconv.FormatUint(cursor, 10)}}
	if epoch != nil {
		q.Set(wire.QueryEpoch, *epoch)
	}
	if limit > 0 {
		q.Set(wire.QueryLimit, strconv.Itoa(limit))
	}
	var (
		resp  wire.ChangesResponse
		cases [][]byte
	)
	err := h.do(ctx, http.MethodGet, wire.PathChanges, q, nil, func(r io.Reader) error {
		var err error
		if resp, cases, err = decodePage(r, maxChanges, raw); err != nil {
			return err
		}
		return resp.ValidateAfter(cursor)
	})
	return resp, cases, err
}

// Reenroll asks for a device identity of its own for this PC, whose data folder a
// copy took over (wire.FenceReplaced), with the old device's token.
func (h *HTTP) Reenroll(ctx context.Context, req wire.ReenrollRequest) (wire.EnrollResponse, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return wire.EnrollResponse{}, fmt.Errorf("client: encode re-enrollment: %w", err)
	}
	var resp wire.EnrollResponse
	err = h.do(ctx, http.MethodPost, wire.PathReenroll, nil, body, func(r io.Reader) error {
		var err error
		resp, err = wire.DecodeEnrollResponse(r, wire.MaxBodySmall)
		return err
	})
	if err != nil {
		return wire.EnrollResponse{}, fmt.Errorf("client: re-enroll: %w", err)
	}
	return resp, nil
}

// SetToken replaces the device token (after a re-enrollment); requests already on
// their way keep the old one.
func (h *HTTP) SetToken(token string) {
	h.mu.Lock()
	h.token = token
	h.mu.Unlock()
}

func (h *HTTP) bearer() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.token
}

func chunkPath(sha string, index int) string {
	return wire.PathChunks + sha + "/chunks/" + strconv.Itoa(index)
}

// MissingChunks asks which chunks of a blob the server lacks.
func (h *HTTP) MissingChunks(ctx context.Context, req wire.MissingChunksRequest) (wire.MissingChunksResponse, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return wire.MissingChunksResponse{}, err
	}
	var resp wire.MissingChunksResponse
	err = h.do(ctx, http.MethodPost, wire.PathChunks+req.SHA256+"/missing", nil, body, func(r io.Reader) error {
		if err := wire.Decode(r, wire.MaxBodySmall, &resp); err != nil {
			return err
		}
		return resp.ValidateFor(req)
	})
	return resp, err
}

// PutChunk uploads one chunk.
func (h *HTTP) PutChunk(ctx context.Context, sha string, index int, data []byte) error {
	if data == nil {
		data = []byte{}
	}
	return h.do(ctx, http.MethodPut, chunkPath(sha, index), nil, data, nil)
}

// Chunk downloads one chunk.
func (h *HTTP) Chunk(ctx context.Context, sha string, index int) ([]byte, error) {
	var data []byte
	err := h.do(ctx, http.MethodGet, chunkPath(sha, index), nil, nil, func(r io.Reader) error {
		var err error
		if data, err = io.ReadAll(io.LimitReader(r, wire.ChunkSize+1)); err != nil {
			return err
		}
		if len(data) > wire.ChunkSize {
			return fmt.Errorf("%w: chunk over %d bytes", ErrProtocol, wire.ChunkSize)
		}
		return nil
	})
	return data, err
}

// Events opens the server-sent event stream. The channel carries each seq event's
// number (coalesced: a slow reader sees the newest) and is closed when the stream
// ends, breaks, or stays silent for three heartbeat intervals.
func (h *HTTP) Events(ctx context.Context) (<-chan uint64, error) {
	u := *h.base
	u.Path = h.base.Path + wire.PathEvents
	ctx, cancel := context.WithCancel(ctx)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		cancel()
		return nil, err
	}
	req.Header.Set(wire.HeaderVersion, strconv.Itoa(wire.Version))
	req.Header.Set("Authorization", "Bearer "+h.bearer())
	req.Header.Set("Accept", "text/event-stream")
	resp, err := h.stream.Do(req)
	if err != nil {
		cancel()
		return nil, transportError(ctx, err)
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		cancel()
		return nil, answerError(resp)
	}
	out := make(chan uint64, 1)
	alive := make(chan struct{}, 1)
	go func() {
		// A stream that neither sends nor beats is dead (a NAT dropped it silently).
		t := time.NewTimer(3 * wire.HeartbeatSeconds * time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-alive:
				t.Reset(3 * wire.HeartbeatSeconds * time.Second)
			case <-t.C:
				cancel()
				return
			}
		}
	}()
	go func() {
		defer close(out)
		defer cancel()
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 4096), 64<<10)
		event := ""
		for sc.Scan() {
			select {
			case alive <- struct{}{}:
			default:
			}
			line := sc.Text()
			switch {
			case line == "":
				event = ""
			case strings.HasPrefix(line, ":"):
			case strings.HasPrefix(line, "event:"):
				event = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
			case strings.HasPrefix(line, "data:") && event == wire.EventSeq:
				seq, err := wire.ParseSeqEvent(strings.TrimPrefix(line, "data:"))
				if err != nil {
					continue
				}
				select {
				case out <- seq:
				default:
					select {
					case <-out:
					default:
					}
					out <- seq
				}
			}
		}
	}()
	return out, nil
}
