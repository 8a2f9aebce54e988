package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/ozgcloud/desktop/cloud"
)

// listDuplicates lists the file numbers several cases of a tenant hold (data
// folders copied or restored before the service checked new cases).
func listDuplicates(ctx context.Context, s *cloud.Service, tenant string, out io.Writer) error {
	dups, err := s.FileNumberDuplicates(ctx, tenant)
	if err != nil {
		return err
	}
	if len(dups) == 0 {
		fmt.Fprintf(out, "Mandant %s: kein Aktenzeichen ist doppelt vergeben.\n", tenant)
		return nil
	}
	fmt.Fprintf(out, "Mandant %s: %d Aktenzeichen doppelt vergeben (Vorgangs-IDs; mit \"filenumber renumber --tenant %s --case ID\" bekommt ein Vorgang ein neues):\n",
		tenant, len(dups), tenant)
	for _, d := range dups {
		fmt.Fprintf(out, "  %s: %s\n", d.FileNumber, strings.Join(d.Cases, " "))
	}
	return nil
}

// cmdFileNumberRenumber gives one case a new file number (cloud.RenumberCase).
func cmdFileNumberRenumber(ctx context.Context, a admin, args []string, out io.Writer) error {
	f := newAdminFlags("filenumber renumber")
	tenant := f.need("tenant", "tenant ID")
	caseID := f.need("case", "ID of the case that gets a new file number")
	if err := f.parse(args); err != nil {
		return err
	}
	return a.with(ctx, f.store, out, func(s *cloud.Service) error {
		fn, err := s.RenumberCase(ctx, *tenant, *caseID)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Vorgang %s hat das neue Aktenzeichen %s; die PCs zeigen es nach der nächsten Synchronisierung.\n", *caseID, fn)
		return nil
	})
}
