package web

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ParseTrustedProxies reads a comma-separated list of addresses or CIDR ranges of the
// reverse proxies in front of the servers (e.g. "10.0.0.0/8, 127.0.0.1").
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("受信任代理 %q 不是 IP 地址或网段（例如 10.0.0.0/8），请检查 --trusted-proxies / TONGCHENG_TRUSTED_PROXIES", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

func (s *Server) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// realClient rewrites r.RemoteAddr to the client's address when the request came
// through a trusted reverse proxy, so that audit entries, login throttling and the
// public pages' rate limits see the person, not the proxy. X-Forwarded-For is read from
// the right: each trusted proxy appends the address it received from, so the first
// address from the right that is not a trusted proxy is the client; addresses further
// left were written by the client itself and are ignored. Without trusted proxies the
// headers are ignored entirely, since anyone can send them.
func (s *Server) realClient(r *http.Request) {
	if len(s.TrustedProxies) == 0 {
		return
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !s.trusted(peer) {
		return
	}
	client := ""
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h := strings.TrimSpace(hops[i])
		a, err := netip.ParseAddr(h)
		if err != nil {
			break // a garbled entry: trust nothing to its left
		}
		client = a.Unmap().String()
		if !s.trusted(a) {
			break
		}
	}
	if client == "" {
		if a, err := netip.ParseAddr(strings.TrimSpace(r.Header.Get("X-Real-IP"))); err == nil {
			client = a.Unmap().String()
		}
	}
	if client != "" {
		r.RemoteAddr = net.JoinHostPort(client, "0")
	}
}
