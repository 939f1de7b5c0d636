#!/bin/bash
# tests/bench/queue.sh - how much one refresh of the queue panel costs:
# "mxmove queue" on a qmail queue of N messages (default 20000) laid out
# as qmail lays it, side by side with qmail-qstat's own method (two finds
# piped to wc -l), and on an empty queue. Prints figures; asserts nothing.
#   bash tests/bench/queue.sh [N]
set -u
: "${top_builddir:=.}"
MXMOVE=${MXMOVE:-$top_builddir/mxmove}
N=${1:-20000}
D=$(mktemp -d /tmp/mxbench-queue.XXXXXX) || exit 1
trap 'rm -rf "$D"' EXIT
Q=$D/var/qmail/queue
for i in $(seq 0 22); do
	mkdir -p "$Q/mess/$i" "$Q/info/$i" "$Q/local/$i" "$Q/remote/$i" "$Q/todo/$i"
done
mkdir -p "$D/var/qmail/control"
awk -v n="$N" -v q="$Q" 'BEGIN {
	for (i = 1; i <= n; i++) {
		s = i % 23
		printf "%s/mess/%d/%d\n", q, s, i
		if (i % 10 == 0) printf "%s/todo/%d/%d\n", q, s, i
		else if (i % 2) printf "%s/local/%d/%d\n", q, s, i
		else printf "%s/remote/%d/%d\n", q, s, i
	}
}' | xargs touch
qstat() {
	cd "$Q" && find mess -type f -print | wc -l && find todo -type f -print | wc -l
}
echo "qmail queue of $N messages ($(($N / 10)) unpreprocessed), best of 5:"
best_ms() {	# best_ms CMD...: the best of 5 runs, in ms
	local best=999999 s e ms k
	for k in 1 2 3 4 5; do
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1
		e=$(date +%s%N)
		ms=$(( (e - s) / 1000000 ))
		[ "$ms" -lt "$best" ] && best=$ms
	done
	echo "$best"
}
printf '%-46s %6d ms\n' "mxmove queue local:ROOT (4 counters)" \
    "$(best_ms "$MXMOVE" queue "local:$D")"
printf '%-46s %6d ms\n' "qmail-qstat's method (2 finds | wc -l)" "$(best_ms qstat)"
"$MXMOVE" queue "local:$D" | tr '\n' ' '; echo
