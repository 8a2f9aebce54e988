package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/ozgcloud/desktop/cloud"
)

// sizeFlag is a quota given on the command line; set reports whether it was given.
type sizeFlag struct {
	n   int64
	set bool
}

func (f *sizeFlag) String() string { return strconv.FormatInt(f.n, 10) }

func (f *sizeFlag) Set(s string) error {
	n, err := parseSize(s)
	if err != nil {
		return err
	}
	f.n, f.set = n, true
	return nil
}

var sizeUnits = map[string]int64{
	"": 1, "b": 1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
}

var errSize = errors.New(`a size is bytes or a number with KB, MB, GB, TB, KiB, MiB, GiB or TiB (20GiB), or "default"`)

// parseSize reads "20GiB", "1.5 GB", "1048576" or "default" (0: the service's
// default). Sizes are positive and at most 8 EiB.
func parseSize(s string) (int64, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "default" {
		return 0, nil
	}
	i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i < 0 {
		i = len(s)
	}
	num, unit := s[:i], strings.TrimSpace(s[i:])
	mult, ok := sizeUnits[unit]
	v, err := strconv.ParseFloat(num, 64)
	if !ok || err != nil || v <= 0 || v*float64(mult) >= 1<<63 {
		return 0, fmt.Errorf("%q: %w", s, errSize)
	}
	n := int64(v * float64(mult))
	if n < 1 {
		return 0, fmt.Errorf("%q: %w", s, errSize)
	}
	return n, nil
}

func cmdTenantSet(ctx context.Context, a admin, args []string, out io.Writer) error {
	f := newAdminFlags("tenant set")
	var storage, attachment, intake sizeFlag
	f.Var(&storage, "max-storage", "bytes of attachments the tenant may store (complete and in upload)")
	f.Var(&attachment, "max-attachment", "bytes of one attachment, from a desktop or a form server")
	f.Var(&intake, "max-intake", "bytes of one online application from a form server, decompressed")
	offline := f.Int("offline-days", -1, fmt.Sprintf("days a clerk who signed in online may sign in on that PC offline (1 to %d; 0: the default of 14)", cloud.MaxOfflineDays))
	tenant, err := f.parseArg(args, "the tenant ID")
	if err != nil {
		return err
	}
	quota := storage.set || attachment.set || intake.set
	if !quota && *offline < 0 {
		return fmt.Errorf("%w: tenant set needs --max-storage, --max-attachment, --max-intake or --offline-days", errUsage)
	}
	return a.with(ctx, f.store, out, func(s *cloud.Service) error {
		if *offline >= 0 {
			if err := s.SetOfflineDays(ctx, tenant, *offline); err != nil {
				return err
			}
			fmt.Fprintln(out, "Offline-Zeitraum gesetzt.")
		}
		if !quota {
			return showUsage(ctx, s, tenant, out)
		}
		_, err := s.UpdateTenantQuota(ctx, tenant, func(q *cloud.Quota) {
			for _, f := range []struct {
				flag *sizeFlag
				to   *int64
			}{{&storage, &q.MaxStorage}, {&attachment, &q.MaxAttachment}, {&intake, &q.MaxIntake}} {
				if f.flag.set {
					*f.to = f.flag.n
				}
			}
		})
		if err != nil {
			return err
		}
		fmt.Fprintln(out, "Kontingent gesetzt.")
		return showUsage(ctx, s, tenant, out)
	})
}

func cmdTenantShow(ctx context.Context, a admin, args []string, out io.Writer) error {
	f := newAdminFlags("tenant show")
	tenant, err := f.parseArg(args, "the tenant ID")
	if err != nil {
		return err
	}
	return a.with(ctx, f.store, out, func(s *cloud.Service) error { return showUsage(ctx, s, tenant, out) })
}

// showUsage prints a tenant's usage against its quota.
func showUsage(ctx context.Context, s *cloud.Service, tenant string, out io.Writer) error {
	u, err := s.TenantUsage(ctx, tenant)
	if err != nil {
		return err
	}
	origin := func(set int64) string {
		if set == 0 {
			return " (Standard)"
		}
		return ""
	}
	fmt.Fprintf(out, "Mandant %s (%s)\n", u.Tenant.ID, u.Tenant.Name)
	fmt.Fprintf(out, "  Speicher für Anlagen:  %s von %s belegt (%d %%)%s\n", cloud.FormatBytes(u.StoredBytes),
		cloud.FormatBytes(u.Quota.MaxStorage), u.StoredBytes*100/u.Quota.MaxStorage, origin(u.Set.MaxStorage))
	fmt.Fprintf(out, "  Größte Anlage:         %s%s\n", cloud.FormatBytes(u.Quota.MaxAttachment), origin(u.Set.MaxAttachment))
	fmt.Fprintf(out, "  Größter Online-Antrag: %s%s\n", cloud.FormatBytes(u.Quota.MaxIntake), origin(u.Set.MaxIntake))
	period, err := s.OfflinePeriod(ctx, tenant)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  Offline-Anmeldung:     %d Tage nach der letzten Anmeldung am PC\n", int(period/(24*time.Hour)))
	fmt.Fprintf(out, "  Unfertige Uploads:     %d", u.Uploads)
	if !u.OldestUpload.IsZero() {
		fmt.Fprintf(out, ", der älteste angekündigt %s", u.OldestUpload.UTC().Format("2006-01-02 15:04 MST"))
	}
	fmt.Fprintln(out)
	return nil
}
