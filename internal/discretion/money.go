package discretion

import "math/bits"

// MaxAmountFen bounds every amount the engine accepts (一万亿元), so that
// base × multiple × position never overflows even before 128-bit division.
const MaxAmountFen int64 = 100_000_000_000_000

// mulDiv returns a×b/c rounded as asked ("down", "up", "half_up"), with a
// 128-bit intermediate product. a, b ≥ 0, c > 0, result must fit int64.
func mulDiv(a, b, c int64, mode string) int64 {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	q, r := bits.Div64(hi, lo, uint64(c)) // hi < c holds for our bounded inputs
	switch mode {
	case "up":
		if r > 0 {
			q++
		}
	case "half_up":
		if r >= uint64(c)-r { // 2r ≥ c without overflow
			q++
		}
	}
	return int64(q)
}

// roundUnit rounds fen to a multiple of unit: "half_up", "down", "up" or "none".
func roundUnit(fen, unit int64, mode string) int64 {
	if unit <= 1 || mode == "none" {
		return fen
	}
	q, r := fen/unit, fen%unit
	switch mode {
	case "down":
	case "up":
		if r > 0 {
			q++
		}
	default: // half_up
		if 2*r >= unit {
			q++
		}
	}
	return q * unit
}

// Yuan formats an amount of 分 as 元 with two decimals and thousands
// separators, e.g. 1234567 → "12,345.67元".
func Yuan(fen int64) string { return string(appendYuan(make([]byte, 0, 24), fen)) }

// times formats a per-mille multiple as 倍, e.g. 13000 → "13倍", 1250 → "1.25倍".
func times(permille int64) string { return decimal(permille, 1000) + "倍" }

// decimal formats n/den (den a power of ten) without trailing zeros.
func decimal(n, den int64) string { return string(appendDecimal(nil, n, den)) }
