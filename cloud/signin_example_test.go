package cloud_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/boltstore"
	"github.com/ozgcloud/desktop/cloud/cloudtest"
	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/sync/wire"
)

// A clerk sets a password with the invitation code the administration handed over,
// which signs her in on that PC; the service then applies her work from that PC and
// refuses work sent there in the name of a clerk it never signed in.
func ExampleService_Activate() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	st, err := boltstore.Open(filepath.Join(dir, "cloud.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()
	svc := cloud.New(st, cloud.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ctx := context.Background()
	svc.AddTenant(ctx, "musterstadt", "Musterstadt")
	erika, _ := svc.AddUserWithID(ctx, "musterstadt", "u-erika", "Erika Muster", model.RoleSachbearbeitung)
	svc.AddUserWithID(ctx, "musterstadt", "u-lea", "Lea Leitung", model.RoleLeitung)
	code, _, _ := svc.Invite(ctx, "musterstadt", erika.ID) // `ozgcloud-server user add` prints it
	enrollment, _, _ := svc.NewEnrollment(ctx, "musterstadt")
	er, _ := svc.Enroll(ctx, enrollment)
	pc, _ := svc.Authenticate(ctx, er.Token)

	_, err = svc.Activate(ctx, pc, code, "Sommer2026!")
	fmt.Println(err.(*cloud.SignInError).Reason)
	grant, err := svc.Activate(ctx, pc, code, "Rathaus-Kaffee-Treppe")
	fmt.Println(grant.User.Name, err)

	create := func(seq uint64, user, id string) model.Mutation {
		m, _ := model.NewMutation(id, model.KindCreate, model.CreatePayload{Case: model.Case{ID: id, FileNumber: "BAU-2026-0001-" + pc.Code,
			Type: "BAU", Title: "Bauantrag", ReceivedAt: time.Now(), Channel: model.ChannelCounter,
			Applicant: model.Applicant{Name: "Max Beispiel"}, Status: model.StatusNeu}})
		m.Device, m.Seq, m.ID, m.User, m.At = pc.ID, seq, wire.MutationID(pc.ID, seq), user, time.Now().UTC()
		return m
	}
	resp, _ := svc.Push(ctx, pc, cloudtest.Push(create(1, "u-erika", "c-1"), create(2, "u-lea", "c-2")))
	for _, r := range resp.Results {
		fmt.Println(strings.TrimSpace(string(r.Status) + " " + r.Reason))
	}
	// Output:
	// weak_password
	// Erika Muster <nil>
	// applied
	// rejected Lea Leitung war auf diesem PC nicht angemeldet.
}
