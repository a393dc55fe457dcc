#!/bin/sh
# bench/portal/run.sh [OUT]: the reference portal under load over HTTP on
# loopback (portal/load_test.go, TestLoadHTTP: 50 concurrent clients; refused
# codes, accepted codes, logins), at HEAD and at a base commit
# (BENCH_PORTAL_BASE, default 53c1af9, the start of the portal-hardening
# branch), alternating ROUNDS times (default 2) so that both see the same
# machine load. Writes OUT (default docs/bench-portal.md).
#
# The base is measured from a `git archive` in a temporary directory with
# HEAD's load test copied in; nothing else of the checkout is touched. Every
# phase stops after its request count or 30 s, whichever comes first.
set -eu

out=${1:-docs/bench-portal.md}
base=${BENCH_PORTAL_BASE:-53c1af9}
rounds=${ROUNDS:-2}
head=$(git rev-parse --short HEAD)
if [ -n "$(git status --porcelain -- portal cmd/portal)" ]; then head="$head+changes"; fi
basefull=$(git rev-parse --short "$base")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/base"
git archive "$base" | tar -x -C "$tmp/base"
cp portal/load_test.go "$tmp/base/portal/"

# measure DIR REPORT: one run of the load test in the checkout at DIR.
measure() {
	(cd "$1" && GOWORK=off PORTAL_LOAD_REPORT="$2" go test -count=1 -timeout 10m -run '^TestLoadHTTP$' ./portal/ >"$2.log" 2>&1) || {
		cat "$2.log" >&2
		exit 1
	}
}

round=1
while [ "$round" -le "$rounds" ]; do
	echo "round $round: $basefull" >&2
	uptime | sed 's/.*load average: //' >"$tmp/base-$round.load"
	measure "$tmp/base" "$tmp/base-$round.txt"
	echo "round $round: $head" >&2
	uptime | sed 's/.*load average: //' >"$tmp/head-$round.load"
	measure "$(pwd)" "$tmp/head-$round.txt"
	round=$((round + 1))
done

# rows FILE LABEL LOAD: the table rows of one run.
rows() {
	awk -v label="$2" -v load="$3" '
		/^phase=/ {
			match($0, /phase="[^"]*"/); phase = substr($0, RSTART + 7, RLENGTH - 8)
			for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", label, phase, v["requests"], v["per_second"], v["p50_ms"], v["p99_ms"], v["unexpected"], load
		}' "$1"
}

{
	echo "# Reference portal under load"
	echo
	echo "Written by \`make bench-portal\` (bench/portal/run.sh) on $(date -u '+%Y-%m-%d %H:%M UTC')."
	echo "What runs: \`portal/load_test.go\` (TestLoadHTTP), the real handler on a real SQLite"
	echo "file behind a real HTTP server on 127.0.0.1, and 50 concurrent clients in the same"
	echo "process, each with one keep-alive connection from its own loopback address."
	echo "Code checks are sign-ins' second step (\`POST /api/v1/login/mfa\`): refused ="
	echo "a wrong code (401 \`invalid_code\`, failure and event written, the ±10-step"
	echo "clock diagnosis run); accepted = a right code of a new step (200: step stored,"
	echo "sign-in consumed, session and event written). Logins: \`POST /api/v1/login\` with"
	echo "the right password (argon2id, m=19 MiB, t=2). Each phase stops after its request"
	echo "count or 30 s."
	echo
	echo "Machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')), $(go env GOVERSION)."
	echo "**The machine is shared**: other agents build and test on the same 2 cores while"
	echo "this runs, so the figures move from run to run; \"load\" is the 1/5/15-minute load"
	echo "average just before each run. Base and HEAD alternate, $rounds rounds, so both see"
	echo "similar load."
	echo
	echo "Targets on 2 cores: ≥ 5,000/s refused, ≥ 3,000/s accepted, p99 < 50 ms."
	echo
	echo "| commit | phase | requests | per second | p50 ms | p99 ms | unexpected answers | load |"
	echo "|---|---|---:|---:|---:|---:|---:|---|"
	round=1
	while [ "$round" -le "$rounds" ]; do
		rows "$tmp/base-$round.txt" "$basefull (base) r$round" "$(cat "$tmp/base-$round.load")"
		rows "$tmp/head-$round.txt" "$head r$round" "$(cat "$tmp/head-$round.load")"
		round=$((round + 1))
	done
	echo
	echo "Rerun: \`make bench-portal\` (\`ROUNDS=3\`, \`BENCH_PORTAL_BASE=COMMIT\` to change the"
	echo "comparison). Only loopback addresses are loaded; the run takes about $((rounds * 2)) minutes."
} >"$out"
echo "wrote $out" >&2
