//go:build !linux

package store

import "os"

// syncBlobFiles makes written blobs durable, one fsync per file where the OS has no
// syncfs.
func syncBlobFiles(_ string, files []string) error {
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		err = f.Sync()
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
