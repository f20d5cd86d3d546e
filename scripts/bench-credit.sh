#!/usr/bin/env bash
# Credit library benchmark (issue 4) at the 2022 bulletin's scale (1.38 million subjects):
#  1. `tongcheng demo --scale bulletin`: wall time and database size;
#  2. name search latency (Go benchmark BenchmarkNameSearch over that database);
#  3. import of the 1.38 million subjects as CSV: `tongcheng import credit FILE` into a fresh
#     database, against the sqlite3 command-line tool's `.import` of the same file into a bare
#     table (the floor: it validates nothing), run one after the other; wall and CPU time of each;
#  4. HTTP under load with wrk against `tongcheng serve` (logged in with a session cookie):
#     credit report by USCC (GET /api/v1/credit/subjects/{code}) and the name-search page
#     (GET /credit/?by=name&q=…), each over 500 different subjects, latency percentiles.
#
# Usage:  scripts/bench-credit.sh
# Knobs:  DEMO_DB=FILE       reuse a database made by `tongcheng demo --scale bulletin` (skips step 1;
#                            the file is only read, except for the audit entries of step 4)
#         STEPS="demo search import http"   which steps to run
#         THREADS=2 CONNS=8 DURATION=20s    wrk settings; CONNS may be a list ("1 2 4 8"): each
#                            route is then measured at each concurrency in turn (threads ≤ connections)
#         HTTP_ROUTES="uscc name"           which routes step 4 measures
#         RATES="500 1000 2000"  step 4 also sends the USCC look-ups at these fixed rates (requests/s,
#                            open loop: each request leaves on time whether or not earlier ones have
#                            been answered) with vegeta for DURATION each, so that latency is measured
#                            at a stated load and not only at the saturation wrk drives the server to;
#                            RATES="" skips it. vegeta: go install github.com/tsenart/vegeta/v12@v12.13.0
#         BIN=FILE           measure this tongcheng binary instead of building the checkout's
#                            (to compare two builds back to back on the same database)
#         TMPDIR                            where the databases and the CSV go (needs about 3 GB)
# Needs:  Go, sqlite3, wrk, curl. All traffic goes to 127.0.0.1.
set -euo pipefail

cd "$(dirname "$0")/.."
THREADS=${THREADS:-2}
CONNS=${CONNS:-8}
DURATION=${DURATION:-20s}
STEPS=${STEPS:-demo search import http}
HTTP_ROUTES=${HTTP_ROUTES:-uscc name}
RATES=${RATES-500 1000 2000}
VEGETA=${VEGETA:-$(command -v vegeta || echo "$(go env GOPATH)/bin/vegeta")}

for tool in go sqlite3 wrk curl; do
	if ! command -v "$tool" >/dev/null; then
		echo "缺少 / missing: $tool  (Debian: apt-get install -y sqlite3 wrk curl)" >&2
		exit 1
	fi
done

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

has() { case " $STEPS " in *" $1 "*) return 0 ;; esac; return 1; }
mib() { awk -v b="$1" 'BEGIN { printf "%.0f MiB", b / 1048576 }'; }
report=()
say() { report+=("$1"); echo "$1" >&2; }

load_before=$(cut -d" " -f1-3 /proc/loadavg)
if [ -n "${BIN:-}" ]; then
	bin=$BIN
else
	echo "== build" >&2
	make -s build >&2
	bin=./bin/tongcheng
fi

# ---- 1. demo at the bulletin's scale
db=${DEMO_DB:-}
if [ -z "$db" ]; then
	db="$tmp/bulletin.db"
	if has demo || has search || has import || has http; then
		echo "== tongcheng demo --scale bulletin" >&2
		start=$(date +%s.%N)
		"$bin" demo --db "$db" --scale bulletin >"$tmp/demo.log"
		end=$(date +%s.%N)
		sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
		say "demo --scale bulletin: $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f s", b - a }') wall for all modules; $(grep '^信用' "$tmp/demo.log"); database $(mib "$(stat -c %s "$db")")"
	fi
fi
say "subjects: $(sqlite3 "$db" "SELECT COUNT(*) || '，企业 ' || SUM(stype = '企业') FROM credit_subjects")"

# ---- 2. name search, in-process
if has search; then
	echo "== BenchmarkNameSearch" >&2
	TONGCHENG_BENCH_CREDIT_DB="$db" go test ./internal/credit -run '^$' -bench NameSearch -benchtime 400x | tee "$tmp/search.txt" >&2
	while read -r line; do say "$line"; done < <(grep '^BenchmarkNameSearch' "$tmp/search.txt")
fi

