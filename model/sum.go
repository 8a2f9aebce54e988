package model

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
)

// Sum returns the mutation's content sum: the first 8 bytes of the SHA-256 of its
// JSON, base64url without padding (11 characters). The desktop computes it over its
// outbox and the central service over what it received, and both get the same,
// since the JSON of a decoded mutation is the JSON it was decoded from (the payload
// travels as raw JSON, compacted the same way each time). The service answers
// "skipped" for a seq it has consumed only when the sums agree, so a restored or
// copied PC that reuses a seq for other work is told so instead of losing it, and
// the change log names the sum of every applied mutation, so a PC takes a log entry
// for its own only when it is. 64 bits tell one PC's mutation from another's with
// the same seq by chance (a copied store) with certainty enough; they are no defence
// against a forger, who would hold the device's token anyway, and every log entry
// carries one, so they are kept short.
func (m Mutation) Sum() string {
	b, err := json.Marshal(m)
	if err != nil {
		// Only a payload that is not JSON fails; it is summed as it is.
		b = append([]byte(m.ID+"\x00"+string(m.Kind)+"\x00"), m.Payload...)
	}
	h := sha256.Sum256(b)
	return base64.RawURLEncoding.EncodeToString(h[:8])
}
