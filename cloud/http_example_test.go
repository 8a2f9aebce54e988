package cloud_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ozgcloud/desktop/cloud"
	"github.com/ozgcloud/desktop/cloud/boltstore"
	"github.com/ozgcloud/desktop/sync/wire"
)

// The API over a bbolt store: a device enrolls with a one-time code, then every sync
// request carries its token and the protocol version.
func ExampleNewHandler() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	st, err := boltstore.Open(filepath.Join(dir, "cloud.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := cloud.New(st, cloud.Options{Logger: log})
	ctx := context.Background()
	svc.AddTenant(ctx, "musterstadt", "Musterstadt")
	code, _, _ := svc.NewEnrollment(ctx, "musterstadt")

	done := make(chan struct{}) // closed on shutdown: ends the event streams
	srv := httptest.NewServer(cloud.NewHandler(svc, cloud.HandlerOptions{Logger: log, Done: done}))
	defer srv.Close()
	defer close(done)

	post := func(path, token, body string) *http.Response {
		req, _ := http.NewRequest("POST", srv.URL+path, strings.NewReader(body))
		req.Header.Set(wire.HeaderVersion, strconv.Itoa(wire.Version))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		return resp
	}
	resp := post(wire.PathEnroll, "", `{"code":"`+code+`"}`)
	enr, err := wire.DecodeEnrollResponse(resp.Body, wire.MaxBodySmall)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, enr.Tenant, err)

	resp = post(wire.PathPush, enr.Token, `{"incarnation":"cloudtest-store","mutations":[]}`)
	push, err := wire.DecodePushResponse(resp.Body, wire.MaxBodySmall)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, push.LastSeq, err)

	resp = post(wire.PathPush, "stolen", `{"incarnation":"cloudtest-store","mutations":[]}`)
	e, _ := wire.DecodeError(resp.Body, wire.MaxBodySmall)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, e.Code)
	// Output:
	// 200 musterstadt <nil>
	// 200 0 <nil>
	// 401 unauthorized
}
