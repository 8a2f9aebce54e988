// Package filekind classifies attachments from strangers by content and name, so
// that the app opens only document and image types a clerk needs.
package filekind

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// Verdict is what the app may do with a file.
type Verdict int

const (
	// Blocked: not recognised, or a type the app does not open; it may be saved.
	Blocked Verdict = iota
	// Open: a document or image type a clerk needs, its content matching its name.
	Open
	// Warn: an Office document that can run macros; opened only after a warning.
	Warn
	// Archive: a ZIP; its entries are listed (Result.Entries), never extracted.
	Archive
	// Dangerous: a program, script, shortcut, installer, disk image or HTML; never
	// opened, only saved.
	Dangerous
	// Suspicious: name and content disagree (a program called .pdf, a macro project
	// in a .docx); never opened, only saved.
	Suspicious
)

var verdictNames = [...]string{"blocked", "open", "warn", "archive", "dangerous", "suspicious"}

func (v Verdict) String() string {
	if int(v) < len(verdictNames) {
		return verdictNames[v]
	}
	return fmt.Sprintf("verdict(%d)", int(v))
}

// Reason says why, as a stable code the app maps to a message for the clerk.
type Reason string

const (
	ReasonAllowed          Reason = "allowed"            // Open
	ReasonMacros           Reason = "macros"             // Warn: macro-enabled type or macros inside
	ReasonLegacyOffice     Reason = "legacy-office"      // Warn: .doc/.xls/.ppt may hold macros unseen
	ReasonArchive          Reason = "archive"            // Archive
	ReasonArchiveDangerous Reason = "archive-dangerous"  // Archive holding a dangerous or encrypted entry
	ReasonArchiveTooLarge  Reason = "archive-too-large"  // Blocked: directory beyond MaxDirectoryBytes
	ReasonArchiveBroken    Reason = "archive-unreadable" // Blocked: no readable ZIP directory
	ReasonDangerousName    Reason = "dangerous-name"     // Dangerous by the extension
	ReasonDangerousContent Reason = "dangerous-content"  // Dangerous by the content
	ReasonMismatch         Reason = "name-mismatch"      // Suspicious: content is not what the name says
	ReasonDisguised        Reason = "disguised"          // Suspicious: dangerous content under a harmless name
	ReasonHiddenMacros     Reason = "hidden-macros"      // Suspicious: macros in a type that has none
	ReasonEmpty            Reason = "empty"              // Blocked: nothing to open
	ReasonNotAllowed       Reason = "type-not-allowed"   // Blocked: harmless content, name not in the list
	ReasonUnknown          Reason = "unknown-type"       // Blocked: neither name nor content known
)

// Result is the classifier's answer for one file.
type Result struct {
	Verdict Verdict
	Reason  Reason
	Kind    Kind   // what the content is
	Ext     string // the name's extension as Windows sees it, lower case, "" if none
	// Entries of a ZIP (Verdict Archive), at most MaxListed; Truncated when more.
	Entries   []Entry
	Truncated bool
}

// InlineType returns the media type under which the file may be shown inside the
// app's page, judged by content alone ("" for everything but PDF and PNG, JPEG and
// GIF images). Never use the type the sender declared.
func (r Result) InlineType() string { return r.Kind.InlineType() }

// ErrRead wraps failures to read the file (not a verdict: the file may be fine).
var ErrRead = errors.New("filekind: cannot read file")

// Classify judges a file of size bytes by its content and its name. It reads at
// most the first 36 KiB and, for ZIPs, MaxDirectoryBytes of the end and central
// directory. Errors wrap ErrRead.
func Classify(r io.ReaderAt, size int64, name string) (Result, error) {
	p := make([]byte, min(size, prefixLen))
	if n, err := r.ReadAt(p, 0); n < len(p) {
		return Result{}, fmt.Errorf("%w: %d of %d bytes: %v", ErrRead, n, len(p), err)
	}
	res := Result{Kind: sniff(p), Ext: Ext(name)}
	var z *zipInfo
	if res.Kind == ZIP {
		var err error
		z, err = readZIP(r, size)
		switch {
		case errors.Is(err, errZIPTooLarge):
			return judged(res, Blocked, ReasonArchiveTooLarge), nil
		case err != nil:
			return judged(res, Blocked, ReasonArchiveBroken), nil
		}
		res.Kind = z.kind
	}
	return judge(res, z), nil
}

// ClassifyFile opens path and classifies it under name (the name the clerk sees,
// which is not that of the stored file). Errors wrap ErrRead.
func ClassifyFile(path, name string) (Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return Result{}, fmt.Errorf("%w: %v", ErrRead, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Result{}, fmt.Errorf("%w: %v", ErrRead, err)
	}
	return Classify(f, st.Size(), name)
}

func judged(r Result, v Verdict, why Reason) Result {
	r.Verdict, r.Reason = v, why
	return r
}

// judge weighs name against content; z is set for ZIPs that could be read.
func judge(r Result, z *zipInfo) Result {
	class := classOf(r.Ext)
	switch {
	case class == nameDangerous:
		return judged(r, Dangerous, ReasonDangerousName)
	case r.Kind.dangerous() && class == nameUnknown:
		return judged(r, Dangerous, ReasonDangerousContent)
	case r.Kind.dangerous():
		return judged(r, Suspicious, ReasonDisguised)
	case r.Kind == Empty:
		return judged(r, Blocked, ReasonEmpty)
	}
	switch class {
	case nameAllowed:
		if r.Kind != allowedExt[r.Ext] || !zipFits(r, z) {
			return judged(r, Suspicious, ReasonMismatch)
		}
		switch {
		case z != nil && z.macros && r.Kind == OOXML:
			return judged(r, Suspicious, ReasonHiddenMacros)
		case z != nil && z.macros:
			return judged(r, Warn, ReasonMacros) // ODF has no separate type for macros
		}
		return judged(r, Open, ReasonAllowed)
	case nameMacros:
		if r.Kind != macroExt[r.Ext] || !zipFits(r, z) {
			return judged(r, Suspicious, ReasonMismatch)
		}
		if r.Kind == OLE2 {
			return judged(r, Warn, ReasonLegacyOffice)
		}
		return judged(r, Warn, ReasonMacros)
	case nameZIP:
		if r.Kind != ZIP {
			return judged(r, Suspicious, ReasonMismatch)
		}
	}
	if r.Kind == ZIP {
		r.Entries, r.Truncated = z.entries, z.truncated
		if z.dangerous {
			return judged(r, Archive, ReasonArchiveDangerous)
		}
		return judged(r, Archive, ReasonArchive)
	}
	if r.Kind == Unknown {
		return judged(r, Blocked, ReasonUnknown)
	}
	return judged(r, Blocked, ReasonNotAllowed)
}

// zipFits reports whether an ODF or OOXML document is the one its extension
// names (a text is not a spreadsheet); other kinds always fit.
func zipFits(r Result, z *zipInfo) bool {
	switch r.Kind {
	case ODF:
		return z.odfType == odfType[r.Ext]
	case OOXML:
		return z.parts[ooxmlPart[r.Ext]]
	}
	return true
}
