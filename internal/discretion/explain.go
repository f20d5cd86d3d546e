package discretion

import (
	"strconv"
	"sync"
	"time"
)

// expl accumulates the explanation (裁量说理) of one computation in a single
// buffer; each Step's text is a slice of the one string made at the end, so
// explaining costs two allocations (the text and the steps) instead of one
// per phrase. The working buffer itself is reused across computations
// (scratchPool): only the finished text, of exactly its length, is allocated.
//
// The buffer is written as buf[pos:] with pos the length so far: the fast path
// stores only an integer, never a slice header, so there are no write
// barriers while explaining even when x lives on the heap.
type expl struct {
	buf   []byte // len(buf) == cap(buf); text is buf[:pos]
	pos   int
	marks []mark
	open  bool
	off   bool // no explanation wanted (Engine.Quick)
}

type mark struct {
	title      string
	start, end int
	fixed      string // a step whose whole text is this string (start == end)
}

// step starts a new step with a title.
func (x *expl) step(title string) *expl {
	if x.off {
		return x
	}
	x.close()
	x.marks = append(x.marks, mark{title: title, start: x.pos})
	x.open = true
	return x
}

// fixedStep adds a step whose whole text is a string made before (shared, not
// copied): nothing may be appended to it.
func (x *expl) fixedStep(title, text string) {
	if x.off {
		return
	}
	x.close()
	x.marks = append(x.marks, mark{title: title, start: x.pos, end: x.pos, fixed: text})
}

func (x *expl) close() {
	if x.open {
		x.marks[len(x.marks)-1].end = x.pos
		x.open = false
	}
}

// room makes sure k more bytes fit.
func (x *expl) room(k int) {
	if len(x.buf)-x.pos < k {
		x.grow(k)
	}
}

func (x *expl) grow(k int) {
	nb := make([]byte, max(2*len(x.buf), x.pos+k, 1024))
	copy(nb, x.buf[:x.pos])
	x.buf = nb
}

func (x *expl) s(s string) *expl {
	if !x.off {
		x.room(len(s))
		x.pos += copy(x.buf[x.pos:], s)
	}
	return x
}

// The number writers below append straight into the free part of the
// buffer (room first, so append never reallocates), with no temporary copy.

func (x *expl) num(v int64) {
	x.room(20)
	x.pos += len(strconv.AppendInt(x.buf[x.pos:x.pos], v, 10))
}

func (x *expl) n(v int64) *expl {
	if !x.off {
		x.num(v)
	}
	return x
}

func (x *expl) yuan(fen int64) *expl {
	if !x.off {
		x.room(40)
		x.pos += len(appendYuan(x.buf[x.pos:x.pos], fen))
	}
	return x
}

func (x *expl) dec(v, den int64) *expl {
	if !x.off {
		x.room(48)
		x.pos += len(appendDecimal(x.buf[x.pos:x.pos], v, den))
	}
	return x
}

func (x *expl) day(t time.Time) *expl {
	if !x.off {
		x.room(24)
		x.pos += len(appendDay(x.buf[x.pos:x.pos], t))
	}
	return x
}

// trim drops a trailing separator.
func (x *expl) trim(sep string) {
	if !x.off && x.pos >= len(sep) && string(x.buf[x.pos-len(sep):x.pos]) == sep {
		x.pos -= len(sep)
	}
}

// scratch is the reusable working memory of one explanation.
type scratch struct {
	b     []byte
	marks []mark
}

// maxScratch bounds the buffer kept for reuse; an unusually long explanation
// does not pin its memory in the pool.
const maxScratch = 1 << 16

var scratchPool = sync.Pool{New: func() any {
	return &scratch{b: make([]byte, 8192), marks: make([]mark, 0, 16)}
}}

// begin takes a working buffer from the pool.
func (x *expl) begin() *scratch {
	sc := scratchPool.Get().(*scratch)
	x.buf, x.pos, x.marks = sc.b[:cap(sc.b)], 0, sc.marks[:0]
	return sc
}

// end returns the (possibly grown) working buffer to the pool; x must not be
// used afterwards.
func (x *expl) end(sc *scratch) {
	if cap(x.buf) > maxScratch {
		return
	}
	clear(x.marks) // drop the title references
	sc.b, sc.marks = x.buf, x.marks[:0]
	x.buf, x.marks = nil, nil
	scratchPool.Put(sc)
}

// steps returns the finished steps. Their texts are slices of one string
// copied out of the working buffer, which may then be reused.
func (x *expl) steps() []Step {
	if x.off {
		return nil
	}
	x.close()
	all := string(x.buf[:x.pos])
	out := make([]Step, len(x.marks))
	for i, m := range x.marks {
		out[i] = Step{Title: m.title, Text: all[m.start:m.end]}
		if m.fixed != "" {
			out[i].Text = m.fixed
		}
	}
	return out
}

// appendYuan appends fen as 元 with two decimals and thousands separators.
// The digits are written backwards into a stack array and copied once.
func appendYuan(b []byte, fen int64) []byte {
	var tmp [40]byte
	i := len(tmp)
	i -= len("元")
	copy(tmp[i:], "元")
	neg := fen < 0
	u := uint64(fen)
	if neg {
		u = -u
	}
	c := u % 100
	u /= 100
	tmp[i-1] = byte('0' + c%10)
	tmp[i-2] = byte('0' + c/10)
	tmp[i-3] = '.'
	i -= 3
	for n := 0; ; n++ {
		if n > 0 && n%3 == 0 {
			i--
			tmp[i] = ','
		}
		i--
		tmp[i] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	if neg {
		i--
		tmp[i] = '-'
	}
	return append(b, tmp[i:]...)
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
