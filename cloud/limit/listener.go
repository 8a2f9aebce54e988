// Package limit holds the central service's guards against clients that take more
// than their share: a listener that caps connections in all and per address, gates
// that cap concurrent work per key, a byte budget, failure rate limits that say how
// long to wait, and a tally that turns a flood of refusals into one log line per
// interval.
package limit

import (
	"net"
	"net/netip"
	"sync"
)

// ListenerOptions bound a Listener; zero or less means no limit.
type ListenerOptions struct {
	Max     int // open connections in all
	PerAddr int // open connections from one address (AddrKey)
	// Refused, when set, is called for each connection closed at once, with the
	// reason "connections" (Max) or "connections_per_addr" (PerAddr).
	Refused func(reason string)
}

// Listener caps the connections a net.Listener hands out. A connection over a
// limit is closed at once, before TLS or HTTP cost anything: with TLS there is no
// way to tell the client why, and a client that cannot connect backs off anyway.
type Listener struct {
	net.Listener
	o ListenerOptions

	mu     sync.Mutex
	open   int
	byAddr map[string]int
}

// NewListener wraps ln.
func NewListener(ln net.Listener, o ListenerOptions) *Listener {
	return &Listener{Listener: ln, o: o, byAddr: map[string]int{}}
}

// Accept returns the next connection within the limits; the others are closed.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		key := AddrKey(c.RemoteAddr())
		if reason := l.enter(key); reason != "" {
			if tc, ok := c.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // a reset, so refused connections leave no TIME_WAIT behind
			}
			_ = c.Close()
			if l.o.Refused != nil {
				l.o.Refused(reason)
			}
			continue
		}
		return &conn{Conn: c, leave: sync.OnceFunc(func() { l.leave(key) })}, nil
	}
}

// Open returns the number of connections handed out and not yet closed.
func (l *Listener) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open
}

func (l *Listener) enter(key string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.o.Max > 0 && l.open >= l.o.Max {
		return "connections"
	}
	if l.o.PerAddr > 0 && l.byAddr[key] >= l.o.PerAddr {
		return "connections_per_addr"
	}
	l.open++
	l.byAddr[key]++
	return ""
}

func (l *Listener) leave(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	if l.byAddr[key]--; l.byAddr[key] <= 0 {
		delete(l.byAddr, key)
	}
}

type conn struct {
	net.Conn
	leave func()
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.leave()
	return err
}

// AddrKey is the key of a client's address for per-address limits: the IP address,
// and for IPv6 its /64 network, since one subscriber gets a whole /64 and could
// otherwise pick a fresh address for every connection.
func AddrKey(a net.Addr) string {
	if a == nil {
		return ""
	}
	return HostKey(a.String())
}

// HostKey is AddrKey of an address in "host:port" or plain host form, such as
// http.Request.RemoteAddr. An address that does not parse is its own key.
func HostKey(hostport string) string {
	ap, err := netip.ParseAddrPort(hostport)
	var ip netip.Addr
	if err == nil {
		ip = ap.Addr()
	} else if ip, err = netip.ParseAddr(hostport); err != nil {
		return hostport
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}
