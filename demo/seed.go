package demo

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ozgcloud/desktop/model"
	"github.com/ozgcloud/desktop/store"
)

// seedBatch is how many cases go into one store transaction: large enough that the
// commit cost vanishes, small enough to keep memory flat for 100,000 cases.
const seedBatch = 1000

// Seed makes db the demo store of Gemeinde Musterhausen: it sets the municipality
// (marked as demo), the clerks and a throw-away signing key (SeedKey), then imports n generated cases with their
// representation PDFs as blobs. It is meant for an empty store; the same seed and now
// give the same cases. Errors come from the store, wrapped.
func Seed(db *store.DB, n int, seed int64, now time.Time) error {
	m := Musterhausen()
	err := db.SetMunicipality(store.Municipality{
		Name: m.Name, Tenant: m.Tenant, OrgUnit: m.OrgUnit, OrgUnitName: m.OrgUnitName,
		Street: m.Street, PostalCode: m.PostalCode, City: m.City, Demo: true,
		Phone: m.Phone, Email: m.Email, BankName: m.BankName, IBAN: m.IBAN, BIC: m.BIC,
	})
	if err != nil {
		return fmt.Errorf("demo: seed municipality: %w", err)
	}
	for _, c := range Clerks() {
		if err := db.PutClerk(c); err != nil {
			return fmt.Errorf("demo: seed clerk %s: %w", c.ID, err)
		}
	}
	if err := SeedKey(db, m.Name, now); err != nil {
		return err
	}

	// Three stages overlap: generating a batch, writing its PDFs as blobs (in
	// parallel, since creating small files is bound by latency, not by the disk), and
	// importing the batch before into the store.
	done := make(chan struct{})
	stop := sync.OnceFunc(func() { close(done) })
	generated := make(chan []Case, 1)
	imports := make(chan []store.Import, 1)
	genErr, blobErr := make(chan error, 1), make(chan error, 1)

	// Making the blobs durable is waiting on the disk, not work: a syncer flushes the
	// written batches while later ones are generated and imported.
	toSync := make(chan struct{}, blobSyncers)
	syncErrs := make([]error, blobSyncers)
	var syncers sync.WaitGroup
	for i := range blobSyncers {
		syncers.Go(func() {
			for range toSync {
				if err := db.SyncBlobs(); err != nil && syncErrs[i] == nil {
					syncErrs[i] = err
				}
			}
		})
	}

	go func() {
		defer close(generated)
		batch := make([]Case, 0, seedBatch)
		send := func() bool {
			select {
			case generated <- batch:
				batch = make([]Case, 0, seedBatch)
				return true
			case <-done:
				return false
			}
		}
		err := Generate(seed, n, now, func(g Case) error {
			batch = append(batch, g)
			if len(batch) == seedBatch && !send() {
				return errStopped
			}
			return nil
		})
		if err == nil && len(batch) > 0 {
			send()
		}
		genErr <- err
	}()

	go func() {
		defer close(imports)
		var err error
		for batch := range generated {
			if err != nil {
				continue // drain so the generator ends
			}
			var out []store.Import
			if out, err = writeBlobs(db, batch, toSync); err != nil {
				stop()
				continue
			}
			select {
			case imports <- out:
			case <-done:
			}
		}
		blobErr <- err
	}()

	var storeErr error
	for batch := range imports {
		if storeErr != nil {
			continue
		}
		if err := db.Import(batch, System()); err != nil {
			storeErr = fmt.Errorf("demo: seed: %w", err)
			stop()
		}
	}
	if seedPhase != nil {
		seedPhase("imported")
	}
	gErr, bErr := <-genErr, <-blobErr
	close(toSync)
	syncers.Wait()
	switch {
	case storeErr != nil:
		return storeErr
	case bErr != nil:
		return fmt.Errorf("demo: seed: %w", bErr)
	case gErr != nil:
		return fmt.Errorf("demo: seed: %w", gErr)
	}
	// Whatever the syncers did not reach yet.
	if err := errors.Join(append(syncErrs, db.SyncBlobs())...); err != nil {
		return fmt.Errorf("demo: seed: sync blobs: %w", err)
	}
	return nil
}

// blobSyncers flush written blobs while seeding goes on; the store flushes all
// written blobs in one call (syncfs on Linux), so one syncer woken per batch suffices.
const blobSyncers = 1

// seedPhase, when set (by the benchmark), is told when every case is imported, so the
// remaining wait for the blobs to be durable can be reported apart.
var seedPhase func(phase string)

// blobWorkers write representation PDFs at the same time.
const blobWorkers = 8

// writeBlobs stores the batch's representation PDFs and returns the store imports.
// It then wakes the syncer; when it is busy, its next flush takes these blobs too.
func writeBlobs(db *store.DB, batch []Case, toSync chan<- struct{}) ([]store.Import, error) {
	out := make([]store.Import, len(batch))
	errs := make([]error, blobWorkers)
	var wg sync.WaitGroup
	for w := range blobWorkers {
		wg.Go(func() {
			for i := w; i < len(batch); i += blobWorkers {
				if out[i], errs[w] = importOf(db, batch[i]); errs[w] != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	select {
	case toSync <- struct{}{}:
	default:
	}
	return out, errors.Join(errs...)
}

// errStopped ends generation after the store failed; the store's error is reported.
var errStopped = errors.New("demo: seeding stopped")

// importOf stores the representation PDF as a blob and turns the generated case into
// a store import.
func importOf(db *store.DB, g Case) (store.Import, error) {
	sha, err := db.PutBlobNoSync(g.Representation)
	if err != nil {
		return store.Import{}, err
	}
	c := g.Case
	c.Representation = &model.Attachment{
		ID: g.RepresentationID, Name: "Antrag.pdf", MediaType: "application/pdf",
		Size: int64(len(g.Representation)), SHA256: sha, AddedAt: c.ReceivedAt, AddedBy: "system",
	}
	steps := make([]store.Step, len(g.Steps))
	for i, s := range g.Steps {
		steps[i] = store.Step(s)
	}
	return store.Import{Case: c, Steps: steps}, nil
}
