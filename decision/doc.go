// Package decision renders decisions (Bescheide) as DIN 5008 letters in PDF/A-1b, and
// holds the rules of their templates (placeholders), letterhead (IBAN, BIC), fees and
// legal-remedy instructions: a municipality's Land and its remedy matrix (Land × case
// type × template → remedy) with defaults for Schleswig-Holstein and Bayern.
package decision
