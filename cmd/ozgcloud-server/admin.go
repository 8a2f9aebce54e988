package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/model"
)

// admin is how an admin subcommand reaches the service: inside serve (the command
// came over the admin socket) svc is the server's own; else a server that runs on
// the data folder gets the command over its admin socket (bbolt allows one
// process); else the command opens the storage itself (always with PostgreSQL,
// which many processes share).
type admin struct {
	svc  *cloud.Service
	args []string // the whole command line, to hand to a running server
}

// adminCommands are the subcommands that change or read the service's records.
var adminCommands = map[string]func(context.Context, admin, []string, io.Writer) error{
	"tenant add":            cmdTenantAdd,
	"tenant set":            cmdTenantSet,
	"tenant show":           cmdTenantShow,
	"orgunit add":           cmdOrgUnitAdd,
	"user add":              cmdUserAdd,
	"user reset-password":   onUser("user reset-password", resetPassword),
	"user deactivate":       onUser("user deactivate", deactivateUser),
	"user list":             onTenant("user list", listUsers),
	"device enroll":         onTenant("device enroll", enrollDevice),
	"device revoke":         cmdDeviceRevoke,
	"intake-credential add": onTenant("intake-credential add", addIntakeCredential),
	"filenumber duplicates": onTenant("filenumber duplicates", listDuplicates),
	"filenumber renumber":   cmdFileNumberRenumber,
}

// runAdmin runs the admin subcommand args names ("tenant add --id ...").
func runAdmin(ctx context.Context, a admin, args []string, out io.Writer) error {
	if len(args) < 2 {
		return fmt.Errorf("%w: %s needs a verb", errUsage, strings.Join(args, " "))
	}
	fn, ok := adminCommands[args[0]+" "+args[1]]
	if !ok {
		return fmt.Errorf("%w: unknown command %q", errUsage, args[0]+" "+args[1])
	}
	a.args = args
	return fn(ctx, a, args[2:], out)
}

// with runs fn with the service, wherever it is (see admin).
func (a admin) with(ctx context.Context, sf storeFlags, out io.Writer, fn func(*cloud.Service) error) error {
	if a.svc != nil {
		return fn(a.svc)
	}
	if sf.postgres == "" && sf.data != "" {
		if sent, err := callAdmin(ctx, adminSocketPath(sf.data), a.args, out); sent {
			return err
		}
	}
	return withService(ctx, sf, fn)
}

// withService opens the storage, runs fn with a Service over it and closes it again.
func withService(ctx context.Context, sf storeFlags, fn func(*cloud.Service) error) error {
	st, err := openStore(ctx, sf)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	err = fn(cloud.New(st, cloud.Options{Logger: log}))
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	return err
}

// adminFlags are the flags of an admin subcommand: the storage flags and the
// string flags it declares with need (required) or may (optional).
type adminFlags struct {
	*flag.FlagSet
	store  storeFlags
	needed []string // names of the required flags, in order
}

func newAdminFlags(cmd string) *adminFlags {
	f := &adminFlags{}
	f.FlagSet = newFlags(cmd, &f.store)
	return f
}

// need declares a string flag the command cannot do without.
func (f *adminFlags) need(name, usage string) *string {
	f.needed = append(f.needed, name)
	return f.String(name, "", usage)
}

// may declares an optional string flag.
func (f *adminFlags) may(name, usage string) *string { return f.String(name, "", usage) }

// parse parses args, refuses positional arguments and names the first required
// flag left empty.
func (f *adminFlags) parse(args []string) error {
	if err := parse(f.FlagSet, args); err != nil {
		return err
	}
	return f.complete()
}

// parseArg is parse for a command that takes one argument (what) besides the
// flags, which may stand before, between or after them; it returns the argument.
func (f *adminFlags) parseArg(args []string, what string) (string, error) {
	var pos []string
	for {
		if err := f.Parse(args); err != nil {
			return "", fmt.Errorf("%w: %s: %v", errUsage, f.Name(), err)
		}
		if f.NArg() == 0 {
			break
		}
		pos, args = append(pos, f.Arg(0)), f.Args()[1:]
	}
	if len(pos) != 1 {
		return "", fmt.Errorf("%w: %s needs %s and nothing else besides flags", errUsage, f.Name(), what)
	}
	return pos[0], f.complete()
}

