package main

import (
	"context"
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
	"user reset-password":   cmdUserResetPassword,
	"user deactivate":       cmdUserDeactivate,
	"user list":             cmdUserList,
	"device enroll":         cmdDeviceEnroll,
	"device revoke":         cmdDeviceRevoke,
	"intake-credential add": cmdIntakeCredentialAdd,
	"filenumber duplicates": cmdFileNumberDuplicates,
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

// required names the first empty flag among pairs of name and value.
func required(cmd string, pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if strings.TrimSpace(pairs[i+1]) == "" {
			return fmt.Errorf("%w: %s needs --%s", errUsage, cmd, pairs[i])
		}
	}
	return nil
}

func cmdTenantAdd(ctx context.Context, a admin, args []string, out io.Writer) error {
	var sf storeFlags
	fs := newFlags("tenant add", &sf)
	id := fs.String("id", "", "tenant ID (short, stable, e.g. musterstadt)")
	name := fs.String("name", "", "name of the municipality or authority")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs.Name(), "id", *id, "name", *name); err != nil {
		return err
	}
	return a.with(ctx, sf, out, func(s *cloud.Service) error {
		t, err := s.AddTenant(ctx, *id, *name)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Mandant angelegt: %s (%s)\n", t.ID, t.Name)
		return nil
	})
}

func cmdOrgUnitAdd(ctx context.Context, a admin, args []string, out io.Writer) error {
	var sf storeFlags
	fs := newFlags("orgunit add", &sf)
	tenant := fs.String("tenant", "", "tenant ID")
	id := fs.String("id", "", "ID of the zuständige Stelle, as form servers send it")
	name := fs.String("name", "", "name of the org unit")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs.Name(), "tenant", *tenant, "id", *id, "name", *name); err != nil {
		return err
	}
	return a.with(ctx, sf, out, func(s *cloud.Service) error {
		o, err := s.AddOrgUnit(ctx, *tenant, *id, *name)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Organisationseinheit angelegt: %s (%s) im Mandanten %s\n", o.ID, o.Name, o.Tenant)
		return nil
	})
}

func cmdUserAdd(ctx context.Context, a admin, args []string, out io.Writer) error {
	var sf storeFlags
	fs := newFlags("user add", &sf)
	tenant := fs.String("tenant", "", "tenant ID")
	name := fs.String("name", "", "the clerk's name")
	role := fs.String("role", "", "sachbearbeitung, leitung or administration")
	id := fs.String("id", "", "optional: the user's ID (default a new one), e.g. to keep the IDs a desktop already has")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs.Name(), "tenant", *tenant, "name", *name, "role", *role); err != nil {
		return err
	}
	r := model.Role(*role)
	if !r.Valid() {
		return fmt.Errorf("%w: --role %q is not sachbearbeitung, leitung or administration", errUsage, *role)
	}
	return a.with(ctx, sf, out, func(s *cloud.Service) error {
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

// tenantFlag parses the flags of a command that needs --tenant and nothing else.
func tenantFlag(name string, args []string) (sf storeFlags, tenant string, err error) {
	fs := newFlags(name, &sf)
	fs.StringVar(&tenant, "tenant", "", "tenant ID")
	if err := parse(fs, args); err != nil {
		return sf, "", err
	}
	return sf, tenant, required(name, "tenant", tenant)
}

// userArgs parses the flags and the user ID of a command on one user.
func userArgs(name string, args []string) (sf storeFlags, tenant, user string, err error) {
	fs := newFlags(name, &sf)
	fs.StringVar(&tenant, "tenant", "", "tenant ID")
	if user, err = oneArg(fs, args, "the user ID"); err != nil {
		return sf, "", "", err
	}
	return sf, tenant, user, required(name, "tenant", tenant)
}

func cmdUserResetPassword(ctx context.Context, a admin, args []string, out io.Writer) error {
	sf, tenant, user, err := userArgs("user reset-password", args)
	if err != nil {
		return err
	}
	return a.with(ctx, sf, out, func(s *cloud.Service) error {
		return printInvitation(ctx, s, tenant, user,
			"Das bisherige Passwort von "+user+" gilt nicht mehr; seine Anmeldungen auf allen PCs sind beendet.\n", out)
	})
}

func cmdUserDeactivate(ctx context.Context, a admin, args []string, out io.Writer) error {
	sf, tenant, user, err := userArgs("user deactivate", args)
	if err != nil {
		return err
	}
	return a.with(ctx, sf, out, func(s *cloud.Service) error {
		if err := s.Deactivate(ctx, tenant, user); err != nil {
			return err
		}
		fmt.Fprintf(out, "Benutzer deaktiviert: %s; die Anmeldungen auf allen PCs sind beendet.\n", user)
		return nil
	})
}

func cmdUserList(ctx context.Context, a admin, args []string, out io.Writer) error {
	sf, tenant, err := tenantFlag("user list", args)
	if err != nil {
		return err
	}
	return a.with(ctx, sf, out, func(s *cloud.Service) error {
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
	})
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

func cmdDeviceEnroll(ctx context.Context, a admin, args []string, out io.Writer) error {
	sf, tenant, err := tenantFlag("device enroll", args)
	if err != nil {
		return err
	}
	return a.with(ctx, sf, out, func(s *cloud.Service) error {
		code, expires, err := s.NewEnrollment(ctx, tenant)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Einmaliger Anmeldecode für ein Gerät im Mandanten %s, gültig bis %s: %s\n",
			tenant, expires.UTC().Format("2006-01-02 15:04 MST"), code)
		return nil
	})
}

func cmdDeviceRevoke(ctx context.Context, a admin, args []string, out io.Writer) error {
	var sf storeFlags
	fs := newFlags("device revoke", &sf)
	id := fs.String("id", "", "device ID")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs.Name(), "id", *id); err != nil {
		return err
	}
	return a.with(ctx, sf, out, func(s *cloud.Service) error {
		if err := s.RevokeDevice(ctx, *id); err != nil {
			return err
		}
		fmt.Fprintf(out, "Gerät gesperrt: %s; die Anmeldungen auf diesem Gerät sind beendet.\n", *id)
		return nil
	})
}

func cmdIntakeCredentialAdd(ctx context.Context, a admin, args []string, out io.Writer) error {
	sf, tenant, err := tenantFlag("intake-credential add", args)
	if err != nil {
		return err
	}
	return a.with(ctx, sf, out, func(s *cloud.Service) error {
		c, token, err := s.AddIntakeCredential(ctx, tenant)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Zugang für einen Formularserver angelegt: %s im Mandanten %s. Bearer-Token: %s\n", c.ID, c.Tenant, token)
		return nil
	})
}
