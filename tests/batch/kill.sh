#!/bin/bash
# kill -9 of mxmove at many moments across windows 2 to 5 of a batch run
# on the demo lab, each followed by re-runs: every time the same result
# as a run that was never interrupted: the same messages on the new host
# (names and contents, none twice), the same zones (serials aside), the
# same control files on both hosts.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
lab_enter "$@"

LIVE=127.0.0.20
# The new host's live SMTP service, for window 5's probe.
lab_spawn greeter python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("'$LIVE'", 25)); s.listen(16)
while True:
    c, _ = s.accept(); c.sendall(b"220 new.example.com ESMTP\r\n"); c.close()'
lab_wait 50 "the greeter" lab_tcp_open $LIVE 25 || bail "no greeter"

# A demo lab with window 1 done; the old queue emptied as qmail-send would
# have delivered it (no qmail runs here to drain it in window 5).
make_demo() {
	"$MXMOVE" run --demo "$1" --step 1 --yes >/dev/null 2>&1 || return 1
	sed -i "s/^live_ip = .*/live_ip = $LIVE/" "$1/plan"
	find "$1/old/var/qmail/queue" -type f -delete
}

# What a run leaves, with the lab's own path taken out.
final_state() {
	(
	cd "$1" || exit 1
	find new -type f -path '*Maildir*' ! -path '*mxmove-stage*' \
	    ! -name maildirsize ! -name 'dovecot*' -printf '%P\n' | sort |
	while IFS= read -r f; do
		printf '%s %s\n' "$f" "$(sha256sum <"new/$f" | cut -c1-16)"
	done
	for z in zone/*.zone; do
		echo "== $z"
		grep -v -E '^[;$]|SOA' "$z" | sed 's/[[:space:]]\+/ /g' | sort
	done
	for f in old/var/qmail/control/* new/var/qmail/control/* \
	    old/var/qmail/users/assign new/var/qmail/users/assign; do
		case $f in *.mxmove-*) continue ;; esac
		echo "== $f"; cat "$f"
	done
	find old/home old/var/spool/mail -printf '%P %m\n' | sort
	) | sed "s|$1|DEMO|g"
}

# The reference: one run, never interrupted, each progress line timed.
ref=$LAB/ref
make_demo "$ref" || bail "demo"
t0=$(date +%s.%N)
"$MXMOVE" run --plan "$ref/plan" --all --yes 2>&1 >/dev/null |
while IFS= read -r line; do
	printf '%s %s\n' "$(echo "$(date +%s.%N) - $t0" | bc)" "$line"
done >"$LAB/ref.times"
is "$(grep -c ' FAILED' "$LAB/ref.times")" 0 "the reference run completes"
final_state "$ref" >"$LAB/ref.state"
ok $(( $(grep -c 'Maildir/' "$LAB/ref.state") > 10 ? 0 : 1 )) \
    "it moved $(grep -c 'Maildir/' "$LAB/ref.state") messages"

# Kill moments: the start of each step of windows 2 to 5 plus 20 ms, and
# the middle of each, and four points inside window 3's one-TTL wait.
awk '$2 ~ /^[2-5]\./ && NF == 3 + 0 || ($2 ~ /^[2-5]\./ && $3 !~ /^(done|FAILED|already)/ && $0 !~ /left$/) { print $1 }' \
    "$LAB/ref.times" | sort -n | uniq >"$LAB/starts"
end=$(tail -n 1 "$LAB/ref.times" | cut -d' ' -f1)
{
	prev=
	while read -r s; do
		echo "$s + 0.02" | bc
		[ -n "$prev" ] && echo "($prev + $s) / 2" | bc -l
		prev=$s
	done <"$LAB/starts"
	echo "($prev + $end) / 2" | bc -l
	w=$(grep -m1 ' 3\.wait-ttl ' "$LAB/ref.times" | cut -d' ' -f1)
	for f in 0.1 0.4 0.7 0.95; do echo "$w + 30 * $f" | bc -l; done
} | awk '{ printf "%.3f\n", $1 }' | sort -n | uniq >"$LAB/kills"
nk=$(wc -l <"$LAB/kills")
ok $(( nk >= 20 ? 0 : 1 )) "$nk kill moments across windows 2 to 5"

one() {		# one N DELAY: kill at DELAY, then re-run to the end
	local d=$LAB/k$1 pid tries=0 rc
	make_demo "$d" || return 1
	"$MXMOVE" run --plan "$d/plan" --all --yes >/dev/null 2>"$d.log" &
	pid=$!
	sleep "$2"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	grep -E '^state\.[2-5]\.[a-z-]+ = running$' "$d/plan" | head -n 1 >"$d.at"
	[ -s "$d.at" ] || grep -E '^state\.[0-9]\.[a-z-]+ = done$' "$d/plan" | tail -n 1 >"$d.at"
	while [ $tries -lt 3 ]; do
		tries=$((tries + 1))
		"$MXMOVE" run --plan "$d/plan" --all --yes >/dev/null 2>>"$d.log"
		rc=$?
		[ $rc -eq 0 ] && break
	done
	echo "$rc" >"$d.rc"
	final_state "$d" >"$d.state"
}

i=0
while read -r delay; do
	i=$((i + 1))
	one "$i" "$delay" &
done <"$LAB/kills"
wait

distinct=0 same=0 wins=""
for d in "$LAB"/k*; do
	[ -d "$d" ] || continue
	n=${d##*/k}
	at=$(cat "$d.at")
	if [ "$(cat "$d.rc")" = 0 ] && cmp -s <(sed "s|$d|DEMO|g" "$d.state") \
	    <(sed "s|$ref|DEMO|g" "$LAB/ref.state"); then
		same=$((same + 1))
	else
		diag "kill $n at '$at': differs from the reference:"
		diff <(sed "s|$ref|DEMO|g" "$LAB/ref.state") "$d.state" | head -n 12 | sed 's/^/#   /'
		tail -n 5 "$d.log" | sed 's/^/#   log: /'
	fi
	wins="$wins $(echo "$at" | sed -n 's/^state\.\([0-9]\)\..*/\1/p')"
done
is "$same" "$nk" "after each of the $nk kills and re-runs, the result equals the reference"
for w in 2 3 4 5; do
	echo "$wins" | grep -qw "$w"
	ok $? "a kill landed in window $w"
done
done_testing
