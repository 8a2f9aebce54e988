//go:build bindings

package main

// generatingBindings: wails generate module builds this binary with the tag
// "bindings" and runs it only to read the bound services, so it opens no store.
const generatingBindings = true
