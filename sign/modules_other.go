//go:build !unix

package sign

// adminOnly is not checked outside Unix: on Windows the known locations are
// System32 and Program Files, and the administrator's list names its own.
func adminOnly(string) error { return nil }
