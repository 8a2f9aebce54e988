package app

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store/index"
)

const (
	dateLayout = "2006-01-02"
	timeLayout = time.RFC3339
)

func date(t *time.Time) string {
	if t == nil {
		return ""
	}
	return model.FormatDate(*t)
}

func stamp(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(timeLayout)
}

func typeLabel(code string) string {
	if t, ok := model.CaseTypeByCode(code); ok {
		return t.Name
	}
	return code
}

func clerkView(c model.Clerk) ClerkView {
	return ClerkView{ID: c.ID, Name: c.Name, Role: string(c.Role), RoleLabel: c.Role.Label()}
}

// names resolves clerk IDs to names for display; unknown IDs show as they are.
type names map[string]string

func (n names) of(id string) string {
	if id == "" {
		return ""
	}
	if name, ok := n[id]; ok {
		return name
	}
	return id
}

func (a base) names() names {
	clerks, err := a.db.Clerks()
	n := names{"system": labelSystem}
	if err != nil {
		return n
	}
	for _, c := range clerks {
		n[c.ID] = c.Name
	}
	return n
}

func rowView(r index.Row, today int32) CaseRow {
	var deadline string
	if r.Deadline != 0 {
		deadline = model.FormatDate(index.DayTime(r.Deadline))
	}
	return CaseRow{
		ID: r.ID, FileNumber: r.FileNumber, Applicant: r.Applicant,
		Type: r.Type, TypeLabel: r.TypeName,
		Received: model.FormatDate(model.DateOf(time.Unix(r.ReceivedAt, 0))),
		Status:   string(r.Status), StatusLabel: r.Status.Label(),
		Assignee: r.Assignee, AssigneeName: r.AssigneeName,
		Deadline: deadline,
		Overdue:  r.Overdue(today), FollowUpDue: r.FollowUpDue(today),
	}
}

func formView(fields []model.FormField) []FormNode {
	out := make([]FormNode, 0, len(fields))
	for _, f := range fields {
		label := f.Label
		if label == "" {
			label = f.Name
		}
		out = append(out, FormNode{Label: label, Value: f.Value, Items: formView(f.Items)})
	}
	return out
}

func attachmentView(caseID string, at model.Attachment, n names, loc *time.Location, sc scanMarks) AttachmentView {
	v := AttachmentView{
		ID: at.ID, Name: at.Name, MediaType: at.MediaType, Size: at.Size,
		AddedAt: stamp(at.AddedAt, loc), AddedBy: n.of(at.AddedBy),
		URL: "/files/" + url.PathEscape(caseID) + "/" + url.PathEscape(at.ID),
	}
	if v.Scan, v.ScanLabel, v.ScanMessage = sc.of(at); v.ScanMessage != "" {
		v.URL = "" // nothing of it reaches the page
		return v
	}
	switch {
	case at.MediaType == "application/pdf":
		v.Preview = "pdf"
	case strings.HasPrefix(at.MediaType, "image/") && at.MediaType != "image/tiff":
		v.Preview = "image"
	}
	return v
}

var needsReason = map[model.Action]bool{model.ActionVerwerfen: true, model.ActionWeiterleiten: true}

// destructive names the actions that give a case up, with what the UI asks first.
var destructive = map[model.Action]string{
	model.ActionVerwerfen:         msgConfirmVerwerfen,
	model.ActionLoeschenAnfordern: msgConfirmLoeschen,
}

