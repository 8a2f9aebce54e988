// Package decision renders decisions (Bescheide) as DIN 5008 letters in PDF/A-1b.
package decision