# ---- 3. import of the same subjects as CSV
if has import; then
	csv="$tmp/subjects.csv"
	echo "== write $csv from the demo database" >&2
	sqlite3 -csv -header "$db" "SELECT uscc AS 统一社会信用代码, reg_no AS 工商注册号, name AS 主体名称, stype AS 主体类型, legal_rep AS 法定代表人,
		address AS 注册地址, city AS 所属地市, county AS 所属区县, status AS 登记状态, industry AS 行业, established_on AS 成立日期
		FROM credit_subjects ORDER BY id" >"$csv"
	rows=$(($(wc -l <"$csv") - 1))
	echo "== sqlite3 .import (bare table)" >&2
	/usr/bin/env time -f "%e %U %S" -o "$tmp/bare.time" sqlite3 "$tmp/bare.db" ".import --csv $csv bare"
	read -r bare bare_u bare_s <"$tmp/bare.time"
	echo "== tongcheng import credit" >&2
	"$bin" user add --db "$tmp/import.db" --username admin --region 510000 --roles '*:admin' --password tongcheng-demo >/dev/null
	/usr/bin/env time -f "%e %U %S" -o "$tmp/import.time" "$bin" import --db "$tmp/import.db" credit "$csv" >"$tmp/import.log"
	read -r imp imp_u imp_s <"$tmp/import.time"
	grep -E '^(读取|大批量)' "$tmp/import.log" >&2
	# on a shared machine the CPU times (user + sys) compare better than the wall times
	cpu() { awk -v u="$1" -v s="$2" 'BEGIN { printf "%.2f", u + s }'; }
	say "import of $rows subject rows ($(mib "$(stat -c %s "$csv")") CSV): tongcheng import $imp s wall, $(cpu "$imp_u" "$imp_s") s CPU ($(awk -v n="$rows" -v s="$imp" 'BEGIN { printf "%.0f", n / s }') rows/s), sqlite3 .import $bare s wall, $(cpu "$bare_u" "$bare_s") s CPU ($(awk -v n="$rows" -v s="$bare" 'BEGIN { printf "%.0f", n / s }') rows/s), ratio $(awk -v a="$imp" -v b="$bare" 'BEGIN { printf "%.2f", a / b }') wall, $(awk -v a="$(cpu "$imp_u" "$imp_s")" -v b="$(cpu "$bare_u" "$bare_s")" 'BEGIN { printf "%.2f", a / b }') CPU"
	echo "== the pure-Go floor: the same file into a bare table through this program's SQLite driver" >&2
	go test -c -o "$tmp/credit.test" ./internal/credit/
	TONGCHENG_BENCH_CSV=$csv /usr/bin/env time -f "%e %U %S" -o "$tmp/floor.time" "$tmp/credit.test" -test.run '^$' -test.bench PureGoFloor -test.benchtime 1x >"$tmp/floor.log"
	grep -q 'PureGoFloor.*1380000 rows\|PureGoFloor.* rows' "$tmp/floor.log" || { cat "$tmp/floor.log" >&2; exit 1; }
	read -r floor floor_u floor_s <"$tmp/floor.time"
	say "pure-Go floor (BenchmarkPureGoFloor: encoding/csv + modernc.org/sqlite, bare table, no validation, no index): $floor s wall, $(cpu "$floor_u" "$floor_s") s CPU (process incl. test start); ratio to sqlite3 .import $(awk -v a="$floor" -v b="$bare" 'BEGIN { printf "%.2f", a / b }') wall, $(awk -v a="$(cpu "$floor_u" "$floor_s")" -v b="$(cpu "$bare_u" "$bare_s")" 'BEGIN { printf "%.2f", a / b }') CPU; tongcheng import to it $(awk -v a="$imp" -v b="$floor" 'BEGIN { printf "%.2f", a / b }') wall"
	rm -f "$csv"
fi

# ---- 4. HTTP under load
if has http; then
	echo "== start tongcheng serve on the demo database" >&2
	"$bin" serve --db "$db" --addr 127.0.0.1:0 --log-level warn >"$tmp/serve.out" 2>"$tmp/serve.err" &
	serve_pid=$!
	pids+=("$serve_pid")
	base=""
	for _ in $(seq 1 300); do
		base=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$tmp/serve.out" | head -n1 || true)
		[ -n "$base" ] && break
		sleep 0.1
	done
	if [ -z "$base" ]; then
		cat "$tmp/serve.err" >&2
		exit 1
	fi
	jar="$tmp/cookies.txt"
	curl -sf -c "$jar" -o /dev/null "$base/login"
	csrf=$(awk '$6 == "tc_csrf" {print $7}' "$jar")
	curl -sf -b "$jar" -c "$jar" -o /dev/null -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
		-d '{"username":"cd-analyst","password":"tongcheng-demo"}' "$base/api/v1/session"
	session=$(awk '$6 == "tc_session" {print $7}' "$jar")
	[ -n "$session" ] || { echo "login failed" >&2; exit 1; }
	# 500 subjects spread over the table: their codes, and 3–5 characters from inside their names
	sqlite3 "$db" "SELECT '/api/v1/credit/subjects/' || uscc FROM credit_subjects WHERE uscc_flags = 0 AND id % 2760 = 1 LIMIT 500" >"$tmp/uscc.paths"
	sqlite3 "$db" "SELECT substr(name, 3 + id % 3, 3 + id % 3) FROM credit_subjects WHERE id % 2760 = 7 LIMIT 500" >"$tmp/name.words"
	cat >"$tmp/paths.lua" <<'LUA'
