// Package identity holds the rules of who may act: password verifiers and password
// rules, sign-in lockout, grants signed by the central service, invitation codes and
// substitution (Vertretung); it does no I/O beyond the clock and randomness it is given.
package identity
