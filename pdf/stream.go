package pdf

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
)

// maxDecoded bounds the decoded size of one stream: a few kilobytes of deflate can
// claim gigabytes. A variable so that a test can try the limit cheaply.
var maxDecoded = 32 << 20

// Decode returns the data of s with its filters undone: none, or FlateDecode with an
// optional PNG predictor. Other filters give an error wrapping ErrUnsupported.
func (f *File) Decode(s *Stream) ([]byte, error) {
	filter, err := f.Resolve(s.Dict.Get("Filter"))
	if err != nil {
		return nil, err
	}
	if a, ok := filter.(Array); ok && len(a) == 1 {
		filter = a[0]
	}
	switch filter {
	case nil:
		return s.Data, nil
	case Name("FlateDecode"):
	default:
		return nil, fmt.Errorf("%w: filter %v", ErrUnsupported, filter)
	}
	zr, err := zlib.NewReader(bytes.NewReader(s.Data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, int64(maxDecoded)+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if len(out) > maxDecoded {
		return nil, fmt.Errorf("%w: stream decodes to more than %d bytes", ErrUnsupported, maxDecoded)
	}
	parms := s.Dict.Get("DecodeParms")
	if a, ok := parms.(Array); ok && len(a) == 1 {
		parms = a[0]
	}
	pd, _ := parms.(*Dict)
	pred, _ := pd.Int("Predictor")
	if pred < 10 {
		if pred > 1 {
			return nil, fmt.Errorf("%w: predictor %d", ErrUnsupported, pred)
		}
		return out, nil
	}
	cols, ok := pd.Int("Columns")
	if !ok {
		cols = 1
	}
	colors, ok := pd.Int("Colors")
	if !ok {
		colors = 1
	}
	bpc, ok := pd.Int("BitsPerComponent")
	if !ok {
		bpc = 8
	}
	if cols <= 0 || cols > 1<<16 || colors <= 0 || colors > 32 || (bpc != 1 && bpc != 2 && bpc != 4 && bpc != 8 && bpc != 16) {
		return nil, fmt.Errorf("%w: bad predictor parameters", ErrMalformed)
	}
	bpp := max(1, int(colors*bpc)/8)
	return unpredictPNG(out, int(cols*colors*bpc+7)/8, bpp)
}

// unpredictPNG undoes PNG row filters: rows of rowLen bytes, each after a filter byte.
func unpredictPNG(data []byte, rowLen, bpp int) ([]byte, error) {
	row := rowLen + 1
	if len(data)%row != 0 {
		return nil, fmt.Errorf("%w: predictor data length", ErrMalformed)
	}
	out := make([]byte, 0, len(data)/row*rowLen)
	prev := make([]byte, rowLen)
	for r := 0; r < len(data); r += row {
		cur := out[len(out) : len(out)+rowLen]
		copy(cur, data[r+1:r+row])
		for x := range rowLen {
			var a, c byte
			if x >= bpp {
				a, c = cur[x-bpp], prev[x-bpp]
			}
			up := prev[x]
			switch data[r] {
			case 0:
			case 1:
				cur[x] += a
			case 2:
				cur[x] += up
			case 3:
				cur[x] += byte((int(a) + int(up)) / 2)
			case 4:
				cur[x] += paeth(a, up, c)
			default:
				return nil, fmt.Errorf("%w: bad PNG filter %d", ErrMalformed, data[r])
			}
		}
		out = out[:len(out)+rowLen]
		prev = cur
	}
	return out, nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	if pa <= pb && pa <= pc {
		return a
	}
	if pb <= pc {
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
