# Shared helpers of the load-benchmark scripts (sourced, not run). They expect $tmp (a
# temporary folder) and the array pids (processes to stop on exit) to exist.

# need TOOL...: stop with a clear message when a tool is missing.
need() {
	for tool in "$@"; do
		if ! command -v "$tool" >/dev/null; then
			echo "缺少 / missing: $tool  (wrk: apt-get install -y wrk)" >&2
			exit 1
		fi
	done
}

# wait_addr FILE: wait until a server printed its http://127.0.0.1:PORT/ address into FILE.
wait_addr() {
	local f=$1 a=""
	for _ in $(seq 1 600); do
		a=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$f" | head -n1 || true)
		if [ -n "$a" ]; then
			echo "$a"
			return 0
		fi
		sleep 0.1
	done
	echo "server did not start; its output:" >&2
	cat "$f" >&2
	return 1
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }

# login BASE USER PASSWORD: sign in through the JSON API and print the session cookie header.
login() {
	local base=$1 user=$2 pass=$3 jar="$tmp/cookies-$2.txt" csrf session
	curl -sf -c "$jar" -o /dev/null "$base/login"
	csrf=$(awk '$6 == "tc_csrf" {print $7}' "$jar")
	curl -sf -b "$jar" -c "$jar" -o /dev/null -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
		-d "{\"username\":\"$user\",\"password\":\"$pass\"}" "$base/api/v1/session"
	session=$(awk '$6 == "tc_session" {print $7}' "$jar")
	if [ -z "$session" ]; then
		echo "login of $user failed: no session cookie" >&2
		return 1
	fi
	echo "Cookie: tc_session=$session"
}

# check_ok URL HEADER: fail unless GET URL answers 200.
check_ok() {
	local code
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "$2" "$1")
	if [ "$code" != 200 ]; then
		echo "GET $1 answered $code, want 200" >&2
		exit 1
	fi
}

# A wrk script that prints the latency percentiles wrk's own summary leaves out (p95).
write_pct_lua() {
	cat >"$tmp/pct.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("PCT p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f rps=%.1f non2xx=%d\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.requests / (summary.duration / 1e6), summary.errors.status))
end
LUA
}

# load NAME URL [HEADER]: run wrk, print its summary, set REQS to requests per second and
# PCT to the percentile line; fail when any answer was not 2xx/3xx (an expired session
# would otherwise measure the login redirect).
load() {
	local name=$1 url=$2 hdr=${3:-}
	local out="$tmp/wrk-$name.txt"
	[ -f "$tmp/pct.lua" ] || write_pct_lua
	if [ -n "$hdr" ]; then
		wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$tmp/pct.lua" -H "$hdr" "$url" >"$out"
	else
		wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$tmp/pct.lua" "$url" >"$out"
	fi
	sed 's/^/    /' "$out" >&2
	if grep -q 'Non-2xx or 3xx responses' "$out"; then
		echo "FAIL: $name had non-2xx/3xx answers" >&2
		exit 1
	fi
	REQS=$(awk '/^Requests\/sec:/ {print $2}' "$out")
	PCT=$(grep '^PCT ' "$out" | sed 's/^PCT //')
}
