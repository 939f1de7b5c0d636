#!/bin/bash
# mxmove dns against the lab's Knot primary and secondary: discovery,
# dig-style answers, a change seen within one round, a lagging secondary
# (servers disagree, then agree, with the TTL countdown), a stopped server
# reported as timeout while the other answers.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
. "$top_srcdir/tests/lab/knot.sh"
lab_enter "$@"
command -v python3 >/dev/null || skip_all "python3 is missing"
lab_start_knot
Z=$KNOT_ZONE
S1=(--server "$LAB_DNS1")
S2=(--server "$LAB_DNS1" --server "$LAB_DNS2")

# jq-like checks on the JSON lines: jget FILE PYTHON-EXPR (r = last round,
# rounds = all of them).
jget() {
	python3 -c 'import json,sys
rounds=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]
r=rounds[-1]
print(eval(sys.argv[2]))' "$1" "$2"
}

# --- discovery
run_mx dns "$Z" --resolver "$LAB_DNS1"
is "$rc" 0 "discovery through --resolver: exit 0"
like "$out" "^;; ns1\.$Z\. \($LAB_DNS1@53\): ok, serial 2026010101" "ns1 found with its glue address"
like "$out" "^;; ns2\.$Z\. \($LAB_DNS2@53\): ok, serial 2026010101" "ns2 found with its glue address"
like "$out" "^$Z\.	600	IN	MX	10 mail\.$Z\.$" "the MX dig-style"
like "$out" "^mail\.$Z\.	600	IN	A	$KNOT_OLD_IP$" "the MX target's A"
like "$out" "^imap\.$Z\.	600	IN	A	$KNOT_OLD_IP$" "a service name's A"
like "$out" "^$Z\.	3600	IN	SOA	ns1\.$Z\. hostmaster\.$Z\. 2026010101 " "the SOA"
like "$out" "all 2 servers agree" "both servers agree"
run_mx dns nosuch.test --resolver "$LAB_DNS1"
is "$rc" 1 "discovery of a zone the resolver refuses: exit 1"
like "$out" "nosuch.test: the NS query answered REFUSED" "... with the reason"

# --- JSON, and the same lines as kdig gives
"$MXMOVE" dns "$Z" "${S2[@]}" --json >"$LAB/j0" 2>&1
is "$?" 0 "--json: exit 0"
is "$(jget "$LAB/j0" '[s["status"] for s in r["servers"]]')" "['ok', 'ok']" "--json: both ok"
is "$(jget "$LAB/j0" 'r["servers"][1]["serial"]')" 2026010101 "--json: the serial"
want=$(kdig +norec +noall +answer @"$LAB_DNS2" "$Z" MX | awk '{ print $1, $2, $4, $5, $6 }')
got=$(jget "$LAB/j0" '"\n".join(l for l in r["servers"][1]["lines"] if "\tMX\t" in l)' |
    awk '{ print $1, $2, $4, $5, $6 }')
is "$got" "$want" "the MX line matches kdig's answer"

# --- a change seen within one round
"$MXMOVE" dns "$Z" "${S1[@]}" --watch 0.2 --until change --rounds 300 --json \
    >"$LAB/watch1" 2>&1 &
wpid=$!
lab_wait 50 "the first round" test -s "$LAB/watch1"
"$MXMOVE" dns-update "$Z" --server "$LAB_DNS1" --key "$KNOT_KEYFILE" \
    --mx "20 smtp" >"$LAB/up1" 2>&1
is "$?" 0 "a signed update changes the MX"
before=$(wc -l <"$LAB/watch1")
lab_wait 100 "the watch to see the change" test ! -e "/proc/$wpid"
wait "$wpid"
is "$?" 0 "dns --until change: exit 0 when a change is seen"
after=$(wc -l <"$LAB/watch1")
[ "$after" -le $((before + 2)) ]
ok $? "the change was seen within one round after the update ($before -> $after rounds)"
is "$(jget "$LAB/watch1" '[l for l in r["servers"][0]["lines"] if "\tMX\t" in l]')" \
    "['$Z.\\t600\\tIN\\tMX\\t20 smtp.$Z.']" "the last round shows the new MX"
is "$(jget "$LAB/watch1" 'r["servers"][0]["changed_at"] >= rounds[0]["started"]')" True \
    "the change is time-stamped"