func (f *adminFlags) complete() error {
	for _, name := range f.needed {
		if strings.TrimSpace(f.Lookup(name).Value.String()) == "" {
			return fmt.Errorf("%w: %s needs --%s", errUsage, f.Name(), name)
		}
	}
	return nil
}

func cmdTenantAdd(ctx context.Context, a admin, args []string, out io.Writer) error {
	f := newAdminFlags("tenant add")
	id := f.need("id", "tenant ID (short, stable, e.g. musterstadt)")
	name := f.need("name", "name of the municipality or authority")
	if err := f.parse(args); err != nil {
		return err
	}
	return a.with(ctx, f.store, out, func(s *cloud.Service) error {
		t, err := s.AddTenant(ctx, *id, *name)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Mandant angelegt: %s (%s)\n", t.ID, t.Name)
		return nil
	})
}

func cmdOrgUnitAdd(ctx context.Context, a admin, args []string, out io.Writer) error {
	f := newAdminFlags("orgunit add")
	tenant := f.need("tenant", "tenant ID")
	id := f.need("id", "ID of the zuständige Stelle, as form servers send it")
	name := f.need("name", "name of the org unit")
	if err := f.parse(args); err != nil {
		return err
	}
	return a.with(ctx, f.store, out, func(s *cloud.Service) error {
		o, err := s.AddOrgUnit(ctx, *tenant, *id, *name)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Organisationseinheit angelegt: %s (%s) im Mandanten %s\n", o.ID, o.Name, o.Tenant)
		return nil
	})
}

func cmdUserAdd(ctx context.Context, a admin, args []string, out io.Writer) error {
	f := newAdminFlags("user add")
	tenant := f.need("tenant", "tenant ID")
	name := f.need("name", "the clerk's name")
	role := f.need("role", "sachbearbeitung, leitung or administration")
	id := f.may("id", "optional: the user's ID (default a new one), e.g. to keep the IDs a desktop already has")
	if err := f.parse(args); err != nil {
		return err
	}
	r := model.Role(*role)
	if !r.Valid() {
		return fmt.Errorf("%w: --role %q is not sachbearbeitung, leitung or administration", errUsage, *role)
	}
	return a.with(ctx, f.store, out, func(s *cloud.Service) error {
		add := s.AddUser
		if *id != "" {
			add = func(ctx context.Context, tenant, name string, role model.Role) (cloud.User, error) {
				return s.AddUserWithID(ctx, tenant, *id, name, role)
			}
		}
		u, err := add(ctx, *tenant, *name, r)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Benutzer angelegt: %s (%s, %s) im Mandanten %s\n", u.ID, u.Name, u.Role.Label(), u.Tenant)
		if err := printInvitation(ctx, s, u.Tenant, u.ID, "", out); err != nil {
			return fmt.Errorf("%w (the user exists; run user reset-password --tenant %s %s for a code)", err, u.Tenant, u.ID)
		}
		return nil
	})
}

// printInvitation makes a new invitation code for a user and prints note, then the
// code last.
func printInvitation(ctx context.Context, s *cloud.Service, tenant, user, note string, out io.Writer) error {
	code, expires, err := s.Invite(ctx, tenant, user)
	if err != nil {
		return err
	}
	fmt.Fprint(out, note)
	fmt.Fprintf(out, "Einmaliger Einladungscode, mit dem %s ein Passwort setzt, gültig bis %s: %s\n",
		user, expires.UTC().Format("2006-01-02 15:04 MST"), code)
	return nil
}

// onTenant makes the admin subcommand name that takes --tenant and nothing else
// and runs do with it.
func onTenant(name string, do func(ctx context.Context, s *cloud.Service, tenant string, out io.Writer) error) func(context.Context, admin, []string, io.Writer) error {
	return func(ctx context.Context, a admin, args []string, out io.Writer) error {
		f := newAdminFlags(name)
		tenant := f.need("tenant", "tenant ID")
		if err := f.parse(args); err != nil {
			return err
		}
		return a.with(ctx, f.store, out, func(s *cloud.Service) error { return do(ctx, s, *tenant, out) })
	}
}

