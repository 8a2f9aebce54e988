package app

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// FollowUpWatcher tells the clerk when a follow-up falls due while the app runs
// ("followup:due" and a desktop notification): once at sign-in for what is already
// due, then for each follow-up that becomes due (a new day, or one added for today).
// Each is announced once per clerk signed in.
type FollowUpWatcher struct {
	base
	win    *Window
	notify func(title, body string) error
	every  time.Duration
}

// NewFollowUpWatcher returns the watcher, which looks once a minute; main runs it.
func NewFollowUpWatcher(e Env) *FollowUpWatcher {
	w := &FollowUpWatcher{base: newBase(e), win: e.Window, notify: e.Notify, every: time.Minute}
	if w.notify == nil {
		w.notify = desktopNotify
	}
	return w
}

// Run watches until ctx ends and returns nil.
func (a *FollowUpWatcher) Run(ctx context.Context) error {
	seen, clerk := map[string]bool{}, ""
	tick := time.NewTicker(a.every)
	defer tick.Stop()
	for {
		// Another clerk signed in: their due follow-ups are news to them.
		if id := a.desk.Who().ID; id != clerk {
			seen, clerk = map[string]bool{}, id
		}
		a.announceDue(seen)
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

func (a *FollowUpWatcher) announceDue(seen map[string]bool) {
	// Nothing of the cases before a clerk signed in or while the window is locked:
	// what falls due meanwhile is announced after.
	me, err := a.desk.Clerk()
	if err != nil {
		return
	}
	due, err := a.dueFollowUps(me)
	if err != nil {
		a.log.Warn("follow-ups not checked", "err", err)
		return
	}
	var fresh []DueFollowUp
	for _, d := range due {
		if d.Mine && !seen[d.FollowUpID] { // the clerk's own; the office's are in the list
			seen[d.FollowUpID] = true
			fresh = append(fresh, d)
		}
	}
	if len(fresh) == 0 {
		return
	}
	a.win.Emit(EventFollowUpDue, fresh)
	title, body := notifyFollowUpDue, fmt.Sprintf(fmtFileNumberReason, fresh[0].FileNumber, fresh[0].Reason)
	if len(fresh) > 1 {
		title, body = fmt.Sprintf(notifyFollowUpsDue, len(fresh)), notifyFollowUpsWhere
	}
	switch err := a.notify(title, body); {
	case errors.Is(err, errNoNotifier):
		a.log.Info("no desktop notifications on this system; the window shows due follow-ups")
	case err != nil:
		a.log.Warn("desktop notification not shown", "err", err)
	}
}