# --- a lagging secondary: disagree, then agree, with the countdown
lab_wait 50 "the secondary to catch up" knot_serial_not "$LAB_DNS2" 2026010101
knot_freeze_secondary
s2=$(knot_serial "$LAB_DNS2")
"$MXMOVE" dns-update "$Z" --server "$LAB_DNS1" --key "$KNOT_KEYFILE" \
    --mx "30 mail" --ttl 120 >"$LAB/up2" 2>&1
is "$?" 0 "an update while the secondary's transfers are held"
run_mx dns "$Z" "${S2[@]}"
is "$rc" 1 "servers disagreeing: exit 1"
like "$out" "the servers DISAGREE" "... and said so"
is "$(knot_serial "$LAB_DNS2")" "$s2" "the secondary still serves the old serial"

"$MXMOVE" dns "$Z" "${S2[@]}" --watch 0.2 --until agree --rounds 300 --json \
    >"$LAB/watch2" 2>&1 &
wpid=$!
lab_wait 50 "the first round" test -s "$LAB/watch2"
is "$(jget "$LAB/watch2" 'r["agree"]')" False "the watch's first round: disagree"
old_ttl=$(jget "$LAB/watch2" 'r["servers"][1]["max_ttl"]')
knot_thaw_secondary
lab_wait 100 "the watch to see agreement" test ! -e "/proc/$wpid"
wait "$wpid"
is "$?" 0 "dns --until agree: exit 0 once the secondary caught up"
is "$(jget "$LAB/watch2" 'r["agree"]')" True "the last round: agree"
is "$(jget "$LAB/watch2" 'r["servers"][1]["changed_at"] > 0')" True \
    "the secondary's change is time-stamped"
is "$(jget "$LAB/watch2" 'r["all_seen"] == max(s["first_seen"] for s in r["servers"])')" True \
    "seen everywhere = when the last server had it"
is "$(jget "$LAB/watch2" 'r["old_ttl"]')" "$old_ttl" \
    "the old TTL is the largest the lagging server gave ($old_ttl)"
is "$(jget "$LAB/watch2" 'r["safe_at"] - r["all_seen"]')" "$old_ttl" \
    "caches expire one old TTL after the change was everywhere"
is "$(jget "$LAB/watch2" '0 < r["countdown"] <= r["old_ttl"]')" True \
    "the countdown runs"
run_mx dns "$Z" "${S2[@]}" --watch 0.1 --rounds 2
like "$out" "^$Z\.	120	IN	MX	30 mail\.$Z\.$" "the new TTL and MX in text"

# --- a stopped server times out while the other answers
kill -STOP "$(knot_pid secondary)"
run_mx dns "$Z" "${S2[@]}" --timeout 0.5
kill -CONT "$(knot_pid secondary)"
is "$rc" 1 "a server not answering: exit 1"
like "$out" "^;; $LAB_DNS1@53: ok, serial" "the primary answers"
like "$out" "^;; $LAB_DNS2@53: timeout \(no answer before the deadline\)" \
    "the stopped secondary is reported as timeout"
like "$out" "not every server answered" "... and the round says so"
run_mx dns "$Z" --server "$LAB_DNS1" --server "$LAB_DEAD" --timeout 0.5
like "$out" "^;; $LAB_DEAD@53: unreachable" "nothing listening: unreachable (ICMP)"
run_mx dns other.test --server "$LAB_DNS1"
like "$out" "^;; $LAB_DNS1@53: refused" "a zone the server does not serve: refused"

# --- a lame server (the parent's referral) and a SERVFAIL
lab_start_knot_parent 127.0.0.55
run_mx dns "$Z" --server "$LAB_DNS1" --server 127.0.0.55
is "$rc" 1 "a lame server among the servers: exit 1"
like "$out" "^;; 127\.0\.0\.55@53: lame \(answers without authority for $Z\. \(lame delegation\)\)" \
    "the parent's referral is reported as lame"
like "$out" "^;; $LAB_DNS1@53: ok" "the real server still answers"
run_mx dns broken.test --server 127.0.0.55
like "$out" "^;; 127\.0\.0\.55@53: servfail \(SERVFAIL for " "a zone that failed to load: servfail"

# --- usage
run_mx dns
is "$rc" 2 "no zone: exit 2"
run_mx dns "$Z" --server ns1.example.test
is "$rc" 2 "a name instead of an address: exit 2"
like "$out" "not an IPv4 or IPv6 address" "... with the reason"
run_mx dns "$Z" --server "$LAB_DNS1" --rounds 3
is "$rc" 2 "--rounds without --watch: exit 2"

done_testing
