//go:build tools

// Package tools pins the Wails CLI in a module of its own: wails v2.9.2's own
// golang.org/x/tools does not compile on Go 1.26, and this keeps the app's go.mod clean.
package tools

import _ "github.com/wailsapp/wails/v2/cmd/wails"
