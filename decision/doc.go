// Package decision renders decisions (Bescheide) as DIN 5008 letters in PDF/A-1b, and
// holds the rules of their templates (placeholders) and letterhead (IBAN, BIC).
package decision
