package cloud

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
	if q.MaxStorage <= 0 {
		q.MaxStorage = d.MaxStorage
	}
	if q.MaxAttachment <= 0 {
		q.MaxAttachment = d.MaxAttachment
	}
	if q.MaxIntake <= 0 {
		q.MaxIntake = d.MaxIntake
	}
	return q
}
