package model

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bounds of a cleaned file name. Bytes bound what file systems take (255 bytes on
// ext4, 255 UTF-16 units on NTFS, which UTF-8 bytes always cover), with room for the
// folders and suffixes the desktop adds; runes bound what a list shows.
const (
	MaxFileNameBytes = 200
	MaxFileNameRunes = 150
)

// DefaultFileName is what CleanFileName returns when neither the name nor the
// fallback leaves anything usable.
const DefaultFileName = "Datei"

// maxExtBytes is the longest ending (dot included) that truncation keeps as the
// extension; a longer "extension" is just the end of a long name.
const maxExtBytes = 16

// CleanFileName returns name fit to be shown to a clerk and saved on any system, for
// files from strangers (online forms, e-mail, files added by hand):
//   - only the last element of a path is kept (after / or \);
//   - control characters, other whitespace and characters that look like it (the
//     blank braille pattern U+2800) become one space; invisible formatting
//     characters are removed: bidirectional controls (U+202A-U+202E, U+2066-U+2069,
//     U+200E, U+200F, U+061C), zero-width characters, soft hyphens, byte order marks
//     and the like, so that "gnp.\u202eexe.pdf" cannot pose as a picture;
//   - bytes that are not UTF-8 and the characters Windows forbids (< > : " | ? *)
//     become "_"; spaces and dots are trimmed from both ends (Windows drops trailing
//     ones, a leading dot hides a file);
//   - a name Windows reserves for a device (CON, PRN, AUX, NUL, COM1-9, LPT1-9, also
//     with an extension) gets a leading "_";
//   - at most MaxFileNameBytes bytes and MaxFileNameRunes runes, shortened before
//     the extension, which is kept.
//
// Letters of every script stay, umlauts and ß included. When nothing usable is left
// it returns fallback cleaned the same way, and DefaultFileName when that is unusable
// too: the result is never empty. CleanFileName is idempotent.
func CleanFileName(name, fallback string) string {
	if s := cleanFileName(name); s != "" {
		return s
	}
	if s := cleanFileName(fallback); s != "" {
		return s
	}
	return DefaultFileName
}

// UsableFileName reports whether CleanFileName keeps something of name, that is,
// whether it would not fall back.
func UsableFileName(name string) bool {
	return cleanFileName(name) != ""
}

func cleanFileName(name string) string {
	name = strings.ToValidUTF8(name, "_")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(fileNameRune, name)
	name = strings.Join(strings.Fields(name), " ")
	// Each step below only shortens the name, except the "_" before a reserved
	// name, which makes it unreserved; a few rounds reach the fixed point.
	for range 4 {
		next := shorten(unreserve(strings.Trim(name, " .")))
		if next == name {
			break
		}
		name = next
	}
	return name
}

// fileNameRune maps one rune of a file name: -1 drops it.
func fileNameRune(r rune) rune {
	switch {
	case r == utf8.RuneError:
		return '_'
	case strings.ContainsRune(`<>:"|?*`, r):
		return '_'
	case unicode.IsControl(r), unicode.IsSpace(r), unicode.In(r, unicode.Zl, unicode.Zp, unicode.Zs),
		r == '\u2800': // the blank braille pattern: a letter that shows as a space
		return ' ' // Fields folds runs into one
	case unicode.In(r, unicode.Cf, unicode.Other_Default_Ignorable_Code_Point,
		unicode.Variation_Selector, unicode.Noncharacter_Code_Point):
		return -1
	}
	return r
}

// reservedNames are device names on Windows, with or without an extension.
var reservedNames = map[string]bool{
	"CON": true, "PRN": true, "AUX": true, "NUL": true, "CONIN$": true, "CONOUT$": true, "CLOCK$": true,
	"COM¹": true, "COM²": true, "COM³": true, "LPT¹": true, "LPT²": true, "LPT³": true,
}

func init() {
	for _, d := range "0123456789" {
		reservedNames["COM"+string(d)] = true
		reservedNames["LPT"+string(d)] = true
	}
}

func unreserve(name string) string {
	stem, _, _ := strings.Cut(name, ".")
	if reservedNames[strings.ToUpper(strings.TrimRight(stem, " "))] {
		return "_" + name
	}
	return name
}

// shorten cuts the part before the extension so that the whole fits the bounds,
// never between a letter and its combining marks.
func shorten(name string) string {
	if len(name) <= MaxFileNameBytes && utf8.RuneCountInString(name) <= MaxFileNameRunes {
		return name
	}
	stem, ext := name, ""
	if i := strings.LastIndexByte(name, '.'); i > 0 && len(name)-i <= maxExtBytes && !strings.Contains(name[i:], " ") {
		stem, ext = name[:i], name[i:]
	}
	bytes, runes := MaxFileNameBytes-len(ext), MaxFileNameRunes-utf8.RuneCountInString(ext)
	cut, n := 0, 0
	for i, r := range stem {
		if i+utf8.RuneLen(r) > bytes || n+1 > runes {
			break
		}
		cut, n = i+utf8.RuneLen(r), n+1
	}
	for cut > 0 && cut < len(stem) {
		r, _ := utf8.DecodeRuneInString(stem[cut:])
		if !unicode.In(r, unicode.Mn, unicode.Me) {
			break
		}
		_, size := utf8.DecodeLastRuneInString(stem[:cut])
		cut -= size
	}
	return strings.TrimRight(stem[:cut], " .") + ext
}
