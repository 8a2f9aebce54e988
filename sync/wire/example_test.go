package wire_test

import (
	"fmt"
	"strings"

	"github.com/ozgcloud/desktop/sync/wire"
)

// A server reads a push body with a bound, then walks the batch against the device's
// lastSeq; a seq it consumed is skipped only when the sum is the one it recorded.
func Example() {
	body := `{"incarnation":"0b6e9f2c41d87a35","acked":3,"mutations":[
	  {"id":"dev-a:4","device":"dev-a","seq":4,"caseId":"case-1","kind":"case.assign",
	   "payload":{"assignee":"clerk-1"},"user":"clerk-1","at":"2026-03-02T09:30:00Z"},
	  {"id":"dev-a:5","device":"dev-a","seq":5,"caseId":"case-1","kind":"comment.add",
	   "payload":{"comment":{"id":"c-1","at":"2026-03-02T09:31:00Z","by":"clerk-1","text":"Rückruf"}},
	   "user":"clerk-1","at":"2026-03-02T09:31:00Z"}]}`
	req, err := wire.DecodePush(strings.NewReader(body), wire.MaxBodyPush)
	if err != nil {
		fmt.Println(err)
		return
	}
	lastSeq := uint64(4) // the server already applied dev-a:4 before a lost answer
	sums := map[uint64]string{4: req.Mutations[0].Sum()}
	resp := wire.PushResponse{LastSeq: lastSeq}
	for _, m := range req.Mutations {
		if m.Seq <= lastSeq && sums[m.Seq] != m.Sum() {
			resp.Fence = wire.FenceDiverged // another mutation took this seq
			break
		}
		if m.Seq <= lastSeq {
			resp.Results = append(resp.Results, wire.PushResult{Seq: m.Seq, Status: wire.StatusSkipped})
			continue
		}
		lastSeq = m.Seq // applied in the same transaction as its effects
		resp.LastSeq = lastSeq
		resp.Results = append(resp.Results, wire.PushResult{Seq: m.Seq, Status: wire.StatusApplied})
	}
	fmt.Println(resp.Validate(), resp.LastSeq, resp.Results[0].Status, resp.Results[1].Status)

	_, err = wire.DecodePush(strings.NewReader(`{"incarnation":"0b6e9f2c41d87a35","mutations":[],"tenant":"other"}`), wire.MaxBodyPush)
	fmt.Println(err)
	// Output:
	// <nil> 5 skipped applied
	// wire: malformed body: push request: json: unknown field "tenant"
}
