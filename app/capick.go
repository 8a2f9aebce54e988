package app

import (
	"crypto/x509"
	"encoding/pem"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// caPick is the CA certificate file the administration last chose in the native
// dialog, read on the Go side: the settings forms send back only its name, never a
// path, and the certificates the store keeps are the bytes read here.
type caPick struct {
	mu        sync.Mutex
	name, pem string
}

// choose asks for the file, checks it holds PEM certificates and keeps them. A
// cancelled dialog returns the zero CAChoice; a bad file a German *Error.
func (p *caPick) choose(win *Window) (CAChoice, error) {
	path, err := win.chooseOne(titleChooseCA)
	if err != nil || path == "" {
		return CAChoice{}, err
	}
	name := filepath.Base(path)
	text, msg := readCAFile(path)
	if msg != "" {
		return CAChoice{}, &Error{Code: CodeInvalid, Message: msg, Fields: map[string]string{"ca": msg}}
	}
	p.mu.Lock()
	p.name, p.pem = name, text
	p.mu.Unlock()
	return CAChoice{Name: name}, nil
}

// take returns the certificates chosen under name, if that was the last choice.
func (p *caPick) take(name string) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if name == "" || name != p.name {
		return "", false
	}
	return p.pem, true
}

// readCAFile returns the PEM certificates in path, or a German message.
func readCAFile(path string) (string, string) {
	file, err := os.Open(path)
	if err != nil {
		return "", fieldCAUnreadable
	}
	defer file.Close()
	b, err := io.ReadAll(io.LimitReader(file, maxCAFileSize+1))
	if err != nil {
		return "", fieldCAUnreadable
	}
	if len(b) > maxCAFileSize {
		return "", fieldCATooLarge
	}
	return pemCertificates(b)
}

// pemCertificates returns the CERTIFICATE blocks of b, or a German message.
func pemCertificates(b []byte) (string, string) {
	var certs []byte
	rest := b
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return "", fieldCABadCertificate
		}
		certs = append(certs, pem.EncodeToMemory(block)...)
	}
	if len(certs) == 0 {
		return "", fieldCANoPEM
	}
	return string(certs), ""
}
