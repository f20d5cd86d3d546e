package web

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRealClientBehindTrustedProxies(t *testing.T) {
	proxies, err := ParseTrustedProxies(" 10.0.0.0/8, 127.0.0.1 ,::1")
	if err != nil {
		t.Fatal(err)
	}
	if len(proxies) != 3 {
		t.Fatalf("parsed %d proxies, want 3", len(proxies))
	}
	cases := []struct {
		name, peer, xff, realIP string
		trusted                 bool
		want                    string
	}{
		{"no proxies configured: headers ignored", "10.0.0.5:4000", "1.2.3.4", "", false, "10.0.0.5"},
		{"one trusted proxy", "10.0.0.5:4000", "1.2.3.4", "", true, "1.2.3.4"},
		{"chain of trusted proxies; the client's own entry on the left is ignored", "127.0.0.1:4000", "9.9.9.9, 1.2.3.4, 10.1.2.3", "", true, "1.2.3.4"},
		{"peer not trusted: a forged header changes nothing", "8.8.8.8:4000", "1.2.3.4", "", true, "8.8.8.8"},
		{"garbled entry: the proxy's address stays", "10.0.0.5:4000", "not-an-ip", "", true, "10.0.0.5"},
		{"X-Real-IP when there is no X-Forwarded-For", "10.0.0.5:4000", "", "203.0.113.7", true, "203.0.113.7"},
		{"IPv6 proxy and client", "[::1]:4000", "2001:db8::7", "", true, "2001:db8::7"},
		{"every hop trusted: the leftmost is the client", "10.0.0.5:4000", "10.9.9.9, 10.0.0.6", "", true, "10.9.9.9"},
	}
	for _, c := range cases {
		s := &Server{}
		if c.trusted {
			s.TrustedProxies = proxies
		}
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if c.realIP != "" {
			r.Header.Set("X-Real-IP", c.realIP)
		}
		s.realClient(r)
		if got := ClientIP(r); got != c.want {
			t.Errorf("%s: client = %s, want %s", c.name, got, c.want)
		}
	}
	if _, err := ParseTrustedProxies("10.0.0.0/8, proxy.local"); err == nil || !strings.Contains(err.Error(), `"proxy.local"`) || !strings.Contains(err.Error(), "TONGCHENG_TRUSTED_PROXIES") {
		t.Fatalf("bad proxy list error = %v, want it to name the entry and the setting", err)
	}
}
