package boltstore

// SetNoSync turns fsync on commit and on file growth off (or on again). For tests and
// simulations only, which crash the service by closing the store, never by losing
// the page cache; call it before the store is used.
func (s *Store) SetNoSync(on bool) { s.db.NoSync, s.db.NoGrowSync = on, on }
