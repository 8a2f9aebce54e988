// Package model holds the domain of a case (Vorgang): its fields, the status table,
// clerks and roles, and the mutations that change a case; it does no I/O.
package model
