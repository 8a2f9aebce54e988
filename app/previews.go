package app

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sync"

	"github.com/ozgcloud/desktop/decision"
)

// previews keeps, per clerk and case, the letter the clerk last saw in the preview:
// its PDF bytes, their hash (the ID the page holds) and a fingerprint of everything
// the letter was made of. SignDecision signs exactly those bytes, or refuses when
// the page names another preview or when case, letterhead, date or draft changed
// since (issue 17).
type previews struct {
	mu   sync.Mutex
	kept map[string]preview
	// order is the keys from oldest to newest; a few letters per PC are plenty.
	order []string
}

type preview struct {
	pdf         []byte
	id          string // hex SHA-256 of pdf
	fingerprint string // letterFingerprint of what it shows
}

// maxPreviews bounds the letters kept in memory (a letter is some 50 KB).
const maxPreviews = 16

func previewKey(clerk, caseID string) string { return clerk + "\x00" + caseID }

// keep remembers pdf as what clerk saw of the case's letter l and returns its ID.
func (p *previews) keep(clerk, caseID string, l decision.Letter, pdf []byte) string {
	sum := sha256.Sum256(pdf)
	v := preview{pdf: pdf, id: hex.EncodeToString(sum[:]), fingerprint: letterFingerprint(l)}
	k := previewKey(clerk, caseID)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.kept == nil {
		p.kept = map[string]preview{}
	}
	if _, ok := p.kept[k]; ok {
		for i, o := range p.order {
			if o == k {
				p.order = append(p.order[:i], p.order[i+1:]...)
				break
			}
		}
	}
	p.kept[k] = v
	p.order = append(p.order, k)
	for len(p.order) > maxPreviews {
		delete(p.kept, p.order[0])
		p.order = p.order[1:]
	}
	return v.id
}

// seen returns the PDF clerk saw as preview id of the case's letter, if it still
// shows l exactly.
func (p *previews) seen(clerk, caseID, id string, l decision.Letter) ([]byte, bool) {
	p.mu.Lock()
	v, ok := p.kept[previewKey(clerk, caseID)]
	p.mu.Unlock()
	if !ok || id == "" || v.id != id || v.fingerprint != letterFingerprint(l) {
		return nil, false
	}
	return v.pdf, true
}

// forget drops the case's preview of clerk (after signing it).
func (p *previews) forget(clerk, caseID string) {
	k := previewKey(clerk, caseID)
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.kept[k]; !ok {
		return
	}
	delete(p.kept, k)
	for i, o := range p.order {
		if o == k {
			p.order = append(p.order[:i], p.order[i+1:]...)
			break
		}
	}
}

// letterFingerprint hashes everything a letter shows, the logo included.
func letterFingerprint(l decision.Letter) string {
	b, _ := json.Marshal(l) // strings, times and bytes: cannot fail
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
