package wire

import (
	"fmt"
	"maps"
	"slices"

	"github.com/ozgcloud/desktop/model"
)

// Merge folds consecutive entries of one case's log (ascending Seq) into the one
// change a page carries for them: the whole case when one of them carries it (with
// the later patches applied), otherwise one patch; all their history entries,
// mutations and conflicts; the last entry's Seq and Tx. Patches are merged before
// they are applied, so folding n comments into a case costs what the n comments do,
// not n copies of the case. Sums stay beside their mutations (an entry from before
// version 4 has none: its mutations get empty sums when others have some).
// ErrChange when the entries do not fit together.
func Merge(chs []Change) (Change, error) {
	if len(chs) == 0 {
		return Change{}, fmt.Errorf("%w: nothing to merge", ErrChange)
	}
	out := Change{CaseID: chs[0].CaseID}
	var (
		full  *model.Case
		patch *model.CasePatch
		sums  bool
	)
	for _, ch := range chs {
		out.Seq, out.Tx = ch.Seq, ch.Tx
		out.History = append(out.History, ch.History...)
		if len(ch.Sums) == len(ch.Mutations) {
			out.Sums = append(out.Sums, ch.Sums...)
			sums = sums || len(ch.Sums) > 0
		} else {
			out.Sums = append(out.Sums, make([]string, len(ch.Mutations))...)
		}
		out.Mutations = append(out.Mutations, ch.Mutations...)
		out.Conflicts = append(out.Conflicts, ch.Conflicts...)
		switch {
		case ch.CaseID != out.CaseID:
			return Change{}, fmt.Errorf("%w: change %d of case %s merged into case %s", ErrChange, ch.Seq, ch.CaseID, out.CaseID)
		case ch.Case != nil:
			full, patch = ch.Case, nil
		case ch.Patch == nil:
			return Change{}, fmt.Errorf("%w: change %d of case %s carries neither the case nor a patch", ErrChange, ch.Seq, ch.CaseID)
		case patch == nil:
			// A copy that Merge may extend: the entries stay as they were.
			p := *ch.Patch
			p.Fields = maps.Clone(p.Fields)
			p.Comments, p.Messages = slices.Clip(p.Comments), slices.Clip(p.Messages)
			patch = &p
		default:
			if err := patch.Merge(*ch.Patch); err != nil {
				return Change{}, fmt.Errorf("%w: change %d of case %s: %w", ErrChange, ch.Seq, ch.CaseID, err)
			}
		}
	}
	if !sums {
		out.Sums = nil
	}
	switch {
	case full != nil && patch != nil:
		c := *full
		if err := model.ApplyPatch(&c, *patch); err != nil {
			return Change{}, fmt.Errorf("%w: case %s up to change %d: %w", ErrChange, out.CaseID, out.Seq, err)
		}
		out.Case = &c
	case full != nil:
		out.Case = full
	default:
		out.Patch = patch
	}
	return out, nil
}
