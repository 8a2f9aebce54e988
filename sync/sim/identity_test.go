package sim

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/cloudtest"
	"github.com/ozgcloud/desktop/identity"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/client"
	"github.com/ozgcloud/desktop/sync/wire"
)

// Who acted (issue 10): clerks sign in and out on the desktops, online through the
// fake network or offline with a grant the desktop holds; grants end (Musterstadt's
// last a day, and nights pass) also while a desktop is cut off; clerks record
// absences and act for the absent. The simulation notes every grant the service
// issued and every absence it recorded as the requests reach it, and checks at
// quiescence that the service applied no mutation of a user without a grant of
// that desktop covering it, and none for an absent clerk without an absence naming
// the actor, and that it rejected none it should have applied.

// berlin is the zone of the municipalities' dates.
var berlin = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	return loc
}()

// recorded is an absence the service recorded, at a tick of the world.
type recorded struct {
	identity.Absence
	tick int
}

// absencesAt are the absences of tenant the service had recorded before tick.
func (w *world) absencesAt(tenant string, tick int) []identity.Absence {
	var out []identity.Absence
	for _, r := range w.absences[tenant] {
		if r.tick < tick {
			out = append(out, r.Absence)
		}
	}
	return out
}

// window is a grant the service issued a desktop for a clerk: valid from issued
// (less the clock skew the service allows) until expires.
type window struct{ issued, expires time.Time }

func windowKey(d *desk, user string) string { return d.name + "/" + user }

// granted notes a grant the service issued d for user, as the simulation computes
// it (now, the tenant's offline period), and fails when the service's answer says
// otherwise. The caller holds mu or runs before the steps.
func (w *world) granted(d *desk, user string, g wire.SignInResponse) {
	issued := w.now().Truncate(time.Second)
	win := window{issued: issued, expires: issued.Add(d.tenant.offline)}
	if !g.Expires.Equal(win.expires) || g.User.ID != user {
		w.failf("step %d: %s: grant for %s expires %s (user %s), want %s", w.step, d.name, user, g.Expires, g.User.ID, win.expires)
	}
	// The service keeps grants per device: the copies of a data folder share one
	// until one of them re-enrolls (which takes the device's grants along).
	k := windowKey(d, user)
	w.windows[k] = append(w.windows[k], win)
	for _, x := range w.clients {
		if x != d && x.dev.ID == d.dev.ID {
			k := windowKey(x, user)
			w.windows[k] = append(w.windows[k], win)
		}
	}
	w.counts["grants"]++
}

// covered reports whether a grant the service issued d covers user acting at at.
func (w *world) covered(d *desk, user string, at time.Time) bool {
	for _, win := range w.windows[windowKey(d, user)] {
		if !at.Before(win.issued.Add(-identity.MaxClockSkew)) && at.Before(win.expires) {
			return true
		}
	}
	return false
}

// signIn sends a sign-in of user with the password through the network. A refusal
// by the service is no failure of the service: it comes back as the error.
func (l *link) signIn(ctx context.Context, user string) (wire.SignInResponse, error) {
	var resp wire.SignInResponse
	var refused error
	err := l.call(ctx, "sign in", false, func() error {
		r, err := l.w.srv.svc.SignIn(ctx, l.d.dev, user, cloudtest.Password)
		if errors.Is(err, cloud.ErrSignIn) {
			refused = err
			return nil
		}
		if err != nil {
			return err
		}
		l.w.granted(l.d, user, r)
		resp = r
		return nil
	})
	switch {
	case err != nil:
		return wire.SignInResponse{}, err
	case refused != nil:
		return wire.SignInResponse{}, refused
	}
	return roundTrip(resp, func(r *bytes.Reader, max int64) (wire.SignInResponse, error) {
		return wire.DecodeSignInResponse(r, max)
	})
}

// holdsGrant reports whether d holds a grant for user that the desktop accepts at
// now (signature, device, not from the future, not expired): what an offline
// sign-in needs.
func (w *world) holdsGrant(d *desk, user string) bool {
	token, ok := d.tokens[user]
	if !ok {
		return false
	}
	_, err := identity.VerifyGrant(token, w.grantKey, d.dev.ID, w.now(), identity.MaxClockSkew)
	return err == nil
}

