package model

import "time"

// Channel says how an application reached the municipality.
type Channel string

const (
	ChannelOnline  Channel = "ONLINE"
	ChannelEmail   Channel = "EMAIL"
	ChannelCounter Channel = "SCHALTER"
	ChannelPost    Channel = "POST"
)

// Label returns the German name of the channel.
func (c Channel) Label() string {
	switch c {
	case ChannelOnline:
		return "Online-Antrag"
	case ChannelEmail:
		return "E-Mail"
	case ChannelCounter:
		return "Schalter"
	case ChannelPost:
		return "Post"
	}
	return string(c)
}

// Case is one application (Vorgang) and everything done with it. History lives beside
// it in the store; HistoryHead anchors that chain so a removed last entry is detected.
type Case struct {
	ID         string      `json:"id"`
	Tenant     string      `json:"tenant"`
	OrgUnit    string      `json:"orgUnit"`
	FileNumber string      `json:"fileNumber"`
	Type       string      `json:"type"` // a CaseType code
	LeikaIDs   []string    `json:"leikaIds,omitempty"`
	Title      string      `json:"title"`
	ReceivedAt time.Time   `json:"receivedAt"`
	Channel    Channel     `json:"channel"`
	Applicant  Applicant   `json:"applicant"`
	Form       []FormField `json:"form,omitempty"`

	Representation *Attachment  `json:"representation,omitempty"`
	Attachments    []Attachment `json:"attachments,omitempty"`

	Status     Status `json:"status"`
	PrevStatus Status `json:"prevStatus,omitempty"`
	Assignee   string `json:"assignee,omitempty"` // clerk ID; empty when unassigned
	// Deadlines are calendar dates (midnight UTC); nil when none applies.
	LegalDeadline  *time.Time `json:"legalDeadline,omitempty"`
	TargetDeadline *time.Time `json:"targetDeadline,omitempty"`

	Comments  []Comment      `json:"comments,omitempty"`
	FollowUps []FollowUp     `json:"followUps,omitempty"`
	Messages  []Message      `json:"messages,omitempty"`
	Decisions []DecisionInfo `json:"decisions,omitempty"`

	// Versions of the scalar fields (status, assignee, deadlines) for conflict detection
	// in sync; each local change increments the field's version.
	Versions map[string]uint64 `json:"versions,omitempty"`
	// Version counts every change to the case.
	Version     uint64      `json:"version"`
	CreatedAt   time.Time   `json:"createdAt"`
	UpdatedAt   time.Time   `json:"updatedAt"`
	HistoryHead HistoryHead `json:"historyHead"`
}

// Field names used in Versions and in mutations' base versions.
const (
	FieldStatus         = "status"
	FieldAssignee       = "assignee"
	FieldLegalDeadline  = "legalDeadline"
	FieldTargetDeadline = "targetDeadline"
)

// Applicant is the person or company that applied.
type Applicant struct {
	Name       string    `json:"name"` // full name or company name as shown
	Street     string    `json:"street,omitempty"`
	PostalCode string    `json:"postalCode,omitempty"`
	City       string    `json:"city,omitempty"`
	Email      string    `json:"email,omitempty"`
	Phone      string    `json:"phone,omitempty"`
	Postfach   *Postfach `json:"postfach,omitempty"`
}

// Postfach is the applicant's mailbox address at an ServiceKonto (BundID, BayernID, OSI).
type Postfach struct {
	Type       string `json:"type"` // OSI, BAYERN_ID, BUND_ID
	Identifier string `json:"identifier"`
	TrustLevel string `json:"trustLevel,omitempty"`
}

// FormField is one node of the form-data tree, as in the OZG-Cloud intake formData.
type FormField struct {
	Name  string      `json:"name"`
	Label string      `json:"label"`
	Value string      `json:"value,omitempty"`
	Items []FormField `json:"items,omitempty"`
}

// Attachment is a file of a case; the content lives in the blob store under SHA256.
type Attachment struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	MediaType string    `json:"mediaType"`
	Size      int64     `json:"size"`
	SHA256    string    `json:"sha256"` // hex
	AddedAt   time.Time `json:"addedAt"`
	AddedBy   string    `json:"addedBy"`
}

// Comment is an internal note on a case.
type Comment struct {
	ID   string    `json:"id"`
	At   time.Time `json:"at"`
	By   string    `json:"by"`
	Text string    `json:"text"`
}

// FollowUp (Wiedervorlage) asks for the case to be looked at again on a date.
type FollowUp struct {
	ID        string    `json:"id"`
	Due       time.Time `json:"due"` // calendar date, midnight UTC
	Reason    string    `json:"reason"`
	CreatedAt time.Time `json:"createdAt"`
	By        string    `json:"by"`
	// Owner is the clerk who is to do it when not By (given to a colleague).
	Owner  string     `json:"owner,omitempty"`
	DoneAt *time.Time `json:"doneAt,omitempty"`
	DoneBy string     `json:"doneBy,omitempty"`
}

