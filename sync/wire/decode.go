package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// decode reads at most max bytes from r into v: one JSON object, no unknown fields,
// nothing after it. Reading max+1 bytes tells an oversized body from one of exactly
// max bytes without trusting Content-Length.
func decode(r io.Reader, max int64, what string, v any) error {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return fmt.Errorf("wire: read %s: %w", what, err)
	}
	if int64(len(b)) > max {
		return fmt.Errorf("%w: %s over %d bytes", ErrTooLarge, what, max)
	}
	// A bare null would decode into the zero value without error; a body must be an
	// object.
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return fmt.Errorf("%w: %s is not a JSON object", ErrDecode, what)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrDecode, what, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: %s: data after the object", ErrDecode, what)
	}
	return nil
}

// DecodePush reads and validates a push request of at most max bytes.
func DecodePush(r io.Reader, max int64) (PushRequest, error) {
	var v PushRequest
	if err := decode(r, max, "push request", &v); err != nil {
		return PushRequest{}, err
	}
	if err := v.Validate(); err != nil {
		return PushRequest{}, err
	}
	return v, nil
}

// DecodePushResponse reads and validates a push answer of at most max bytes.
func DecodePushResponse(r io.Reader, max int64) (PushResponse, error) {
	var v PushResponse
	if err := decode(r, max, "push response", &v); err != nil {
		return PushResponse{}, err
	}
	if err := v.Validate(); err != nil {
		return PushResponse{}, err
	}
	return v, nil
}

// DecodeChanges reads and validates a page of changes of at most max bytes; the
// caller checks it follows its cursor with ValidateAfter.
func DecodeChanges(r io.Reader, max int64) (ChangesResponse, error) {
	var v ChangesResponse
	if err := decode(r, max, "changes", &v); err != nil {
		return ChangesResponse{}, err
	}
	if err := v.Validate(); err != nil {
		return ChangesResponse{}, err
	}
	return v, nil
}

// DecodeEnroll reads and validates an enrollment request of at most max bytes.
func DecodeEnroll(r io.Reader, max int64) (EnrollRequest, error) {
	var v EnrollRequest
	if err := decode(r, max, "enroll request", &v); err != nil {
		return EnrollRequest{}, err
	}
	if err := v.Validate(); err != nil {
		return EnrollRequest{}, err
	}
	return v, nil
}

// DecodeEnrollResponse reads and validates an enrollment answer of at most max bytes.
func DecodeEnrollResponse(r io.Reader, max int64) (EnrollResponse, error) {
	var v EnrollResponse
	if err := decode(r, max, "enroll response", &v); err != nil {
		return EnrollResponse{}, err
	}
	if err := v.Validate(); err != nil {
		return EnrollResponse{}, err
	}
	return v, nil
}

// DecodeMissingChunks reads and validates a missing-chunks request of at most max
// bytes.
func DecodeMissingChunks(r io.Reader, max int64) (MissingChunksRequest, error) {
	var v MissingChunksRequest
	if err := decode(r, max, "missing chunks request", &v); err != nil {
		return MissingChunksRequest{}, err
	}
	if err := v.Validate(); err != nil {
		return MissingChunksRequest{}, err
	}
	return v, nil
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
