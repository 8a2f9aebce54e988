package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ozgcloud/desktop/sync/client"
)

// Sync is the bound service of the sync with the OZG-Cloud: the status bar, "Jetzt
// synchronisieren", connecting this PC, conflicts and the changes the OZG-Cloud
// refused, and the tenant's org units.
type Sync struct {
	base
	win     *Window
	runner  *SyncRunner
	dataDir string
	ca      caPick
}

// NewSync returns the Sync service of the runner.
func NewSync(e Env, runner *SyncRunner) *Sync {
	return &Sync{base: newBase(e), win: e.Window, runner: runner, dataDir: e.DataDir}
}

// syncCAFileName is the file in the data folder holding the CA certificates chosen
// for the OZG-Cloud; the sync identity names it.
const syncCAFileName = "sync-ca.pem"

// SyncStatus returns the sync state for the status bar.
func (a *Sync) SyncStatus() (SyncStatusView, error) {
	if _, err := a.meOrSetup(); err != nil {
		return SyncStatusView{}, err
	}
	return a.runner.status()
}

// SyncNow starts a sync round at once ("Jetzt synchronisieren"), even while waiting
// after a failure; it returns at once, the status follows as "sync:status".
func (a *Sync) SyncNow() (SyncStatusView, error) {
	if _, err := a.me(); err != nil {
		return SyncStatusView{}, err
	}
	e := a.runner.engine()
	if e == nil {
		return SyncStatusView{}, &Error{Code: CodeNotAllowed, Message: msgNotEnrolled}
	}
	e.SyncNow()
	return a.runner.view(e.Status()), nil
}

// DismissSyncNotice ends the note about a restored or copied data folder or a
// restored OZG-Cloud ("Verstanden"); the status bar follows.
func (a *Sync) DismissSyncNotice() (SyncStatusView, error) {
	if _, err := a.me(); err != nil {
		return SyncStatusView{}, err
	}
	if err := a.runner.db.DismissNotice(); err != nil {
		return SyncStatusView{}, toError(err)
	}
	return a.runner.status()
}

func (a *Sync) requireSyncAdmin() error {
	if _, err := a.meOrSetup(); err != nil {
		return err
	}
	if !a.mayConnect() {
		return &Error{Code: CodeNotAllowed, Message: msgConnectAdminOnly}
	}
	return nil
}

// serverAddress accepts "host:port" or an https URL and returns the base URL. An
// http:// URL is accepted only to a loopback IP address written as such (a test
// server on this PC); anything else is client.ErrPlainHTTP in German.
func serverAddress(s string) (string, error) {
	s = strings.TrimRight(strings.TrimSpace(s), "/")
	bad := &Error{Code: CodeInvalid, Message: msgServerAddress,
		Fields: map[string]string{"server": fieldServerAddress}}
	if s == "" {
		return "", bad
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Hostname() == "" || strings.HasSuffix(u.Host, ":") || (u.Scheme != "https" && u.Scheme != "http") || u.RawQuery != "" || u.User != nil {
		return "", bad
	}
	if u.Scheme == "http" && !loopbackIP(u.Hostname()) {
		return "", &Error{Code: CodeInvalid, Message: msgSyncPlainHTTP, Fields: map[string]string{"server": msgSyncPlainHTTP}}
	}
	return u.Scheme + "://" + u.Host + u.Path, nil
}

// loopbackIP reports whether host is a loopback IP address written as such;
// "localhost" is a name, which could resolve elsewhere.
func loopbackIP(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// reachLoopback connects to the plain-HTTP test server at addr (a loopback IP, as
// serverAddress checked) and closes the connection; nothing is sent.
func reachLoopback(ctx context.Context, addr string) error {
	u, err := url.Parse(addr)
	if err != nil || !loopbackIP(u.Hostname()) {
		return client.ErrPlainHTTP
	}
	port := u.Port()
	if port == "" {
		port = "80"
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(u.Hostname(), port))
	if err != nil {
		return fmt.Errorf("app: probe %s: %w: %v", addr, client.ErrOffline, err)
	}
	return conn.Close()
}

// groupFingerprint writes a hex fingerprint as "AB:CD:...", as administrators compare
// it with what the server printed.
func groupFingerprint(hex string) string {
	hex = strings.ToUpper(hex)
	var b strings.Builder
	for i := 0; i < len(hex); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(hex[i:min(i+2, len(hex))])
	}
	return b.String()
}

func syncError(err error, field string) error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	out := &Error{Code: CodeInvalid, Message: syncMessage(err)}
	if field != "" {
		out.Fields = map[string]string{field: out.Message}
	}
	return out
}