// switchClerk signs d's clerk out and a clerk of the tenant in: online when the
// network lets the request through, else offline with a grant d holds, else nobody
// is signed in.
func (w *world) switchClerk(d *desk) {
	u := d.tenant.users[w.rng.IntN(len(d.tenant.users))]
	d.signedIn = false
	how := w.signInOn(d, u.ID)
	w.tracef("switch %s to %s: %s", d.name, u.Name, how)
}

// signInOn signs user in on d and says how it went.
func (w *world) signInOn(d *desk, user string) string {
	resp, err := d.link.signIn(w.ctx, user)
	how := "online"
	switch {
	case err == nil:
		d.tokens[user] = resp.Grant
	case errors.Is(err, client.ErrOffline) && w.holdsGrant(d, user):
		how = "offline"
	case errors.Is(err, client.ErrOffline):
		w.counts["offline sign-in refused"]++
		return "refused offline: no valid grant on this PC"
	default:
		w.failf("step %d: %s: sign-in of %s refused: %v", w.step, d.name, user, err)
		return "refused"
	}
	c, err := d.db.Clerk(user)
	if err != nil {
		w.failf("step %d: %s: clerk %s: %v", w.step, d.name, user, err)
		return "unknown clerk"
	}
	d.clerk, d.signedIn = c, true
	w.counts["sign-in "+how]++
	return how
}

// mayAct says whether d's clerk may act now. A clerk whose grant ended while signed
// in is asked for the password again when the service is reachable; cut off, the
// clerk finishes the work and the service judges it.
func (w *world) mayAct(d *desk) bool {
	if !d.signedIn {
		w.tracef("act %s: nobody signed in", d.name)
		return false
	}
	if w.holdsGrant(d, d.clerk.ID) {
		return true
	}
	if how := w.signInOn(d, d.clerk.ID); how == "online" {
		w.tracef("act %s: %s signed in again", d.name, d.clerk.Name)
		return true
	}
	d.signedIn = true // finishing after the grant ended
	w.counts["acts after the grant ended"]++
	w.tracef("act %s: %s finishes after the grant ended", d.name, d.clerk.Name)
	return true
}

// recordAbsence has d's clerk record an absence: mostly their own, now and then
// another's (which the service refuses unless the clerk heads the office), for a
// few days around today.
func (w *world) recordAbsence(d *desk) {
	users := d.tenant.users
	if !d.signedIn || len(users) < 2 {
		return
	}
	absent := d.clerk.ID
	if w.chance(0.3) {
		absent = users[w.rng.IntN(len(users))].ID
	}
	sub := users[w.rng.IntN(len(users))].ID
	for sub == absent {
		sub = users[w.rng.IntN(len(users))].ID
	}
	from := model.Day(w.now(), berlin).AddDate(0, 0, w.rng.IntN(3)-1)
	req := wire.AbsenceRequest{By: d.clerk.ID, Absence: wire.Absence{ID: w.uuid(), Absent: absent, Substitute: sub,
		From: from.Format(time.DateOnly), To: from.AddDate(0, 0, w.rng.IntN(4)).Format(time.DateOnly)}}
	var refused error
	err := d.link.call(w.ctx, "absence", false, func() error {
		a, err := w.srv.svc.RecordAbsence(w.ctx, d.dev, req)
		if errors.Is(err, cloud.ErrSignIn) {
			refused = err
			return nil
		}
		if err != nil {
			return err
		}
		from, _ := wire.ParseDate(a.From)
		to, _ := wire.ParseDate(a.To)
		w.tick++
		w.absences[d.tenant.id] = append(w.absences[d.tenant.id], recorded{
			Absence: identity.Absence{ID: a.ID, Absent: a.Absent, Substitute: a.Substitute, From: from, To: to}, tick: w.tick})
		w.counts["absences"]++
		return nil
	})
	w.tracef("absence %s by %s: %s for %s %s..%s: %v %v", d.name, d.clerk.Name, absent, sub, req.Absence.From, req.Absence.To, err, refused)
}

