// Package pdf reads and writes PDF files: the object model, a parser, cross-reference
// tables and streams (with object streams), the page tree, incremental updates and a
// small writer for new documents.
//
// It is the one PDF implementation of the project: sign appends signatures with it,
// pdfmerge joins letters, decision writes its PDF/A letters and demo its forms. It
// understands what those need and refuses the rest (encrypted files, unknown
// filters) with errors wrapping ErrMalformed or ErrUnsupported; it never panics on
// hostile input, and every recursion, length and loop is bounded.
package pdf

import "errors"

// Sentinel errors.
var (
	// ErrMalformed reports bytes that are not a readable PDF.
	ErrMalformed = errors.New("pdf: malformed")
	// ErrUnsupported reports a valid feature this package does not handle
	// (encryption, a filter other than FlateDecode).
	ErrUnsupported = errors.New("pdf: unsupported")
)
