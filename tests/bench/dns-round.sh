#!/bin/bash
# Benchmark: one mxmove poll round over 4 authoritative servers (a Knot
# primary and three secondaries in the lab) versus 4 sequential dig calls,
# printed side by side. The goal: a round takes no longer than 1.2 times
# its slowest single query. Not a test: it asserts nothing, it prints.
#     tests/bench/dns-round.sh [ROUNDS]      (root; default 20 rounds)
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${MXMOVE:=$top_srcdir/mxmove}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
. "$top_srcdir/tests/lab/knot.sh"
lab_enter "$@"
N=${1:-20}
command -v dig >/dev/null || skip_all "dig (bind9-dnsutils) is missing"
command -v kdig >/dev/null || skip_all "kdig (knot-dnsutils) is missing"
lab_start_knot
lab_start_knot_secondary 127.0.0.55
lab_start_knot_secondary 127.0.0.56
SERVERS="$LAB_DNS1 $LAB_DNS2 127.0.0.55 127.0.0.56"
args=()
for s in $SERVERS; do args+=(--server "$s"); done

now_ns() { date +%s%N; }
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

: >"$LAB/round" ; : >"$LAB/slowest" ; : >"$LAB/dig" ; : >"$LAB/mxwall"; : >"$LAB/queries"
for i in $(seq "$N"); do
	# one mxmove round: its own figure and the process's wall time
	t0=$(now_ns)
	"$MXMOVE" dns "$KNOT_ZONE" "${args[@]}" --json >"$LAB/j" || diag "round $i: not all ok"
	t1=$(now_ns)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1e6 }' >>"$LAB/mxwall"
	python3 -c 'import json,sys
r=json.load(open(sys.argv[1])); print(r["elapsed_ms"])' "$LAB/j" >>"$LAB/round"
	# the slowest single query: kdig's own timing of one MX query per server
	for s in $SERVERS; do
		kdig +norec +time=2 +retry=0 @"$s" "$KNOT_ZONE" MX |
		    sed -n 's/.* in \([0-9.]*\) ms$/\1/p'
	done | sort -g | tail -n 1 >>"$LAB/slowest"
	# 4 sequential dig calls, wall time
	t0=$(now_ns)
	for s in $SERVERS; do
		dig +norec +tries=1 +time=2 @"$s" "$KNOT_ZONE" MX >/dev/null
	done
	t1=$(now_ns)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1e6 }' >>"$LAB/dig"
done
nq=$(python3 -c 'import json,sys
r=json.load(open(sys.argv[1])); print(len(r["servers"]), sum(1 for s in r["servers"] if s["status"]=="ok"))' "$LAB/j")

# warm rounds, as the wizard runs them (one process, a round every 50 ms)
"$MXMOVE" dns "$KNOT_ZONE" "${args[@]}" --json --watch 0.05 --rounds "$N" |
    python3 -c 'import json,sys
for l in sys.stdin: print(json.loads(l)["elapsed_ms"])' >"$LAB/warm"
round=$(median <"$LAB/warm")
slowest=$(median <"$LAB/slowest")
printf '# dns-round: %s servers (%s answered), %s rounds, medians in ms\n' ${nq% *} ${nq#* } "$N"
printf '%-58s %10s\n' "mxmove: one poll round, warm (every query to 4 servers at once)" "$round"
printf '%-58s %10s\n' "mxmove: one poll round, first in its process" "$(median <"$LAB/round")"
printf '%-58s %10s\n' "slowest single query (kdig's own timing, MX)" "$slowest"
printf '%-58s %10s\n' "ratio round / slowest single query (goal <= 1.2)" \
    "$(awk -v a="$round" -v b="$slowest" 'BEGIN { printf "%.2f", a / b }')"
printf '%-58s %10s\n' "mxmove dns process, wall (start, round, print, exit)" "$(median <"$LAB/mxwall")"
printf '%-58s %10s\n' "4 sequential dig calls, wall (MX only)" "$(median <"$LAB/dig")"
printf '%s\n' "# a round asks MX, SOA, A/AAAA of mail smtp pop3 imap and of the MX targets:"
printf '%s\n' "# about 11 queries per server, 44 in all, against dig's 4."
done_testing
