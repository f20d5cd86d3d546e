#!/usr/bin/env bash
# Platform benchmark (issue 2): requests per second of an authenticated read of a small
# page, as a ratio of a bare net/http handler measured on the same machine in the same
# run, and the resident memory (VmRSS) of `tongcheng serve` idle and under that load.
#
# Usage:  scripts/bench-platform.sh            (from the repository root or anywhere)
# Knobs:  THREADS=2 CONNS=32 DURATION=10s ROUNDS=3 SCALE=small
# Needs:  Go, wrk (Debian: apt-get install -y wrk), curl. All traffic goes to 127.0.0.1
#         only, and each load run is bounded by DURATION.
set -euo pipefail

cd "$(dirname "$0")/.."
THREADS=${THREADS:-2}
CONNS=${CONNS:-32}
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
SCALE=${SCALE:-small}

tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
. scripts/benchlib.sh
need wrk curl go

load_before=$(cut -d" " -f1-3 /proc/loadavg)
echo "== build" >&2
make -s build >&2
go build -o "$tmp/barehttp" ./scripts/barehttp

echo "== demo database ($SCALE) in a temporary folder" >&2
./bin/tongcheng demo --db "$tmp/bench.db" --scale "$SCALE" >"$tmp/demo.log"

echo "== start tongcheng serve" >&2
./bin/tongcheng serve --db "$tmp/bench.db" --addr 127.0.0.1:0 --log-level warn >"$tmp/serve.out" 2>"$tmp/serve.err" &
serve_pid=$!
pids+=("$serve_pid")
base=$(wait_addr "$tmp/serve.out")

echo "== log in as admin" >&2
cookie=$(login "$base" admin tongcheng-demo)
for path in /api/v1/me /account /tokens; do
	check_ok "$base$path" "$cookie"
done

sleep 2
rss_idle=$(rss_kb "$serve_pid")
hwm_idle=$(hwm_kb "$serve_pid")

echo "== start the bare net/http handler" >&2
"$tmp/barehttp" >"$tmp/bare.out" 2>&1 &
bare_pid=$!
pids+=("$bare_pid")
bare=$(wait_addr "$tmp/bare.out")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# cpu_ticks PID: user + system CPU time the process has used, in clock ticks
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
tick=$(getconf CLK_TCK)
# measure NAME PID URL [HEADER]: load URL like `load`, and set CPU_US to the CPU time
# PID spent per answered request (µs). Unlike requests per second, this does not depend
# on how much of the two CPUs wrk and other programs took meanwhile.
measure() {
	local name=$1 pid=$2 url=$3 hdr=${4:-} c0 c1 n
	c0=$(cpu_ticks "$pid")
	load "$name" "$url" "$hdr"
	c1=$(cpu_ticks "$pid")
	n=$(awk '/requests in/ { print $1 }' "$tmp/wrk-$name.txt")
	CPU_US=$(awk -v c=$((c1 - c0)) -v t="$tick" -v n="$n" 'BEGIN { printf "%.1f", c / t * 1e6 / n }')
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }

# sample the server's RSS every 0.2 s from the warm-up to the end of the loads
(
	peak=0
	while kill -0 "$serve_pid" 2>/dev/null; do
		r=$(rss_kb "$serve_pid" || echo 0)
		if [ "${r:-0}" -gt "$peak" ]; then
			peak=$r
			echo "$peak" >"$tmp/rss-peak"
		fi
		sleep 0.2
	done
) &
sampler=$!
pids+=("$sampler")

# a short warm-up of both, not counted (the sampler already watches it)
wrk -t"$THREADS" -c"$CONNS" -d2s "$bare/" >/dev/null
wrk -t"$THREADS" -c"$CONNS" -d2s -H "$cookie" "$base/api/v1/me" >/dev/null
hwm_warm=$(hwm_kb "$serve_pid")

