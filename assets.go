package main

import (
	"net/http"

	"github.com/wailsapp/wails/v2/pkg/options/assetserver"

	"github.com/ozgcloud/desktop/app"
)

// assetOptions is how the window's page is served: the built UI, files at /files/
// for the preview (app.FileHandler), and around both app.PageSecurity, which sets
// the page's Content-Security-Policy.
func assetOptions(files http.Handler) *assetserver.Options {
	return &assetserver.Options{Assets: assets, Handler: files, Middleware: app.PageSecurity}
}
