package decision

import (
	"encoding/binary"
	"math"
)

// srgbProfile is a minimal ICC v2 display profile for sRGB, made here rather than
// copied, so the repository carries no third-party profile and its licence. PDF/A
// needs it as the OutputIntent; the colorants are the D50-adapted sRGB primaries.
var srgbProfile = makeSRGBProfile()

func makeSRGBProfile() []byte {
	be := binary.BigEndian
	s15 := func(v float64) []byte {
		b := make([]byte, 4)
		be.PutUint32(b, uint32(int32(math.Round(v*65536))))
		return b
	}
	xyz := func(x, y, z float64) []byte {
		b := append([]byte("XYZ \x00\x00\x00\x00"), s15(x)...)
		return append(append(b, s15(y)...), s15(z)...)
	}
	text := func(s string) []byte { return append(append([]byte("text\x00\x00\x00\x00"), s...), 0) }
	desc := func(s string) []byte {
		b := []byte("desc\x00\x00\x00\x00")
		b = be.AppendUint32(b, uint32(len(s)+1))
		b = append(append(b, s...), 0)
		b = append(b, make([]byte, 4+4+2+1+67)...) // no Unicode or ScriptCode description
		return b
	}
	curve := []byte("curv\x00\x00\x00\x00")
	const n = 1024
	curve = be.AppendUint32(curve, n)
	for i := 0; i < n; i++ {
		v := float64(i) / (n - 1)
		if v <= 0.04045 {
			v /= 12.92
		} else {
			v = math.Pow((v+0.055)/1.055, 2.4)
		}
		curve = be.AppendUint16(curve, uint16(math.Round(v*65535)))
	}
	type tag struct {
		sig  string
		data []byte
	}
	tags := []tag{
		{"desc", desc("sRGB IEC61966-2.1")},
		{"cprt", text("No copyright, use freely")},
		{"wtpt", xyz(0.9642, 1.0, 0.8249)},
		{"rXYZ", xyz(0.4361, 0.2225, 0.0139)},
		{"gXYZ", xyz(0.3851, 0.7169, 0.0971)},
		{"bXYZ", xyz(0.1431, 0.0606, 0.7141)},
		{"rTRC", curve}, {"gTRC", curve}, {"bTRC", curve},
	}
	head := 128 + 4 + 12*len(tags)
	var data []byte
	table := be.AppendUint32(nil, uint32(len(tags)))
	var curveAt int
	for _, t := range tags {
		at := head + len(data)
		if t.sig == "gTRC" || t.sig == "bTRC" {
			at = curveAt // the three curves share one copy
		} else {
			if t.sig == "rTRC" {
				curveAt = at
			}
			data = append(data, t.data...)
			for len(data)%4 != 0 {
				data = append(data, 0)
			}
		}
		table = append(table, t.sig...)
		table = be.AppendUint32(table, uint32(at))
		table = be.AppendUint32(table, uint32(len(t.data)))
	}
	h := make([]byte, 128)
	be.PutUint32(h[0:], uint32(head+len(data)))
	be.PutUint32(h[8:], 0x02100000)
	copy(h[12:], "mntr")
	copy(h[16:], "RGB ")
	copy(h[20:], "XYZ ")
	be.PutUint16(h[24:], 2026)
	be.PutUint16(h[26:], 1)
	be.PutUint16(h[28:], 1)
	copy(h[36:], "acsp")
	copy(h[68:], s15(0.9642))
	copy(h[72:], s15(1.0))
	copy(h[76:], s15(0.8249))
	return append(append(h, table...), data...)
}
