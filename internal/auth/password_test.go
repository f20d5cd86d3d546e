package auth

import (
	"strings"
	"testing"
)

func TestRandomHex(t *testing.T) {
	a, b := RandomHex(16), RandomHex(16)
	if len(a) != 32 || strings.Trim(a, "0123456789abcdef") != "" || a == b {
		t.Fatalf("RandomHex(16) = %q, %q: want two different 32-digit lower-case hex strings", a, b)
	}
	if s := RandomHex(4); len(s) != 8 {
		t.Fatalf("RandomHex(4) = %q", s)
	}
}
