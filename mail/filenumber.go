package mail

import "regexp"

// fileNumberRE matches file numbers made by model.FileNumber (PREFIX-YEAR-SEQ-DEVICE,
// for example BAU-2026-0042-A7), not glued to other letters or digits.
var fileNumberRE = regexp.MustCompile(`(?:^|[^A-Za-z0-9])([A-Z]{2,8}-(?:19|20)\d\d-\d{4,9}-[A-Z0-9]{1,8})(?:$|[^A-Za-z0-9-])`)

// FileNumbers returns the distinct file numbers named in texts (subject first, then
// body), in the order they first appear.
func FileNumbers(texts ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range texts {
		// Matches share their delimiters, so search again from the end of each number.
		for len(t) > 0 {
			loc := fileNumberRE.FindStringSubmatchIndex(t)
			if loc == nil {
				break
			}
			fn := t[loc[2]:loc[3]]
			if !seen[fn] {
				seen[fn] = true
				out = append(out, fn)
			}
			t = t[loc[3]:]
		}
	}
	return out
}
