//go:build !windows

package zone

// MarkInternet does nothing outside Windows: other systems have no zone stream,
// and a name with ":Zone.Identifier" would be a stray file beside the real one.
func MarkInternet(path, host string) error { return nil }