func (a base) detail(c model.Case) (CaseDetail, error) {
	hist, err := a.db.History(c.ID)
	if err != nil {
		return CaseDetail{}, toError(err)
	}
	n := a.names()
	loc, today := a.loc, a.today()
	clerk := a.current()
	sc, err := a.scan.marks(c.Files())
	if err != nil {
		return CaseDetail{}, err
	}
	d := CaseDetail{
		ID: c.ID, Revision: c.HistoryHead.Hash, FileNumber: c.FileNumber, Title: c.Title,
		Type: c.Type, TypeLabel: typeLabel(c.Type),
		Channel: string(c.Channel), ChannelLabel: c.Channel.Label(),
		Received: model.FormatDate(model.DateOf(c.ReceivedAt)),
		Status:   string(c.Status), StatusLabel: c.Status.Label(),
		Assignee: c.Assignee, AssigneeName: n.of(c.Assignee),
		OrgUnit:        c.OrgUnit,
		LegalDeadline:  date(c.LegalDeadline),
		TargetDeadline: date(c.TargetDeadline),
		Overdue:        c.Overdue(today),
		Applicant: ApplicantView{
			Name: c.Applicant.Name, Street: c.Applicant.Street, PostalCode: c.Applicant.PostalCode,
			City: c.Applicant.City, Email: c.Applicant.Email, Phone: c.Applicant.Phone,
		},
		Form:            formView(c.Form),
		Attachments:     []AttachmentView{},
		History:         make([]HistoryView, 0, len(hist)),
		Comments:        []CommentView{},
		FollowUps:       []FollowUpView{},
		Messages:        []MessageView{},
		Decisions:       []DecisionView{},
		Actions:         []ActionView{},
		ScanNotices:     sc.notices(c.Files()),
		MayAssignOthers: clerk.MayAssignOthers() || c.Assignee == "" || c.Assignee == clerk.ID,
	}
	if owner := a.holderFor(clerk, c.Assignee); owner != "" {
		d.Substitute = fmt.Sprintf(fmtSubstitute, n.of(owner))
		d.MayAssignOthers = true // as the absent holder
	}
	if na, err := a.db.NotAcceptedCase(c.ID); err == nil {
		d.NotAccepted = na.Reason
		d.Actions = []ActionView{}
	}
	if m, err := a.db.Municipality(); err == nil && m.OrgUnit == c.OrgUnit && m.OrgUnitName != "" {
		d.OrgUnit = m.OrgUnitName
	}
	if p := c.Applicant.Postfach; p != nil {
		d.Applicant.Postfach = p.Type + ": " + p.Identifier
	}
	if c.Representation != nil {
		v := attachmentView(c.ID, *c.Representation, n, loc, sc)
		d.Representation = &v
	}
	for _, at := range c.Attachments {
		d.Attachments = append(d.Attachments, attachmentView(c.ID, at, n, loc, sc))
	}
	for i := len(hist) - 1; i >= 0; i-- {
		h := hist[i]
		by := h.ByName
		if by == "" {
			by = n.of(h.By)
		}
		d.History = append(d.History, HistoryView{Seq: h.Seq, At: stamp(h.At, loc), By: by, Summary: h.Summary})
	}
	for _, cm := range c.Comments {
		d.Comments = append(d.Comments, CommentView{ID: cm.ID, At: stamp(cm.At, loc), By: n.of(cm.By), Text: cm.Text})
	}
	for _, f := range c.FollowUps {
		v := FollowUpView{ID: f.ID, Due: model.FormatDate(f.Due), Reason: f.Reason, By: n.of(f.By), Done: !f.Open(),
			Owner: n.of(f.OwnerID()), Mine: f.OwnerID() == clerk.ID}
		switch {
		case !f.Open():
			v.State, v.DoneAt = "done", stamp(*f.DoneAt, loc)
		case f.Due.Before(today):
			v.State = "overdue"
		case f.Due.Equal(today):
			v.State = "due"
		default:
			v.State = "open"
		}
		d.FollowUps = append(d.FollowUps, v)
	}
	for _, m := range c.Messages {
		d.Messages = append(d.Messages, MessageView{
			ID: m.ID, Direction: string(m.Direction), State: string(m.State), StateLabel: messageStateLabel(m.State),
			Subject: m.Subject, Body: m.Body, At: stamp(m.At, loc), By: n.of(m.By),
		})
	}
	for _, dec := range c.Decisions {
		v := DecisionView{ID: dec.ID, Title: dec.Title, CreatedAt: stamp(dec.CreatedAt, loc), Signed: dec.SignedAt != nil, SupersededBy: dec.SupersededBy, Supersedes: dec.Supersedes}
		if dec.SignedAt != nil {
			v.SignedAt = stamp(*dec.SignedAt, loc)
		}
		if dec.Document != nil {
			dv := attachmentView(c.ID, *dec.Document, n, loc, sc)
			v.Document = &dv
		}
		if dec.PostedAt != nil {
			v.Posted = model.FormatDate(*dec.PostedAt)
		}
		d.Decisions = append(d.Decisions, v)
	}
	for _, act := range model.Allowed(&c, clerk.Role) {
		if d.NotAccepted != "" {
			break
		}
		t, _ := model.TransitionFor(act)
		confirm := destructive[act]
		d.Actions = append(d.Actions, ActionView{Action: string(act), Label: t.Label, NeedsReason: needsReason[act], Destructive: confirm != "", Confirm: confirm})
	}
	return d, nil
}
