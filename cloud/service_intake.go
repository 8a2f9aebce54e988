package cloud

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// intakeActor is who takes in online applications in history entries.
var intakeActor = model.Clerk{ID: "system", Name: "OZG-Cloud", Role: model.RoleAdministration}

// Intake makes a case from a submission in the credential's tenant, routed by
// ZustaendigeStelle to the org unit (ErrBadRequest naming the unknown unit; an org
// unit of another tenant is answered exactly like an unknown one); idempotent by
// TransactionID (a retry returns the same case id, created=false).
//
// The case: channel ONLINE, status NEU, the case type whose LeiKa ids match (else
// SONSTIGES), title from control.name, the applicant from the service account and
// the form (see applicantFromForm), the form tree, the representation and the
// attachments as blobs of the tenant, a file number of the service (device code
// ServerDeviceCode), and one history entry "Online-Antrag eingegangen".
func (s *Service) Intake(ctx context.Context, c IntakeCredential, sub Submission) (wire.IntakeResponse, bool, error) {
	if strings.TrimSpace(sub.TransactionID) == "" {
		return wire.IntakeResponse{}, false, fmt.Errorf("%w: transactionId fehlt (missing)", ErrBadRequest)
	}
	ou, err := lookup(ctx, s, func(r RegistryTx) (OrgUnit, error) { return r.OrgUnit(sub.ZustaendigeStelle) })
	if errors.Is(err, ErrNotFound) || (err == nil && ou.Tenant != c.Tenant) {
		return wire.IntakeResponse{}, false, fmt.Errorf("%w: unbekannte zuständige Stelle %q (unknown zustaendigeStelle)", ErrBadRequest, sub.ZustaendigeStelle)
	}
	if err != nil {
		return wire.IntakeResponse{}, false, fmt.Errorf("cloud: intake: %w", err)
	}
	if id, err := s.intakeCase(ctx, c.Tenant, sub.TransactionID); err == nil {
		return wire.IntakeResponse{CaseID: id}, false, nil
	} else if !errors.Is(err, ErrNotFound) {
		return wire.IntakeResponse{}, false, fmt.Errorf("cloud: intake: %w", err)
	}

	now := s.now().UTC()
	var files []model.Attachment
	store := func(f IntakeFile) error {
		sha, m, err := s.storeFile(ctx, c.Tenant, f.Path)
		if err != nil {
			return err
		}
		if f.SHA256 != "" && f.SHA256 != sha {
			return fmt.Errorf("cloud: intake file %s changed after it was received", f.Name)
		}
		id, err := s.newID()
		if err != nil {
			return err
		}
		files = append(files, model.Attachment{
			ID: id, Name: f.Name, MediaType: f.MediaType, Size: m.Size, SHA256: sha,
			AddedAt: now, AddedBy: intakeActor.ID,
		})
		return nil
	}
	if sub.Representation != nil {
		if err := store(*sub.Representation); err != nil {
			return wire.IntakeResponse{}, false, err
		}
	}
	for _, f := range sub.Attachments {
		if err := store(f); err != nil {
			return wire.IntakeResponse{}, false, err
		}
	}
	caseID, err := s.newID()
	if err != nil {
		return wire.IntakeResponse{}, false, err
	}

	created := false
	var seq uint64
	err = s.store.Update(ctx, c.Tenant, func(tx TenantTx) error {
		if id, err := tx.IntakeCase(sub.TransactionID); err == nil {
			caseID = id // a concurrent retry won
			return nil
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		for _, f := range files {
			// storeFile recorded each as complete, and complete blobs stay.
			if _, _, err := tx.Blob(f.SHA256); err != nil {
				return fmt.Errorf("cloud: intake file %s: %w", f.SHA256, err)
			}
		}
		cs := intakeCaseOf(sub, ou, now)
		cs.ID = caseID
		t, _ := model.CaseTypeByCode(cs.Type)
		n, err := nextFileNumber(tx, t.Prefix, now.Year())
		if err != nil {
			return err
		}
		cs.FileNumber = model.FileNumber(t.Prefix, now.Year(), n, ServerDeviceCode)
		if sub.Representation != nil {
			a := files[0]
			cs.Representation = &a
			files = files[1:]
		}
		cs.Attachments = append(cs.Attachments, files...)
		m, err := model.NewMutation(cs.ID, model.KindCreate, model.CreatePayload{Case: cs})
		if err != nil {
			return err
		}
		m.At, m.User = now, intakeActor.ID
		next := model.Case{}
		if _, err := model.Apply(&next, m, intakeActor); err != nil {
			return fmt.Errorf("%w: %v", ErrBadRequest, err)
		}
		e := model.HistoryEntry{
			CaseID: next.ID, At: now, By: intakeActor.ID, ByName: intakeActor.Name,
			Kind: string(model.KindCreate), Summary: "Online-Antrag eingegangen",
		}
		next.HistoryHead = e.Seal(next.HistoryHead)
		if err := tx.PutIntake(sub.TransactionID, next.ID); err != nil {
			return err
		}
		st, err := s.newStamp(tx)
		if err != nil {
			return err
		}
		seq, err = appendNew(tx, st, next, []model.HistoryEntry{e}, applied{})
		created = true
		return err
	})
	if err != nil {
		return wire.IntakeResponse{}, false, fmt.Errorf("cloud: intake: %w", err)
	}
	if created {
		s.hub.poke(c.Tenant, seq)
		s.log.Info("intake", "tenant", c.Tenant, "orgunit", ou.ID, "case", caseID, "attachments", len(sub.Attachments))
	}
	return wire.IntakeResponse{CaseID: caseID}, created, nil
}

func (s *Service) intakeCase(ctx context.Context, tenant, transactionID string) (string, error) {
	return viewOf(ctx, s.store, tenant, func(tx TenantTx) (string, error) { return tx.IntakeCase(transactionID) })
}

// nextFileNumber counts the service's file numbers per prefix and year. The counter
// lives in the tenant's device sequences under a key no device ID can have (device
// IDs never hold a colon), so it commits with the case and needs no table of its own.
func nextFileNumber(tx TenantTx, prefix string, year int) (uint64, error) {
	key := fmt.Sprintf("fileno:%s:%d", prefix, year)
	n, err := tx.DeviceSeq(key)
	if err != nil {
		return 0, err
	}
	n++
	return n, tx.SetDeviceSeq(key, n)
}

// intakeCaseOf builds the case of a submission, without ID and file number.
func intakeCaseOf(sub Submission, ou OrgUnit, now time.Time) model.Case {
	t := caseTypeOf(sub.LeikaIDs)
	c := model.Case{
		Tenant: ou.Tenant, OrgUnit: ou.ID, Type: t.Code, LeikaIDs: sub.LeikaIDs,
		Title: strings.TrimSpace(sub.Name), ReceivedAt: now, Channel: model.ChannelOnline,
		Applicant: applicantFromForm(sub.Form), Form: sub.Form, Status: model.StatusNeu,
	}
	if c.Title == "" {
		c.Title = t.Name
	}
	if sub.ServiceKonto != nil {
		pf := *sub.ServiceKonto
		c.Applicant.Postfach = &pf
	}
	d := t.TargetDeadline(now)
	c.TargetDeadline = &d
	return c
}

func caseTypeOf(leika []string) model.CaseType {
	for _, t := range model.CaseTypes {
		for _, id := range t.LeikaIDs {
			for _, l := range leika {
				if l == id {
					return t
				}
			}
		}
	}
	t, _ := model.CaseTypeByCode("SONSTIGES")
	return t
}

// applicantKeys maps form field names (the last dot-separated part, lower case, as
// form servers name them) to applicant fields. The first non-empty match in the tree
// (depth first) wins.
var applicantKeys = map[string]string{
	"vorname": "first", "firstname": "first", "givenname": "first",
	"nachname": "last", "familienname": "last", "name": "last", "lastname": "last", "surname": "last",
	"firmenname": "company", "firma": "company", "organisation": "company", "company": "company",
	"strasse": "street", "straße": "street", "street": "street",
	"hausnummer": "number", "housenumber": "number", "hausnr": "number",
	"plz": "postal", "postleitzahl": "postal", "postalcode": "postal", "zip": "postal",
	"ort": "city", "wohnort": "city", "stadt": "city", "city": "city",
	"email": "email", "e-mail": "email", "emailadresse": "email", "mail": "email",
	"telefon": "phone", "telefonnummer": "phone", "tel": "phone", "phone": "phone",
}

// applicantFromForm finds the applicant in the form tree: "Vorname Nachname" (or the
// company name), street with house number, postal code, city, e-mail and phone, by
// the field names of applicantKeys. An application without a recognizable name
// gets "Unbekannt (Online-Antrag)", for the clerk to complete from the form.
func applicantFromForm(form []model.FormField) model.Applicant {
	found := map[string]string{}
	var walk func([]model.FormField)
	walk = func(fs []model.FormField) {
		for _, f := range fs {
			name := strings.ToLower(f.Name)
			if i := strings.LastIndexByte(name, '.'); i >= 0 {
				name = name[i+1:]
			}
			if k, ok := applicantKeys[name]; ok && strings.TrimSpace(f.Value) != "" && found[k] == "" {
				found[k] = strings.TrimSpace(f.Value)
			}
			walk(f.Items)
		}
	}
	walk(form)
	a := model.Applicant{
		Name:   strings.TrimSpace(found["first"] + " " + found["last"]),
		Street: strings.TrimSpace(found["street"] + " " + found["number"]),
		City:   found["city"], Email: found["email"], Phone: found["phone"],
	}
	if a.Name == "" {
		a.Name = found["company"]
	}
	if a.Name == "" {
		a.Name = "Unbekannt (Online-Antrag)"
	}
	if model.ValidPostalCode(found["postal"]) {
		a.PostalCode = found["postal"]
	}
	if !strings.Contains(a.Email, "@") {
		a.Email = ""
	}
	return a
}

// Verify answers GET /v1/verify/{code}: whether a signed decision with the code was
// synced to the service, and what the printed decision already shows.
func (s *Service) Verify(ctx context.Context, code string) (wire.VerifyResponse, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if len(code) != 19 || !verificationCode.MatchString(code) {
		return wire.VerifyResponse{}, nil
	}
	v, err := lookup(ctx, s, func(r RegistryTx) (Verification, error) { return r.Verification(code) })
	if errors.Is(err, ErrNotFound) {
		return wire.VerifyResponse{}, nil
	}
	if err != nil {
		return wire.VerifyResponse{}, fmt.Errorf("cloud: verify: %w", err)
	}
	at := v.SignedAt
	return wire.VerifyResponse{Found: true, FileNumber: v.FileNumber, SignedAt: &at, Hash: v.Hash}, nil
}
