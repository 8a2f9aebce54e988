package cloud

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Quota bounds what one tenant may put on the service; a zero field takes the
// service's default (Options.Quota, else DefaultQuota). Case data is not counted:
// it grows with what clerks write and is bounded by the push limits; attachments
// are what can fill a disk.
type Quota struct {
	// MaxStorage bounds the bytes of the tenant's attachments: complete ones and the
	// chunks of unfinished uploads, each chunk counted once however often it was
	// sent.
	MaxStorage int64 `json:"maxStorage,omitempty"`
	// MaxAttachment bounds one attachment, uploaded by a desktop or sent by a form
	// server.
	MaxAttachment int64 `json:"maxAttachment,omitempty"`
	// MaxIntake bounds one online application from a form server: the bytes of its
	// whole body after decompression.
	MaxIntake int64 `json:"maxIntake,omitempty"`
}

// DefaultQuota is the quota of a tenant nobody set one for: room for the files of a
// small municipality for years (50 GiB), an attachment as large as the desktop lets
// a clerk add (100 MiB), and an online application with the scans an applicant
// uploads (50 MiB).
func DefaultQuota() Quota {
	return Quota{MaxStorage: 50 << 30, MaxAttachment: 100 << 20, MaxIntake: 50 << 20}
}

// Or fills the zero fields of q from d.
func (q Quota) Or(d Quota) Quota {
	setDefault(&q.MaxStorage, d.MaxStorage)
	setDefault(&q.MaxAttachment, d.MaxAttachment)
	setDefault(&q.MaxIntake, d.MaxIntake)
	return q
}

// setDefault sets *v to d when *v is not positive (not set). Unlike orDefault of
// the request limits, a negative value is no "no limit" here.
func setDefault[N int | int64](v *N, d N) {
	if *v <= 0 {
		*v = d
	}
}

// ErrQuota is wrapped by every refusal for a tenant's quota; errors.As with a
// *QuotaError tells which.
var ErrQuota = errors.New("cloud: quota exceeded")

// QuotaError refuses what would break a tenant's quota; the HTTP layer answers 413
// with wire.CodeQuota, Reason and the German Message.
type QuotaError struct {
	Reason  string // "storage", "attachment" or "intake" (wire.Error.Reason)
	Message string // German, for the clerk or whoever runs the form server
}

func (e *QuotaError) Error() string { return "cloud: quota " + e.Reason + ": " + e.Message }
func (e *QuotaError) Unwrap() error { return ErrQuota }

// quotaOf is the tenant's quota with the service's defaults filled in.
func (s *Service) quotaOf(tx TenantTx) (Quota, error) {
	q, err := tx.Quota()
	if err != nil {
		return Quota{}, fmt.Errorf("cloud: quota of %s: %w", tx.Tenant(), err)
	}
	return q.Or(s.quota), nil
}

// checkStorage refuses adding more bytes than the tenant's storage quota leaves.
func checkStorage(tx TenantTx, more int64, q Quota) error {
	used, err := tx.StoredBytes()
	if err != nil {
		return err
	}
	if used+more > q.MaxStorage {
		return &QuotaError{Reason: "storage", Message: fmt.Sprintf(
			"Der Speicherplatz der Gemeinde in der OZG-Cloud ist aufgebraucht (%s von %s belegt). Bitte wenden Sie sich an die Administration.",
			FormatBytes(used), FormatBytes(q.MaxStorage))}
	}
	return nil
}

func attachmentQuota(size int64, q Quota) error {
	return &QuotaError{Reason: "attachment", Message: fmt.Sprintf(
		"Die Datei ist zu groß für die OZG-Cloud (%s, höchstens %s).", FormatBytes(size), FormatBytes(q.MaxAttachment))}
}

// FormatBytes writes n in the largest binary unit that keeps it at 1 or more, with
// one decimal in German style: "1,5 GiB", "100 MiB", "512 B".
func FormatBytes(n int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	v, u := float64(n), 0
	for v >= 1024 && u < len(units)-1 {
		v /= 1024
		u++
	}
	s := strconv.FormatFloat(v, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	return strings.Replace(s, ".", ",", 1) + " " + units[u]
}

// intakeQuota is the tenant's quota with the defaults filled in, read before an
// intake body is: it bounds the body.
func (s *Service) intakeQuota(ctx context.Context, tenant string) (Quota, error) {
	return viewOf(ctx, s.store, tenant, s.quotaOf)
}
