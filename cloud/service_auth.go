package cloud

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// EnrollmentValidity is how long a one-time enrollment code may be used.
const EnrollmentValidity = 24 * time.Hour

// codeAlphabet leaves out letters and digits that are easily confused when a code
// is read out on the phone (I, O, 0, 1).
const codeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// ServerDeviceCode is the device component of file numbers made by the service
// itself (intake). Device codes of desktops are two letters and a digit, so they
// never equal it.
const ServerDeviceCode = "SV"

// registryRead runs fn over the registry, read-only when the storage offers it: a
// token lookup on every request should not cost a write transaction.
func (s *Service) registryRead(ctx context.Context, fn func(RegistryTx) error) error {
	if v, ok := s.store.(RegistryViewer); ok {
		return v.RegistryView(ctx, fn)
	}
	return s.store.Registry(ctx, fn)
}

// lookup returns what read finds in a registry read (see registryRead).
func lookup[T any](ctx context.Context, s *Service, read func(RegistryTx) (T, error)) (T, error) {
	var v T
	err := s.registryRead(ctx, func(r RegistryTx) error {
		var err error
		v, err = read(r)
		return err
	})
	return v, err
}

// viewOf returns what read finds in a View of tenant.
func viewOf[T any](ctx context.Context, st Storage, tenant string, read func(TenantTx) (T, error)) (T, error) {
	var v T
	err := st.View(ctx, tenant, func(tx TenantTx) error {
		var err error
		v, err = read(tx)
		return err
	})
	return v, err
}

// RegistryViewer is an optional Storage method: a read-only registry transaction.
// The service uses it for lookups when the storage has it.
type RegistryViewer interface {
	RegistryView(ctx context.Context, fn func(RegistryTx) error) error
}

// normalizeCode makes a code typed by a person comparable: upper case, no dashes
// or blanks.
func normalizeCode(code string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' {
			return -1
		}
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, code)
}

// newCode returns 16 characters of codeAlphabet (80 bits) in groups of four.
func (s *Service) newCode() (string, error) {
	b, err := s.randomBytes(16)
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	for i, x := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(codeAlphabet[int(x)%len(codeAlphabet)])
	}
	return sb.String(), nil
}

