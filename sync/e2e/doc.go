// Package e2e holds the process-level tests of sync (issue 4): the real
// ozgcloud-server binary, killed and restarted, against real desktop stores with the
// real sync engine over TLS with a pinned certificate. It has no code of its own;
// everything is in its tests.
package e2e