// Open reports whether the follow-up is still to be done.
func (f FollowUp) Open() bool { return f.DoneAt == nil }

// OwnerID returns the clerk who is to do the follow-up: Owner, else who made it.
func (f FollowUp) OwnerID() string {
	if f.Owner != "" {
		return f.Owner
	}
	return f.By
}

// MessageDirection says who wrote a message.
type MessageDirection string

const (
	MessageOutgoing MessageDirection = "OUT"
	MessageIncoming MessageDirection = "IN"
)

// MessageState tracks delivery of an outgoing message.
type MessageState string

const (
	MessagePending  MessageState = "PENDING" // written here, waiting for sync to deliver it
	MessageSent     MessageState = "SENT"
	MessageReceived MessageState = "RECEIVED"
)

// Message is a message to or from the applicant.
type Message struct {
	ID          string           `json:"id"`
	Direction   MessageDirection `json:"direction"`
	State       MessageState     `json:"state"`
	Subject     string           `json:"subject"`
	Body        string           `json:"body"`
	At          time.Time        `json:"at"`
	By          string           `json:"by"`
	Attachments []Attachment     `json:"attachments,omitempty"`
}

// DecisionInfo is what the case keeps of a decision (Bescheid); the signed PDF is an
// attachment. A signed decision never changes; a correction supersedes it.
type DecisionInfo struct {
	ID           string      `json:"id"`
	Template     string      `json:"template"`
	Title        string      `json:"title"`
	CreatedAt    time.Time   `json:"createdAt"`
	CreatedBy    string      `json:"createdBy"`
	SignedAt     *time.Time  `json:"signedAt,omitempty"`
	Document     *Attachment `json:"document,omitempty"`
	SupersededBy string      `json:"supersededBy,omitempty"`
	Supersedes   string      `json:"supersedes,omitempty"`
	// VerificationCode is the code printed on the signed letter
	// (decision.Letter.VerificationCode); the central service indexes it for
	// GET /v1/verify.
	VerificationCode string `json:"verificationCode,omitempty"`
	// PostedAt is the calendar day the signed letter went out by post (KindPosted).
	PostedAt *time.Time `json:"postedAt,omitempty"`
}

// FillDefaults gives a new case what it may leave out: tenant and orgUnit (the
// municipality's), the status Neu and its type's target deadline from the receipt
// date.
func (c *Case) FillDefaults(tenant, orgUnit string) {
	if c.Tenant == "" {
		c.Tenant = tenant
	}
	if c.OrgUnit == "" {
		c.OrgUnit = orgUnit
	}
	if c.Status == "" {
		c.Status = StatusNeu
	}
	if t, ok := CaseTypeByCode(c.Type); ok && c.TargetDeadline == nil && !c.ReceivedAt.IsZero() {
		d := t.TargetDeadline(c.ReceivedAt)
		c.TargetDeadline = &d
	}
}

// HasSignedDecision reports whether the case holds a signed decision that no later
// decision supersedes.
func (c *Case) HasSignedDecision() bool {
	for _, d := range c.Decisions {
		if d.SignedAt != nil && d.SupersededBy == "" {
			return true
		}
	}
	return false
}

// Files returns every file the case refers to: the representation, the attachments,
// those of its messages and its decisions' documents.
func (c *Case) Files() []Attachment {
	var out []Attachment
	if c.Representation != nil {
		out = append(out, *c.Representation)
	}
	out = append(out, c.Attachments...)
	for _, m := range c.Messages {
		out = append(out, m.Attachments...)
	}
	for _, d := range c.Decisions {
		if d.Document != nil {
			out = append(out, *d.Document)
		}
	}
	return out
}

// Deadline returns the earliest of the legal and target deadlines, or nil.
func (c *Case) Deadline() *time.Time {
	switch {
	case c.LegalDeadline == nil:
		return c.TargetDeadline
	case c.TargetDeadline == nil:
		return c.LegalDeadline
	case c.TargetDeadline.Before(*c.LegalDeadline):
		return c.TargetDeadline
	}
	return c.LegalDeadline
}

// Finished reports whether the case needs no more work (deadlines no longer matter).
func (c *Case) Finished() bool {
	switch c.Status {
	case StatusBeschieden, StatusAbgeschlossen, StatusVerworfen, StatusWeitergeleitet, StatusZuLoeschen:
		return true
	}
	return false
}

// Overdue reports whether an unfinished case has passed its deadline on day today
// (a calendar date, midnight UTC).
func (c *Case) Overdue(today time.Time) bool {
	d := c.Deadline()
	return d != nil && !c.Finished() && d.Before(today)
}

// NextFollowUp returns the earliest open follow-up's due date, or nil.
func (c *Case) NextFollowUp() *time.Time {
	var next *time.Time
	for i := range c.FollowUps {
		f := &c.FollowUps[i]
		if f.Open() && (next == nil || f.Due.Before(*next)) {
			next = &f.Due
		}
	}
	return next
}

// Day truncates t to its calendar date in loc and returns it as midnight UTC, the form
// in which dates are stored.
func Day(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
