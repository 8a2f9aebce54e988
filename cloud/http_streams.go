package cloud

import "sync"

// streamSet bounds the open event streams: at most perDevice for one device (a new
// one closes the device's oldest, which is most likely a stream whose PC went away
// without closing it) and total in all (a new one is refused).
type streamSet struct {
	perDevice, total int

	mu       sync.Mutex
	n        int
	byDevice map[string][]chan struct{} // oldest first; closed to end the stream
}

func newStreamSet(perDevice, total int) *streamSet {
	return &streamSet{perDevice: perDevice, total: total, byDevice: map[string][]chan struct{}{}}
}

// open registers a stream of device and returns the channel that is closed when
// the stream must end, and the func that unregisters it. ok is false when the
// streams in all are at the limit and the device has none to give up.
func (s *streamSet) open(device string) (end <-chan struct{}, closeFn func(), ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	mine := s.byDevice[device]
	full := s.perDevice > 0 && len(mine) >= s.perDevice
	if !full && s.total > 0 && s.n >= s.total {
		return nil, nil, false
	}
	if full {
		close(mine[0])
		mine = mine[1:]
		s.n--
	}
	ch := make(chan struct{})
	s.byDevice[device] = append(mine, ch)
	s.n++
	return ch, sync.OnceFunc(func() { s.remove(device, ch) }), true
}

func (s *streamSet) remove(device string, ch chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	mine := s.byDevice[device]
	for i, c := range mine {
		if c == ch {
			mine = append(mine[:i:i], mine[i+1:]...)
			s.n--
			break
		}
	}
	if len(mine) == 0 {
		delete(s.byDevice, device)
	} else {
		s.byDevice[device] = mine
	}
}

// count returns the open streams in all and of device.
func (s *streamSet) count(device string) (int, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n, len(s.byDevice[device])
}
