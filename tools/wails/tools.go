//go:build tools

// Package tools pins the Wails CLI in a module of its own, so that its many
// dependencies stay out of the app's go.mod and its go.sum pins every one of them.
// (Wails v2.9.2 also needed an x/tools override here to build on Go 1.26; v2.17.1
// does not.)
package tools

import _ "github.com/wailsapp/wails/v2/cmd/wails"