-- rotate over the paths of a file, one request each; PREFIX is put before each line, URL-encoded
local paths, i = {}, 0
local function enc(s) return (s:gsub("[^%w%-_%.~/]", function(c) return string.format("%%%02X", string.byte(c)) end)) end
init = function(args)
	local prefix = args[2] or ""
	for line in io.lines(args[1]) do paths[#paths + 1] = prefix .. (prefix ~= "" and enc(line) or line) end
	i = math.random(#paths)
end
request = function()
	i = i % #paths + 1
	return wrk.format("GET", paths[i])
end
LUA
	cookie="Cookie: tc_session=$session"
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "$cookie" "$base$(head -n1 "$tmp/uscc.paths")")
	[ "$code" = 200 ] || { echo "USCC look-up answered $code" >&2; exit 1; }
	load() { cut -d" " -f1 /proc/loadavg; }
	run() {
		local name=$1 conns=$2 file=$3 prefix=${4:-}
		local threads=$((THREADS < conns ? THREADS : conns)) before
		before=$(load)
		wrk -t"$threads" -c"$conns" -d"$DURATION" --latency -H "$cookie" -s "$tmp/paths.lua" "$base" -- "$file" "$prefix" >"$tmp/wrk-$name.txt"
		sed 's/^/    /' "$tmp/wrk-$name.txt" >&2
		if grep -q 'Non-2xx or 3xx responses' "$tmp/wrk-$name.txt"; then
			echo "FAIL: $name had non-2xx/3xx answers" >&2
			exit 1
		fi
		say "wrk $name ($threads threads, $conns connections, $DURATION): $(awk '/^Requests\/sec:/ {print $2}' "$tmp/wrk-$name.txt") req/s; latency$(awk '/^ +(50|90|99)%/ {printf " p%s %s", substr($1, 1, length($1) - 1), $2}' "$tmp/wrk-$name.txt"); load average $before → $(load); WAL $(mib "$(stat -c %s "$db-wal" 2>/dev/null || echo 0)")"
	}
	warm=${CONNS##* }
	wrk -t"$((THREADS < warm ? THREADS : warm))" -c"$warm" -d3s -H "$cookie" -s "$tmp/paths.lua" "$base" -- "$tmp/uscc.paths" >/dev/null
	for route in $HTTP_ROUTES; do
		for c in $CONNS; do
			case $route in
			uscc) run uscc "$c" "$tmp/uscc.paths" ;;
			name) run name "$c" "$tmp/name.words" "/credit/?by=name&q=" ;;
			esac
		done
	done
	# the same look-ups at fixed rates (open loop)
	if [ -n "$RATES" ] && [[ " $HTTP_ROUTES " == *" uscc "* ]]; then
		if [ ! -x "$VEGETA" ]; then
			echo "缺少 / missing: vegeta (go install github.com/tsenart/vegeta/v12@v12.13.0); RATES=\"\" skips this part" >&2
			exit 1
		fi
		sed "s|^|GET $base|" "$tmp/uscc.paths" >"$tmp/uscc.targets"
		for rate in $RATES; do
			before=$(load)
			"$VEGETA" attack -rate="$rate/s" -duration="$DURATION" -header "Cookie: tc_session=$session" -targets "$tmp/uscc.targets" >"$tmp/vegeta-$rate.bin"
			"$VEGETA" report -type=text "$tmp/vegeta-$rate.bin" >"$tmp/vegeta-$rate.txt"
			sed 's/^/    /' "$tmp/vegeta-$rate.txt" >&2
			if ! grep -q '^Status Codes  *\[code:count\]  *200:[0-9]*  *$' "$tmp/vegeta-$rate.txt"; then
				echo "FAIL: vegeta at $rate/s had answers other than 200" >&2
				exit 1
			fi
			say "vegeta uscc at $rate req/s for $DURATION (open loop): latency [$(awk -F'[][]' '/^Latencies/ {print $2 "] " $3}' "$tmp/vegeta-$rate.txt" | tr -s ' '); load average $before → $(load)"
		done
	fi
fi

cat <<EOF

同城 credit benchmark — $(date -u '+%Y-%m-%d %H:%M UTC')
machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo); load average before the run: $load_before, after: $(cut -d" " -f1-3 /proc/loadavg)
$(go env GOVERSION); $(sqlite3 --version | cut -d" " -f1-2 | sed 's/^/sqlite3 CLI /')
EOF
printf '%s\n' "${report[@]}"
