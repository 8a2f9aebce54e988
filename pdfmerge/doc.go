// Package pdfmerge joins PDF documents into one file for printing: every page is
// copied with what it draws (contents, fonts, images), and a blank page can follow a
// document so that the next one starts on a front side of a duplex printout.
//
// It reads what package pdf reads: classic cross-reference tables and xref streams
// with object streams, incremental updates included; annotations, forms and
// signatures are not copied, since paper cannot carry them.
package pdfmerge

import (
	"errors"
	"fmt"

	"github.com/ozgcloud/desktop/pdf"
)

// Sentinel errors.
var (
	// ErrPDF reports a document that cannot be read.
	ErrPDF = errors.New("pdfmerge: unreadable PDF")
)

// Doc is a parsed PDF document.
type Doc struct {
	f     *pdf.File
	pages []pdf.Page
}

// Parse reads a PDF document. It returns an error wrapping ErrPDF when the file
// has no readable cross-reference section or objects, catalog or page tree.
func Parse(b []byte) (*Doc, error) {
	f, err := pdf.Read(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrPDF, err)
	}
	pages, err := f.Pages()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrPDF, err)
	}
	return &Doc{f: f, pages: pages}, nil
}

// Pages returns the number of pages.
func (d *Doc) Pages() int { return len(d.pages) }
