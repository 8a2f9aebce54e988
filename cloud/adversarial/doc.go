// Package adversarial holds the central service's adversarial suite (its tests):
// the real handler and http.Server with TLS on loopback, attackers in the same
// process, and a well-behaved tenant whose pushes must stay fast and whole
// meanwhile. ADVERSARIAL_LONG=1 runs the attack for two minutes instead of a few
// seconds; ADVERSARIAL_SECONDS sets the duration.
package adversarial