// onUser makes the admin subcommand name on one user (--tenant and the user ID)
// that runs do with them.
func onUser(name string, do func(ctx context.Context, s *cloud.Service, tenant, user string, out io.Writer) error) func(context.Context, admin, []string, io.Writer) error {
	return func(ctx context.Context, a admin, args []string, out io.Writer) error {
		f := newAdminFlags(name)
		tenant := f.need("tenant", "tenant ID")
		user, err := f.parseArg(args, "the user ID")
		if err != nil {
			return err
		}
		return a.with(ctx, f.store, out, func(s *cloud.Service) error { return do(ctx, s, *tenant, user, out) })
	}
}

func resetPassword(ctx context.Context, s *cloud.Service, tenant, user string, out io.Writer) error {
	return printInvitation(ctx, s, tenant, user,
		"Das bisherige Passwort von "+user+" gilt nicht mehr; seine Anmeldungen auf allen PCs sind beendet.\n", out)
}

func deactivateUser(ctx context.Context, s *cloud.Service, tenant, user string, out io.Writer) error {
	if err := s.Deactivate(ctx, tenant, user); err != nil {
		return err
	}
	fmt.Fprintf(out, "Benutzer deaktiviert: %s; die Anmeldungen auf allen PCs sind beendet.\n", user)
	return nil
}

func listUsers(ctx context.Context, s *cloud.Service, tenant string, out io.Writer) error {
	users, err := s.Users(ctx, tenant)
	if err != nil {
		return err
	}
	sort.Slice(users, func(i, j int) bool { return users[i].Name < users[j].Name })
	now := time.Now()
	for _, u := range users {
		fmt.Fprintf(out, "%s\t%s\t%s\t%s\n", u.ID, u.Name, u.Role.Label(), userState(u, now))
	}
	return nil
}

// userState says where a user stands with sign-in, never showing a verifier.
func userState(u cloud.User, now time.Time) string {
	day := func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 MST") }
	switch {
	case u.Deactivated != nil:
		return "deaktiviert seit " + day(*u.Deactivated)
	case u.Lockout.Check(now) != nil:
		return "gesperrt bis " + day(u.Lockout.Until) + " (zu viele falsche Passwörter)"
	case u.Verifier != "":
		return "aktiv"
	case u.Invitation == nil:
		return "ohne Passwort und ohne Einladungscode (user reset-password)"
	case !now.Before(u.Invitation.Expires):
		return "Einladungscode abgelaufen am " + day(u.Invitation.Expires) + " (user reset-password)"
	}
	return "wartet auf das erste Passwort (Einladungscode gültig bis " + day(u.Invitation.Expires) + ")"
}

func enrollDevice(ctx context.Context, s *cloud.Service, tenant string, out io.Writer) error {
	code, expires, err := s.NewEnrollment(ctx, tenant)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Einmaliger Anmeldecode für ein Gerät im Mandanten %s, gültig bis %s: %s\n",
		tenant, expires.UTC().Format("2006-01-02 15:04 MST"), code)
	return nil
}

func cmdDeviceRevoke(ctx context.Context, a admin, args []string, out io.Writer) error {
	f := newAdminFlags("device revoke")
	id := f.need("id", "device ID")
	if err := f.parse(args); err != nil {
		return err
	}
	return a.with(ctx, f.store, out, func(s *cloud.Service) error {
		copies, err := s.RevokeDevice(ctx, *id)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Gerät gesperrt: %s; die Anmeldungen auf diesem Gerät sind beendet.\n", *id)
		if len(copies) > 0 {
			fmt.Fprintf(out, "Mit ihm gesperrt: %d Gerät(e), als die sich Kopien seines Datenordners neu angemeldet hatten:\n", len(copies))
			for _, c := range copies {
				fmt.Fprintf(out, "  %s (Gerätekürzel %s, angemeldet %s)\n", c.ID, c.Code, c.Enrolled.UTC().Format("2006-01-02 15:04 MST"))
			}
		}
		return nil
	})
}

func addIntakeCredential(ctx context.Context, s *cloud.Service, tenant string, out io.Writer) error {
	c, token, err := s.AddIntakeCredential(ctx, tenant)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Zugang für einen Formularserver angelegt: %s im Mandanten %s. Bearer-Token: %s\n", c.ID, c.Tenant, token)
	return nil
}
