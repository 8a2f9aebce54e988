// Command ozgcloud-server is the central OZG-Cloud service: it syncs the desktops of
// many municipalities, each isolated from the others, and takes in online
// applications from form servers. Its subcommands set up a data folder, administer
// tenants, org units, users, devices and intake credentials, and serve the API.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/boltstore"
	"github.com/ozgcloud/desktop/cloud/pgstore"
)

const usage = `ozgcloud-server: the central OZG-Cloud service

  ozgcloud-server init --data DIR [--cert FILE --key FILE] [--postgres URL]
  ozgcloud-server tenant add --id ID --name NAME
  ozgcloud-server tenant set TENANT [--max-storage SIZE] [--max-attachment SIZE] [--max-intake SIZE] [--offline-days N]
  ozgcloud-server tenant show TENANT
  ozgcloud-server orgunit add --tenant ID --id ZUSTAENDIGE_STELLE --name NAME
  ozgcloud-server user add --tenant ID --name NAME --role sachbearbeitung|leitung|administration [--id ID]
  ozgcloud-server user reset-password --tenant ID USER_ID
  ozgcloud-server user deactivate --tenant ID USER_ID
  ozgcloud-server user list --tenant ID
  ozgcloud-server device enroll --tenant ID
  ozgcloud-server device revoke --id DEVICE_ID
  ozgcloud-server intake-credential add --tenant ID
  ozgcloud-server filenumber duplicates --tenant ID
  ozgcloud-server filenumber renumber --tenant ID --case CASE_ID
  ozgcloud-server serve --data DIR [--addr 127.0.0.1:8443] [--insecure-loopback]

Every subcommand takes --data DIR (default $OZGCLOUD_DATA) and --postgres URL (default
$OZGCLOUD_POSTGRES), which selects PostgreSQL instead of the bbolt file in DIR. A command that makes a secret
(an enrollment code, an invitation code, a token) prints it as the last word of its
output. "user add" and "user reset-password" print a one-time invitation code with which
the clerk sets a password on a desktop; a reset and "user deactivate" end the user's
sign-ins on every PC, "device revoke" those on that device. While serve runs on DIR's bbolt file, the
other commands are carried out by the server (through DIR/admin/admin.sock).
SIZE is bytes or a number with KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB
(powers of 1024), for example 20GiB; "default" returns to the service's default.
`

// errUsage marks a mistake in the command line; main prints the usage with it.
var errUsage = errors.New("usage")

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ozgcloud-server:", err)
		if errors.Is(err, errUsage) {
			fmt.Fprint(os.Stderr, "\n"+usage)
			os.Exit(2)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: no subcommand", errUsage)
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "init":
		return cmdInit(ctx, rest, stdout)
	case "serve":
		return cmdServe(ctx, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return runAdmin(ctx, admin{}, args, stdout)
}

// storeFlags are the flags every subcommand has: where the data lives.
type storeFlags struct {
	data     string
	postgres string
}

func newFlags(name string, sf *storeFlags) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&sf.data, "data", os.Getenv("OZGCLOUD_DATA"), "data folder (bbolt file, TLS certificate)")
	// The URL may hold a password; $OZGCLOUD_POSTGRES keeps it out of the process list.
	fs.StringVar(&sf.postgres, "postgres", os.Getenv("OZGCLOUD_POSTGRES"), "PostgreSQL URL (default $OZGCLOUD_POSTGRES); selects PostgreSQL instead of the bbolt file")
	return fs
}

// parse parses args and refuses positional leftovers, which are always a typo here.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %s: %v", errUsage, fs.Name(), err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: %s: unexpected argument %q", errUsage, fs.Name(), fs.Arg(0))
	}
	return nil
}

// dbFile is the bbolt file inside the data folder.
const dbFile = "ozgcloud.db"

// openStore opens the storage the flags select. With bbolt the folder must have been
// made by init, so a typo in --data does not silently create an empty service.
func openStore(ctx context.Context, sf storeFlags) (cloud.Storage, error) {
	if sf.postgres != "" {
		s, err := pgstore.Open(ctx, sf.postgres)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	if sf.data == "" {
		return nil, fmt.Errorf("%w: --data DIR (or $OZGCLOUD_DATA) or --postgres URL is needed", errUsage)
	}
	path := filepath.Join(sf.data, dbFile)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no database in %s (run ozgcloud-server init --data %s first): %w", sf.data, sf.data, err)
	}
	s, err := boltstore.Open(path)
	if errors.Is(err, boltstore.ErrLocked) {
		return nil, fmt.Errorf("%w; bbolt allows one process: stop the server for administration, or use PostgreSQL", err)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// config is server.json in the data folder: what init decided and serve needs.
type config struct {
	Cert string `json:"cert"`
	Key  string `json:"key"`
}

const configFile = "server.json"

func readConfig(dir string) (config, error) {
	var c config
	b, err := os.ReadFile(filepath.Join(dir, configFile))
	if err != nil {
		return c, fmt.Errorf("read %s (run ozgcloud-server init --data %s first): %w", configFile, dir, err)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("read %s: %w", filepath.Join(dir, configFile), err)
	}
	return c, nil
}

func writeConfig(dir string, c config) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, configFile), append(b, '\n'), 0o600)
}