// ProbeSyncServer connects to the server (step one of "Mit OZG-Cloud verbinden") and
// returns its certificate's fingerprint to confirm; nothing is sent (administration
// only).
func (a *Sync) ProbeSyncServer(server string) (SyncProbe, error) {
	if err := a.requireSyncAdmin(); err != nil {
		return SyncProbe{}, err
	}
	addr, err := serverAddress(server)
	if err != nil {
		return SyncProbe{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if strings.HasPrefix(addr, "http://") {
		// A test server on this PC: the window says so only once it answered.
		if err := reachLoopback(ctx, addr); err != nil {
			return SyncProbe{}, syncError(err, "server")
		}
		return SyncProbe{Server: addr, Plain: true}, nil
	}
	fp, err := client.Fingerprint(ctx, addr)
	if err != nil {
		return SyncProbe{}, syncError(err, "server")
	}
	return SyncProbe{Server: addr, Fingerprint: groupFingerprint(fp)}, nil
}

// ChooseSyncCAFile asks for the CA certificate (PEM) that vouches for the server in
// the native dialog, reads and checks it, and returns its name, which the form
// sends back as SyncConnectInput.CA; Name "" when cancelled (administration only).
func (a *Sync) ChooseSyncCAFile() (CAChoice, error) {
	if err := a.requireSyncAdmin(); err != nil {
		return CAChoice{}, err
	}
	return a.ca.choose(a.win)
}

// keepCA writes the certificates chosen as name into the data folder and returns
// the file's path for the sync identity.
func (a *Sync) keepCA(name string) (string, error) {
	pemText, ok := a.ca.take(name)
	if !ok {
		return "", &Error{Code: CodeInvalid, Message: fieldCAUnreadable, Fields: map[string]string{"ca": fieldCAUnreadable}}
	}
	path := filepath.Join(a.dataDir, syncCAFileName)
	if err := writeFileAtomic(path, []byte(pemText)); err != nil {
		a.log.Error("sync: CA not kept", "err", err)
		return "", &Error{Code: CodeStore, Message: fmt.Sprintf(msgNothingSaved, fieldCAUnreadable)}
	}
	return path, nil
}

// ConnectSync enrolls this PC with the enrollment code, pinning the confirmed
// fingerprint or trusting the CA file, fetches the tenant's clerks and starts the
// sync (administration only).
func (a *Sync) ConnectSync(in SyncConnectInput) (SyncStatusView, error) {
	if err := a.requireSyncAdmin(); err != nil {
		return SyncStatusView{}, err
	}
	addr, err := serverAddress(in.Server)
	if err != nil {
		return SyncStatusView{}, err
	}
	code := strings.TrimSpace(in.Code)
	if code == "" {
		return SyncStatusView{}, &Error{Code: CodeInvalid, Message: msgCodeMissing,
			Fields: map[string]string{"code": fieldCode}}
	}
	t := client.TLS{Fingerprint: strings.TrimSpace(in.Fingerprint)}
	if t.Fingerprint == "" && in.CA == "" && strings.HasPrefix(addr, "https://") {
		return SyncStatusView{}, &Error{Code: CodeInvalid, Message: msgFingerprintMissing,
			Fields: map[string]string{"fingerprint": fieldFingerprint}}
	}
	if st, err := a.db.SyncState(); err == nil && st.Enrolled {
		return SyncStatusView{}, &Error{Code: CodeNotAllowed, Message: fmt.Sprintf(msgAlreadyEnrolled, st.Server)}
	}
	if t.Fingerprint == "" && in.CA != "" {
		if t.CAFile, err = a.keepCA(in.CA); err != nil {
			return SyncStatusView{}, err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	id, dir, err := enroll(ctx, a.db, addr, code, t)
	if err != nil && id.DeviceID == "" { // not enrolled
		a.log.Warn("sync: connect", "err", err)
		return SyncStatusView{}, syncError(err, "code")
	}
	a.log.Info("sync: enrolled", "tenant", id.Tenant, "device", id.DeviceCode)
	if err != nil {
		// Enrolled, but the directory did not come: the runner fetches it again.
		a.log.Warn("sync: directory", "err", err)
	}
	if len(dir.Users) == 0 {
		a.log.Warn("sync: the OZG-Cloud named no users for this PC")
	}
	// From now on the OZG-Cloud signs the clerks in: whoever was signed in locally
	// signs in again there.
	a.desk.SignOut()
	a.runner.restart()
	return a.runner.status()
}

// SyncOrgUnits lists the tenant's org units from the OZG-Cloud (empty before the
// first sync).
func (a *Sync) SyncOrgUnits() ([]Option, error) {
	if _, err := a.me(); err != nil {
		return nil, err
	}
	units, err := a.db.OrgUnits()
	if err != nil {
		return nil, toError(err)
	}
	out := make([]Option, 0, len(units))
	for _, u := range units {
		out = append(out, Option{Value: u.ID, Label: u.Name})
	}
	return out, nil
}

// writeFileAtomic writes data to path (mode 0600) through a temporary file.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
