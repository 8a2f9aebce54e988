package main

import (
	"context"
	"flag"
	"log/slog"
	"sync"
	"time"

	"github.com/ozgcloud/desktop/cloud"
)

// backgroundFlags configure the long-running parts serve starts beside the HTTP
// server.
type backgroundFlags struct {
	janitorInterval time.Duration
	abandonedAfter  time.Duration
}

func (b *backgroundFlags) add(fs *flag.FlagSet) {
	fs.DurationVar(&b.janitorInterval, "janitor-interval", cloud.DefaultJanitorInterval, "how often unfinished uploads are checked")
	fs.DurationVar(&b.abandonedAfter, "abandoned-after", cloud.DefaultAbandonedAfter, "an upload not announced again for this long is removed")
}

// startBackground starts the janitor of abandoned uploads and, on bbolt, the admin
// socket (a server on PostgreSQL needs none: the admin commands share the
// database). stop ends them and waits; it may be called more than once.
func startBackground(ctx context.Context, b backgroundFlags, sf storeFlags, svc *cloud.Service, log *slog.Logger) (stop func()) {
	var parts []interface{ Run(context.Context) error }
	if sf.postgres == "" && sf.data != "" {
		sock, err := listenAdmin(sf.data, svc, log)
		if err != nil {
			// The service works without it; administration then needs the server
			// stopped, as the commands will say.
			log.Warn("no admin socket", slog.String("error", err.Error()))
		} else {
			parts = append(parts, sock)
		}
	}
	parts = append(parts, &cloud.Janitor{Service: svc, Interval: b.janitorInterval, After: b.abandonedAfter, Logger: log})
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, p := range parts {
		wg.Go(func() {
			if err := p.Run(ctx); err != nil {
				log.Error("background part stopped", slog.String("error", err.Error()))
			}
		})
	}
	return sync.OnceFunc(func() { cancel(); wg.Wait() })
}
