//go:build !bindings

package main

// generatingBindings: see bindings.go.
const generatingBindings = false