func (s *Service) newToken() (string, error) {
	b, err := s.randomBytes(32)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Enroll exchanges a one-time code for a device identity (ErrEnrollment when the code
// is unknown, used or expired). The device gets a code of two letters and a digit,
// unused in its tenant.
func (s *Service) Enroll(ctx context.Context, code string) (wire.EnrollResponse, error) {
	hash := hashSecret(normalizeCode(code))
	// Before the code is used: a device enrolled without the grant key could not
	// check grants offline.
	id, token, pick, grantKey, err := s.deviceSecrets(ctx)
	if err != nil {
		return wire.EnrollResponse{}, err
	}
	now := s.now().UTC()
	var resp wire.EnrollResponse
	err = s.store.Registry(ctx, func(r RegistryTx) error {
		e, err := r.Enrollment(hash)
		if errors.Is(err, ErrNotFound) {
			return ErrEnrollment
		}
		if err != nil {
			return err
		}
		if e.UsedAt != nil || !now.Before(e.Expires) {
			return ErrEnrollment
		}
		devs, err := r.Devices(e.Tenant)
		if err != nil {
			return err
		}
		dc, err := deviceCode(devs, pick)
		if err != nil {
			return err
		}
		d := Device{ID: id, Tenant: e.Tenant, Code: dc, TokenHash: hashSecret(token), Enrolled: now}
		if err := r.PutDevice(d); err != nil {
			return err
		}
		e.UsedAt, e.UsedBy = &now, id
		if err := r.PutEnrollment(e); err != nil {
			return err
		}
		resp = wire.EnrollResponse{DeviceID: id, Token: token, Tenant: e.Tenant, DeviceCode: dc, GrantKey: grantKey}
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrEnrollment) {
			// Not logged here: the HTTP layer counts refused codes per interval, so
			// a guesser cannot fill the log.
			return wire.EnrollResponse{}, ErrEnrollment
		}
		return wire.EnrollResponse{}, fmt.Errorf("cloud: enroll: %w", err)
	}
	s.log.Info("device enrolled", "tenant", resp.Tenant, "device", resp.DeviceID, "code", resp.DeviceCode)
	return resp, nil
}

// deviceCode picks two letters and a digit not used by devs: first from the random
// bytes, then the first free one in order.
func deviceCode(devs []Device, pick []byte) (string, error) {
	used := make(map[string]bool, len(devs))
	for _, d := range devs {
		used[d.Code] = true
	}
	const letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	code := func(n int) string {
		return string([]byte{letters[n/240%24], letters[n/10%24], byte('0' + n%10)})
	}
	for i := 0; i+1 < len(pick); i += 2 {
		c := code((int(pick[i])<<8 | int(pick[i+1])) % 5760)
		if !used[c] {
			return c, nil
		}
	}
	for n := range 5760 {
		if c := code(n); !used[c] {
			return c, nil
		}
	}
	return "", fmt.Errorf("cloud: all device codes of the tenant are taken")
}

// Authenticate returns the device of a bearer token (ErrUnauthorized when unknown or
// revoked).
func (s *Service) Authenticate(ctx context.Context, token string) (Device, error) {
	return byToken(ctx, s, "authenticate", token, RegistryTx.DeviceByToken,
		func(d Device) bool { return d.RevokedAt != nil })
}

// AuthenticateIntake returns the intake credential of a bearer token (ErrUnauthorized).
func (s *Service) AuthenticateIntake(ctx context.Context, token string) (IntakeCredential, error) {
	return byToken(ctx, s, "authenticate intake", token, RegistryTx.IntakeCredentialByToken,
		func(c IntakeCredential) bool { return c.RevokedAt != nil })
}

// byToken returns the record that find looks up by a bearer token's hash:
// ErrUnauthorized when the token is empty, unknown or revoked.
func byToken[T any](ctx context.Context, s *Service, what, token string, find func(RegistryTx, string) (T, error), revoked func(T) bool) (T, error) {
	var zero T
	if token == "" {
		return zero, ErrUnauthorized
	}
	v, err := lookup(ctx, s, func(r RegistryTx) (T, error) { return find(r, hashSecret(token)) })
	if errors.Is(err, ErrNotFound) || (err == nil && revoked(v)) {
		return zero, ErrUnauthorized
	}
	if err != nil {
		return zero, fmt.Errorf("cloud: %s: %w", what, err)
	}
	return v, nil
}

// Administration, called by cmd/ozgcloud-server's subcommands. Each returns what it
// made; secrets (codes, tokens) are returned once and only their hashes are stored.

// AddTenant registers a tenant (ErrExists when the ID is taken).
func (s *Service) AddTenant(ctx context.Context, id, name string) (Tenant, error) {
	id, name = strings.TrimSpace(id), strings.TrimSpace(name)
	if id == "" || name == "" || strings.ContainsAny(id, "\x00/:") {
		return Tenant{}, fmt.Errorf("%w: tenant id and name required (no / or :)", ErrBadRequest)
	}
	t := Tenant{ID: id, Name: name, Created: s.now().UTC()}
	err := s.store.Registry(ctx, func(r RegistryTx) error {
		if _, err := r.Tenant(id); err == nil {
			return fmt.Errorf("tenant %s: %w", id, ErrExists)
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		return r.PutTenant(t)
	})
	if err != nil {
		return Tenant{}, fmt.Errorf("cloud: add tenant: %w", err)
	}
	s.log.Info("tenant added", "tenant", id)
	return t, nil
}

// requireTenant fails with ErrNotFound when the tenant is not registered.
func requireTenant(r RegistryTx, tenant string) error {
	_, err := r.Tenant(tenant)
	return err
}

// AddOrgUnit registers a receiving office of tenant; id is what form servers send as
// zustaendigeStelle (ErrExists when another tenant has it).
func (s *Service) AddOrgUnit(ctx context.Context, tenant, id, name string) (OrgUnit, error) {
	id, name = strings.TrimSpace(id), strings.TrimSpace(name)
	if id == "" || name == "" {
		return OrgUnit{}, fmt.Errorf("%w: org unit id and name required", ErrBadRequest)
	}
	o := OrgUnit{ID: id, Tenant: tenant, Name: name}
	err := s.store.Registry(ctx, func(r RegistryTx) error {
		if err := requireTenant(r, tenant); err != nil {
			return err
		}
		return r.PutOrgUnit(o)
	})
	if err != nil {
		return OrgUnit{}, fmt.Errorf("cloud: add org unit: %w", err)
	}
	s.log.Info("org unit added", "tenant", tenant, "orgunit", id)
	return o, nil
}

// AddUser registers a clerk of tenant with a new ID.
func (s *Service) AddUser(ctx context.Context, tenant, name string, role model.Role) (User, error) {
	id, err := s.newID()
	if err != nil {
		return User{}, err
	}
	return s.AddUserWithID(ctx, tenant, id, name, role)
}

// Users lists the clerks of tenant.
func (s *Service) Users(ctx context.Context, tenant string) ([]User, error) {
	out, err := lookup(ctx, s, func(r RegistryTx) ([]User, error) { return r.Users(tenant) })
	if err != nil {
		return nil, fmt.Errorf("cloud: users of %s: %w", tenant, err)
	}
	return out, nil
}

// NewEnrollment makes a one-time code valid for 24 h.
func (s *Service) NewEnrollment(ctx context.Context, tenant string) (code string, expires time.Time, err error) {
	code, err = s.newCode()
	if err != nil {
		return "", time.Time{}, err
	}
	expires = s.now().UTC().Add(EnrollmentValidity)
	err = s.store.Registry(ctx, func(r RegistryTx) error {
		if err := requireTenant(r, tenant); err != nil {
			return err
		}
		return r.PutEnrollment(Enrollment{CodeHash: hashSecret(normalizeCode(code)), Tenant: tenant, Expires: expires})
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("cloud: new enrollment: %w", err)
	}
	s.log.Info("enrollment code made", "tenant", tenant, "expires", expires)
	return code, expires, nil
}

// RevokeDevice makes the device's token invalid from the next request on and ends
// every grant the device was issued, and so for the devices its copied data folders
// re-enrolled as (Reenroll), their copies' too: they hold its data and were
// vouched for by its token alone. It returns those copies it revoked now
// (ErrNotFound for an unknown device; revoking twice keeps the first time).
func (s *Service) RevokeDevice(ctx context.Context, id string) ([]Device, error) {
	now := s.now().UTC()
	var copies []Device
	err := s.store.Registry(ctx, func(r RegistryTx) error {
		copies = nil // a retried transaction starts again
		d, err := r.Device(id)
		if err != nil {
			return err
		}
		devs, err := r.Devices(d.Tenant)
		if err != nil {
			return err
		}
		for i, x := range append([]Device{d}, reenrolledFrom(devs, d.ID)...) {
			if x.RevokedAt != nil {
				continue
			}
			x.RevokedAt = &now
			if err := r.PutDevice(x); err != nil {
				return err
			}
			if i > 0 {
				copies = append(copies, x)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cloud: revoke device %s: %w", id, err)
	}
	s.log.Info("device revoked", "device", id, "copies", len(copies))
	for _, c := range copies {
		s.log.Info("device revoked with the device it was copied from", "device", c.ID, "from", id)
	}
	return copies, nil
}

// reenrolledFrom returns the devices of devs that re-enrolled with id's token, and
// those that re-enrolled with theirs, and so on, in that order.
func reenrolledFrom(devs []Device, id string) []Device {
	var out []Device
	seen := map[string]bool{id: true}
	for next := []string{id}; len(next) > 0; {
		parent := next[0]
		next = next[1:]
		for _, x := range devs {
			from := x.CopyFrom
			if from == "" {
				from = x.CopyOf // re-enrolled before CopyFrom was kept
			}
			if from == parent && !seen[x.ID] {
				seen[x.ID] = true
				out = append(out, x)
				next = append(next, x.ID)
			}
		}
	}
	return out
}

// AddIntakeCredential makes a bearer token for a form server of tenant; the token is
// returned once.
func (s *Service) AddIntakeCredential(ctx context.Context, tenant string) (IntakeCredential, string, error) {
	id, err := s.newID()
	if err != nil {
		return IntakeCredential{}, "", err
	}
	token, err := s.newToken()
	if err != nil {
		return IntakeCredential{}, "", err
	}
	c := IntakeCredential{ID: id, Tenant: tenant, TokenHash: hashSecret(token), Created: s.now().UTC()}
	err = s.store.Registry(ctx, func(r RegistryTx) error {
		if err := requireTenant(r, tenant); err != nil {
			return err
		}
		return r.PutIntakeCredential(c)
	})
	if err != nil {
		return IntakeCredential{}, "", fmt.Errorf("cloud: add intake credential: %w", err)
	}
	s.log.Info("intake credential added", "tenant", tenant, "credential", id)
	return c, token, nil
}

// Tenants lists the registered tenants.
func (s *Service) Tenants(ctx context.Context) ([]Tenant, error) {
	out, err := lookup(ctx, s, RegistryTx.Tenants)
	if err != nil {
		return nil, fmt.Errorf("cloud: tenants: %w", err)
	}
	return out, nil
}

// OrgUnits lists the org units of tenant.
func (s *Service) OrgUnits(ctx context.Context, tenant string) ([]OrgUnit, error) {
	out, err := lookup(ctx, s, func(r RegistryTx) ([]OrgUnit, error) { return r.OrgUnits(tenant) })
	if err != nil {
		return nil, fmt.Errorf("cloud: org units of %s: %w", tenant, err)
	}
	return out, nil
}

// Devices lists the enrolled devices of tenant, revoked ones included.
func (s *Service) Devices(ctx context.Context, tenant string) ([]Device, error) {
	out, err := lookup(ctx, s, func(r RegistryTx) ([]Device, error) { return r.Devices(tenant) })
	if err != nil {
		return nil, fmt.Errorf("cloud: devices of %s: %w", tenant, err)
	}
	return out, nil
}
