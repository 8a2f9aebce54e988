package mail

import (
	"fmt"
	"io"
	"os"
)

// FileSink writes each attachment to its own temporary file in Dir (os.TempDir
// when empty). Files lists them in the order of Message.Attachments; the caller
// moves them into the store and calls Remove.
type FileSink struct {
	Dir   string
	Files []string
}

var _ Sink = (*FileSink)(nil)

// CreateAttachment returns a new temporary file; the name is not used on disk, so a
// hostile name cannot escape Dir.
func (s *FileSink) CreateAttachment(name, mediaType string) (io.WriteCloser, error) {
	f, err := os.CreateTemp(s.Dir, "anhang-*")
	if err != nil {
		return nil, fmt.Errorf("mail: attachment temp file: %w", err)
	}
	s.Files = append(s.Files, f.Name())
	return f, nil
}

// Remove deletes the temporary files.
func (s *FileSink) Remove() {
	for _, f := range s.Files {
		os.Remove(f)
	}
	s.Files = nil
}
