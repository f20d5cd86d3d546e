package discretion

import (
	"strconv"
	"time"
	"unsafe"
)

// expl accumulates the explanation (裁量说理) of one computation in a single
// buffer; each Step's text is a slice of the one string made at the end, so
// explaining costs a handful of allocations instead of one per phrase.
type expl struct {
	b     []byte
	marks []mark
	open  bool
	off   bool // no explanation wanted (Engine.Quick)
}

type mark struct {
	title      string
	start, end int
}

// step starts a new step with a title.
func (x *expl) step(title string) *expl {
	if x.off {
		return x
	}
	x.close()
	x.marks = append(x.marks, mark{title: title, start: len(x.b)})
	x.open = true
	return x
}

func (x *expl) close() {
	if x.open {
		x.marks[len(x.marks)-1].end = len(x.b)
		x.open = false
	}
}

func (x *expl) s(s string) *expl {
	if !x.off {
		x.b = append(x.b, s...)
	}
	return x
}

func (x *expl) n(v int64) *expl {
	if !x.off {
		x.b = strconv.AppendInt(x.b, v, 10)
	}
	return x
}

func (x *expl) yuan(fen int64) *expl {
	if !x.off {
		x.b = appendYuan(x.b, fen)
	}
	return x
}

func (x *expl) dec(v, den int64) *expl {
	if !x.off {
		x.b = appendDecimal(x.b, v, den)
	}
	return x
}

func (x *expl) day(t time.Time) *expl {
	if !x.off {
		x.b = appendDay(x.b, t)
	}
	return x
}

// trim drops a trailing separator.
func (x *expl) trim(sep string) {
	if !x.off && len(x.b) >= len(sep) && string(x.b[len(x.b)-len(sep):]) == sep {
		x.b = x.b[:len(x.b)-len(sep)]
	}
}

// steps returns the finished steps.
func (x *expl) steps() []Step {
	if x.off {
		return nil
	}
	x.close()
	// The buffer is never written again, so the string may share its bytes.
	all := unsafe.String(unsafe.SliceData(x.b), len(x.b))
	out := make([]Step, len(x.marks))
	for i, m := range x.marks {
		out[i] = Step{Title: m.title, Text: all[m.start:m.end]}
	}
	return out
}

// appendYuan appends fen as 元 with two decimals and thousands separators.
func appendYuan(b []byte, fen int64) []byte {
	if fen < 0 {
		b = append(b, '-')
		fen = -fen
	}
	var tmp [24]byte
	y := strconv.AppendInt(tmp[:0], fen/100, 10)
	for i := range y {
		if i > 0 && (len(y)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, y[i])
	}
	c := fen % 100
	b = append(b, '.', byte('0'+c/10), byte('0'+c%10))
	return append(b, "元"...)
}

// appendDecimal appends n/den (den a power of ten) without trailing zeros.
func appendDecimal(b []byte, n, den int64) []byte {
	b = strconv.AppendInt(b, n/den, 10)
	frac := n % den
	if frac == 0 {
		return b
	}
	b = append(b, '.')
	for d := den / 10; d > 0 && frac > 0; d /= 10 {
		b = append(b, byte('0'+frac/d))
		frac %= d
	}
	return b
}

// appendDay appends t as YYYY-MM-DD.
func appendDay(b []byte, t time.Time) []byte {
	y, m, d := t.Date()
	b = strconv.AppendInt(b, int64(y), 10)
	b = append(b, '-', byte('0'+int(m)/10), byte('0'+int(m)%10), '-', byte('0'+d/10), byte('0'+d%10))
	return b
}