# The three loads run interleaved, ROUNDS times, so that a burst of other work on the
# machine hits them alike; each round's ratio compares loads that ran seconds apart.
rounds=""
for round in $(seq 1 "$ROUNDS"); do
	echo "== round $round/$ROUNDS: bare net/http  GET /" >&2
	measure bare "$bare_pid" "$bare/"
	b=$REQS bc=$CPU_US
	echo "== round $round/$ROUNDS: tongcheng  GET /api/v1/me (session cookie)" >&2
	measure me "$serve_pid" "$base/api/v1/me" "$cookie"
	m=$REQS mc=$CPU_US
	rss_load_me=$(rss_kb "$serve_pid")
	echo "== round $round/$ROUNDS: tongcheng  GET /tokens (small HTML page in the layout, session cookie)" >&2
	measure tokens "$serve_pid" "$base/tokens" "$cookie"
	k=$REQS kc=$CPU_US
	rss_load_tokens=$(rss_kb "$serve_pid")
	echo "== round $round/$ROUNDS: tongcheng  GET /account (smallest HTML page: 我的账户, no query beyond the session)" >&2
	measure account "$serve_pid" "$base/account" "$cookie"
	a=$REQS ac=$CPU_US
	echo "$a" >>"$tmp/account.rps"
	ratio "$a" "$b" >>"$tmp/account.ratio"; echo >>"$tmp/account.ratio"
	echo "$b" >>"$tmp/bare.rps"
	echo "$m" >>"$tmp/me.rps"
	echo "$k" >>"$tmp/tokens.rps"
	ratio "$m" "$b" >>"$tmp/me.ratio"; echo >>"$tmp/me.ratio"
	ratio "$k" "$b" >>"$tmp/tokens.ratio"; echo >>"$tmp/tokens.ratio"
	for x in "bare $bc" "me $mc" "tokens $kc" "account $ac"; do echo "${x#* }" >>"$tmp/${x%% *}.cpu"; done
	for x in "me $mc" "tokens $kc" "account $ac"; do ratio "$bc" "${x#* }" >>"$tmp/${x%% *}.cpuratio"; echo >>"$tmp/${x%% *}.cpuratio"; done
	rounds+=$(printf '\n  round %s:  bare %9s   /api/v1/me %9s (ratio %s)   /account %9s (ratio %s)   /tokens %9s (ratio %s)' \
		"$round" "$b" "$m" "$(ratio "$m" "$b")" "$a" "$(ratio "$a" "$b")" "$k" "$(ratio "$k" "$b")")
	rounds+=$(printf '\n           server CPU µs/request:  bare %5s   /api/v1/me %5s   /account %5s   /tokens %5s' "$bc" "$mc" "$ac" "$kc")
done
kill "$sampler" 2>/dev/null || true
wait "$sampler" 2>/dev/null || true
rss_peak=$(cat "$tmp/rss-peak" 2>/dev/null || echo 0)
rss_hwm=$(hwm_kb "$serve_pid")
sleep 3
rss_after=$(rss_kb "$serve_pid")

cat <<EOF

同城 platform benchmark — $(date -u '+%Y-%m-%d %H:%M UTC')
machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo); load average before the run: $load_before
$(go env GOVERSION); wrk -t$THREADS -c$CONNS -d$DURATION, $ROUNDS interleaved rounds; demo scale $SCALE; wrk shares the CPUs with the servers
$rounds

median requests/s  bare net/http GET /                    $(median <"$tmp/bare.rps")
median requests/s  tongcheng GET /api/v1/me (logged in)   $(median <"$tmp/me.rps")   median ratio $(median <"$tmp/me.ratio")
median requests/s  tongcheng GET /account   (logged in)   $(median <"$tmp/account.rps")   median ratio $(median <"$tmp/account.ratio")
median requests/s  tongcheng GET /tokens    (logged in)   $(median <"$tmp/tokens.rps")   median ratio $(median <"$tmp/tokens.ratio")

median server CPU per request (µs; ratio = bare's CPU / this one's, the requests/s ratio the
server alone would allow if the load tool cost nothing)
  bare net/http GET /                    $(median <"$tmp/bare.cpu")
  tongcheng GET /api/v1/me               $(median <"$tmp/me.cpu")   ratio $(median <"$tmp/me.cpuratio")
  tongcheng GET /account                 $(median <"$tmp/account.cpu")   ratio $(median <"$tmp/account.cpuratio")
  tongcheng GET /tokens                  $(median <"$tmp/tokens.cpu")   ratio $(median <"$tmp/tokens.cpuratio")

RSS tongcheng serve  idle, 2 s after start      $(mib "$rss_idle")   (VmHWM so far $(mib "$hwm_idle"))
RSS tongcheng serve  after the 2 s warm-up                    (VmHWM so far $(mib "$hwm_warm"))
RSS tongcheng serve  end of /api/v1/me load     $(mib "$rss_load_me")
RSS tongcheng serve  end of /tokens load        $(mib "$rss_load_tokens")
RSS tongcheng serve  peak sampled under load    $(mib "$rss_peak")   (VmHWM $(mib "$rss_hwm"))
RSS tongcheng serve  idle, 3 s after the load   $(mib "$rss_after")
EOF