// owner picks for whom d's clerk acts on c: the absent holder of the case when the
// clerk stands in for them now, else often another clerk they stand in for, now
// and then someone the clerk does not stand in for (which the service must refuse),
// else nobody (in the clerk's own right).
func (w *world) owner(d *desk, c model.Case) string {
	standsIn := identity.StandsInFor(w.absencesAt(d.tenant.id, w.tick+1), d.clerk.ID, w.now(), berlin)
	switch {
	case c.Assignee != "" && w.chance(0.8) && containsStr(standsIn, c.Assignee):
		w.counts["acts for the absent"]++
		return c.Assignee
	case len(standsIn) > 0 && w.chance(0.5):
		w.counts["acts for the absent"]++
		return standsIn[w.rng.IntN(len(standsIn))]
	case w.chance(0.03):
		o := d.tenant.users[w.rng.IntN(len(d.tenant.users))].ID
		if o != d.clerk.ID {
			return o
		}
	}
	return ""
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkIdentity: every mutation the service applied (or turned into a conflict) is
// covered by a grant it issued that desktop for the mutation's user, and for an
// absent clerk only while an absence names the actor; its history entry names the
// actor; a mutation rejected as not signed in was indeed not covered.
func (w *world) checkIdentity(servers map[string]*serverTenant) {
	ids := make([]string, 0, len(w.made))
	for id := range w.made {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		mm := w.made[id]
		d, m := mm.client, mm.m
		covered := w.covered(d, m.User, m.At)
		// Absences are judged as the service knew them when it decided.
		substitutes := m.OnBehalfOf == "" || identity.MayActFor(w.absencesAt(d.tenant.id, w.judged[id]), m.User, m.OnBehalfOf, m.At, berlin)
		switch w.outcomes[id] {
		case wire.StatusApplied, wire.StatusConflict:
			if !covered {
				w.failf("%s: mutation %s (%s by %s at %s) applied without a grant of this desktop covering it",
					d.name, id, m.Kind, m.User, m.At.Format(time.RFC3339))
			}
			if !substitutes {
				w.failf("%s: mutation %s by %s for %s applied without an absence naming %s", d.name, id, m.User, m.OnBehalfOf, m.User)
			}
			w.checkActor(d, servers[d.tenant.id], m)
		case wire.StatusRejected:
			r := w.reasons[id]
			if covered && strings.Contains(r, "war auf diesem PC nicht angemeldet") {
				w.failf("%s: mutation %s rejected (%q) though a grant covers it", d.name, id, r)
			}
			if substitutes && m.OnBehalfOf != "" && strings.Contains(r, "Vertretung für") {
				w.failf("%s: mutation %s rejected (%q) though an absence backs it", d.name, id, r)
			}
			if !covered && !strings.Contains(r, "nicht angemeldet") {
				w.failf("%s: mutation %s without a grant rejected for another reason: %q", d.name, id, r)
			}
		}
	}
}

// checkActor: the service's history entry of m names the actor it verified, and
// the absent clerk with a substitution.
func (w *world) checkActor(d *desk, st *serverTenant, m model.Mutation) {
	name := func(id string) string {
		for _, u := range d.tenant.users {
			if u.ID == id {
				return u.Name
			}
		}
		return id
	}
	want := name(m.User)
	if m.OnBehalfOf != "" {
		want = identity.InSubstitution(want, name(m.OnBehalfOf))
	}
	for _, e := range st.history[m.CaseID] {
		if e.Mutation == m.ID && (e.By != m.User || e.ByName != want) {
			w.failf("%s: history of mutation %s names %s (%s), want %s (%s)", d.name, m.ID, e.ByName, e.By, want, m.User)
		}
	}
}

// withoutRejectedCreates is d's cases but those whose creation on d the service
// rejected (a clerk who finished work after the grant ended). Such a case exists only
// on d: the store keeps it there, marked "not accepted" with the service's reason, so
// that no work is lost silently and nothing more is done to it until a clerk submits
// it again or discards it. A rejected creation shown without the mark would be a case
// on d "as if it existed": a failure.
func (w *world) withoutRejectedCreates(d *desk) []string {
	rejected := map[string]bool{}
	for id, mm := range w.made {
		// A copy of d's data folder holds d's creations made before the copy.
		if (mm.client == d || d.copyOf(mm.client)) && mm.m.Kind == model.KindCreate && w.outcomes[id] == wire.StatusRejected {
			rejected[mm.m.CaseID] = true
		}
	}
	var out []string
	for _, id := range d.caseIDs() {
		if !rejected[id] {
			out = append(out, id)
			continue
		}
		if _, err := d.db.NotAcceptedCase(id); err != nil {
			w.failf("%s: case %s, whose creation the service rejected, is shown without the mark: %v", d.name, id, err)
		}
		w.counts["rejected creates marked not accepted on their desktop"]++
	}
	return out
}

// identityStats says how much of the above a run did.
func (w *world) identityStats() string {
	keys := make([]string, 0, len(w.counts))
	for k := range w.counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, w.counts[k]))
	}
	return strings.Join(parts, ", ")
}
