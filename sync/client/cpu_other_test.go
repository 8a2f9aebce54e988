//go:build !unix

package client

import "time"

func cpuTime() time.Duration { return 0 }
