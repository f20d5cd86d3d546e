#!/usr/bin/env bash
# 河长制 benchmark (issue 5): the dashboard page and the filtered problem list under load,
# on the bulletin-scale demo (12,282 chiefs, 75,000 problems of which ≥ 73,300 closed,
# ~1 million patrol records, two years of daily readings). Goals: dashboard p95 ≤ 200 ms
# (one leader at a time: requests one after another), problem list with filters under load
# p99 ≤ 50 ms (CONNS connections at once).
#
# Also: the 沱江 river page (一河一档) and the province chief's 河长关系树, 4 connections.
#
# Usage:  scripts/bench-river.sh                 (builds, creates the demo in a temporary folder)
#         DB=path/to/bulletin.db scripts/bench-river.sh   (reuses a bulletin demo database)
# Knobs:  THREADS=2 CONNS=8 DURATION=20s
#         BIN=path/to/tongcheng   (an existing binary instead of building this checkout: to
#                                  compare two versions in the same minute, each on its own copy
#                                  of the database)
#         MATCH=regex             (only the cases whose name matches, e.g. MATCH=list)
# Needs:  Go, wrk (Debian: apt-get install -y wrk), curl. All traffic goes to 127.0.0.1.
set -euo pipefail

cd "$(dirname "$0")/.."
THREADS=${THREADS:-2}
CONNS=${CONNS:-8}
DURATION=${DURATION:-20s}

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
bin=${BIN:-}
if [ -z "$bin" ]; then
	echo "== build" >&2
	make -s build >&2
	bin=./bin/tongcheng
fi

db=${DB:-}
demo_time="(reused $db)"
if [ -z "$db" ]; then
	db="$tmp/bulletin.db"
	echo "== bulletin-scale demo database in a temporary folder" >&2
	t0=$(date +%s.%N)
	"$bin" demo --db "$db" --scale bulletin >"$tmp/demo.log"
	demo_time=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }')
fi
counts=$(sqlite3 "$db" "SELECT (SELECT COUNT(*) FROM river_chiefs) || ' chiefs, ' || (SELECT COUNT(*) FROM river_problems) || ' problems (' || (SELECT COUNT(*) FROM river_problems WHERE state = 'closed') || ' closed), ' || (SELECT COUNT(*) FROM river_patrols) || ' patrols, ' || (SELECT COUNT(*) FROM river_readings) || ' readings'" 2>/dev/null || echo "(sqlite3 CLI missing: counts not read)")

echo "== start tongcheng serve" >&2
"$bin" serve --db "$db" --addr 127.0.0.1:0 --log-level warn >"$tmp/serve.out" 2>"$tmp/serve.err" &
pids+=("$!")
server=$!
# cpu_ticks: the server's user + system CPU time so far, in clock ticks
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
hz=$(getconf CLK_TCK)
base=$(wait_addr "$tmp/serve.out")

admin=$(login "$base" admin tongcheng-demo)
cd_office=$(login "$base" cd-riveroffice tongcheng-demo)

# name|url|cookie|connections
cases=(
	"dashboard, province (admin)|$base/river/dashboard|$admin|1"
	"dashboard, 成都 (cd-riveroffice)|$base/river/dashboard|$cd_office|1"
	"dashboard, province, under load|$base/river/dashboard|$admin|$CONNS"
	"problem list, 沱江 + 垃圾 + 已办结|$base/river/?river=tuojiang&category=garbage&state=closed|$admin|$CONNS"
	"problem list, 成都 overdue|$base/river/?city=510100&overdue=1|$cd_office|$CONNS"
	"problem list, 金堂县|$base/river/?region=510121|$admin|$CONNS"
	"problem list API, 德阳 + 排污|$base/api/v1/river/problems?city=510600&category=sewage|$admin|$CONNS"
	"river page 沱江 (cd-riveroffice)|$base/river/rivers/tuojiang|$cd_office|4"
)
# the province chief's 河长关系树 (drawn to its 500-node limit)
if prov=$(sqlite3 "$db" "SELECT id FROM river_chiefs WHERE level = 1 ORDER BY id LIMIT 1" 2>/dev/null) && [ -n "$prov" ]; then
	cases+=("chief tree, province (cd-riveroffice)|$base/river/chiefs/$prov|$cd_office|4")
fi
if [ -n "${MATCH:-}" ]; then
	kept=()
	for c in "${cases[@]}"; do
		if [[ ${c%%|*} =~ $MATCH ]]; then kept+=("$c"); fi
	done
	cases=("${kept[@]}")
fi
for c in "${cases[@]}"; do
	IFS='|' read -r name url hdr conns <<<"$c"
	check_ok "$url" "$hdr"
done
# warm the page cache of the database file
for c in "${cases[@]}"; do
	IFS='|' read -r name url hdr conns <<<"$c"
	curl -s -o /dev/null -H "$hdr" "$url"
done

report=""
all_conns=$CONNS
all_threads=$THREADS
for c in "${cases[@]}"; do
	IFS='|' read -r name url hdr conns <<<"$c"
	echo "== $name ($conns connections)" >&2
	CONNS=$conns THREADS=$((conns < all_threads ? conns : all_threads))
	key=$(echo "$name" | tr -c 'a-zA-Z0-9' _)
	c0=$(cpu_ticks)
	load "$key" "$url" "$hdr"
	c1=$(cpu_ticks)
	# the server's CPU per request: what a request costs whatever else the machine runs
	n=$(awk '/requests in/ {print $1}' "$tmp/wrk-$key.txt")
	PCT+=$(awk -v c="$((c1 - c0))" -v hz="$hz" -v n="$n" 'BEGIN { printf " cpu_ms_per_req=%.2f", c * 1000 / hz / n }')
	CONNS=$all_conns THREADS=$all_threads
	report+=$(printf '\n  %-44s c=%-2s %s' "$name" "$conns" "$PCT")
done

cat <<OUT

同城 river benchmark — $(date -u '+%Y-%m-%d %H:%M UTC')
machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo); load average before the run: $load_before
binary $bin; $(go env GOVERSION); wrk -t$THREADS -c$CONNS -d$DURATION; wrk shares the CPUs with the server (cpu_ms_per_req: the server's own
user + system CPU per answered request); SQLite
data: $counts; demo created in $demo_time; database $(du -h "$db" | cut -f1)
$report
OUT
