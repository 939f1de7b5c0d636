#!/bin/bash
# mxmove dns-update against the lab's Knot primary: previews, signed
# updates accepted and visible in the next round (and on the secondary),
# wrong keys refused with a clear message and nothing changed, and the
# zone-file back-end answering exactly like the server after the same
# updates.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
. "$top_srcdir/tests/lab/knot.sh"
lab_enter "$@"
command -v python3 >/dev/null || skip_all "python3 is missing"
lab_start_knot
Z=$KNOT_ZONE
ZF=$LAB/copy.zone
cp "$KNOT_ZONEFILE" "$ZF"
UP=(dns-update "$Z" --server "$LAB_DNS1")

lines() {	# lines ARGS...: the answer's lines of the first server, as JSON
	"$MXMOVE" dns "$Z" "$@" --json | python3 -c 'import json,sys
r=json.loads(sys.stdin.readline()); print("\n".join(r["servers"][0]["lines"]))'
}

same_as_zonefile() {	# the primary and the zone file give the same lines
	_a=$(lines --server "$LAB_DNS1")
	_b=$(lines --zonefile "$ZF")
	if [ -n "$_a" ] && [ "$_a" = "$_b" ]; then ok 0 "$1"; else
		ok 1 "$1"
		diff <(echo "$_a") <(echo "$_b") | sed 's/^/#   /'
	fi
}

same_as_zonefile "the zone file answers like the server (pristine)"

# --- dry run: the exact update, nothing sent
run_mx "${UP[@]}" --key "$KNOT_KEYFILE" --ttl 300 --dry-run
is "$rc" 0 "--dry-run: exit 0"
like "$out" "^;; the update \(dry run: not sent\):" "--dry-run says so"
like "$out" "^update delete $Z\. MX$" "the preview deletes the MX RRset"
like "$out" "^update add $Z\.	300	IN	MX	10 mail\.$Z\.$" "... and re-adds it with TTL 300"
like "$out" "^update add smtp\.$Z\.	300	IN	A	$KNOT_OLD_IP$" "... and the service names' A"
is "$(knot_serial "$LAB_DNS1")" 2026010101 "--dry-run changed nothing"

# --- a signed update, accepted and visible in the next round
run_mx "${UP[@]}" --key "$KNOT_KEYFILE" --ttl 300
is "$rc" 0 "--ttl 300 with a BIND key file: exit 0"
like "$out" "NOERROR: the server accepted the update" "NOERROR reported"
run_mx dns-update "$Z" --zonefile "$ZF" --ttl 300
is "$rc" 0 "the same update applied to the zone file"
like "$out" "applied to .*, serial now 2026010102" "... with the serial raised"
run_mx "${UP[@]}" --key "$KNOT_KEYFILE" --ttl 300
is "$rc" 0 "--ttl 300 again: exit 0"
like "$out" "nothing to change: the records already have TTL 300" "... nothing to change"
run_mx dns "$Z" --server "$LAB_DNS1"
like "$out" "serial 2026010102" "the next round shows the new serial (the repeat sent nothing)"
like "$out" "^$Z\.	300	IN	MX	10 mail\.$Z\.$" "... and the new TTL on the MX"
like "$out" "^imap\.$Z\.	300	IN	A	" "... and on the service names"
same_as_zonefile "the zone file answers like the server after --ttl"

run_mx "${UP[@]}" --key "$KNOT_KEYPAIR" --mx "20 smtp" --mx "30 mail.$Z." \
    --a mail=127.0.0.3
is "$rc" 0 "--mx twice and --a with a NAME:SECRET key: exit 0"
"$MXMOVE" dns-update "$Z" --zonefile "$ZF" --mx "20 smtp" --mx "30 mail.$Z." \
    --a mail=127.0.0.3 >/dev/null
run_mx dns "$Z" --server "$LAB_DNS1"
like "$out" "^$Z\.	300	IN	MX	20 smtp\.$Z\.$" "the new MX RRset (1)"
like "$out" "^$Z\.	300	IN	MX	30 mail\.$Z\.$" "the new MX RRset (2)"
unlike "$out" "MX	10 mail" "the old MX is gone"
like "$out" "^mail\.$Z\.	300	IN	A	127\.0\.0\.3$" "the A record replaced"
same_as_zonefile "the zone file answers like the server after --mx/--a"
run_mx dns "$Z" --server "$LAB_DNS1" --server "$LAB_DNS2" --watch 0.2 \
    --until agree --rounds 100
is "$rc" 0 "the secondary agrees after the transfer"

# --- refusals: a clear message, nothing changed
serial=$(knot_serial "$LAB_DNS1")
run_mx "${UP[@]}" --key "$KNOT_KEYNAME:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" \
    --mx "99 nowhere"
is "$rc" 1 "a wrong secret: exit 1"
like "$out" "NOTAUTH \(BADSIG\): the server knows a key named $KNOT_KEYNAME\. but the secret differs" \
    "a wrong secret: BADSIG, explained"
run_mx "${UP[@]}" --key "nokey:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" --mx "99 nowhere"
is "$rc" 1 "an unknown key: exit 1"
like "$out" "NOTAUTH \(BADKEY\): the server does not know the key nokey\." \
    "an unknown key: BADKEY, explained"
is "$(knot_serial "$LAB_DNS1")" "$serial" "the refused updates changed nothing"
run_mx "${UP[@]}" --mx "99 nowhere"
is "$rc" 2 "no --key: exit 2"
like "$out" "key FILE is needed" "... says a key is needed"
printf 'key "x" { algorithm hmac-sha256; };\n' >"$LAB/bad.key"
run_mx "${UP[@]}" --key "$LAB/bad.key" --mx "99 nowhere"
is "$rc" 1 "a key file without a secret: exit 1"
like "$out" "bad.key: no 'secret' in the key" "... named"
run_mx "${UP[@]}" --key "$KNOT_KEYFILE" --mx "ten mail"
is "$rc" 2 "--mx with a bad preference: exit 2"
like "$out" "the preference must be a number" "... explained"
run_mx "${UP[@]}" --key "$KNOT_KEYFILE" --a mail=300.1.2.3
is "$rc" 2 "--a with a bad address: exit 2"
run_mx "${UP[@]}" --key "$KNOT_KEYFILE" --a www.other.test.=192.0.2.1
is "$rc" 2 "--a outside the zone: exit 2"
run_mx "${UP[@]}" --key "$KNOT_KEYFILE"
is "$rc" 2 "nothing to change: exit 2"
run_mx dns-update "$Z" --server "$LAB_DEAD" --key "$KNOT_KEYFILE" --ttl 60 --timeout 0.5
is "$rc" 1 "a server that is not there: exit 1"
like "$out" "$LAB_DEAD@53: unreachable" "... says why"
is "$(knot_serial "$LAB_DNS1")" "$serial" "nothing changed on the primary"
cp "$ZF" "$LAB/before.zone"
run_mx dns-update "$Z" --zonefile "$ZF" --ttl 60 --dry-run
cmp -s "$ZF" "$LAB/before.zone"
ok $? "--dry-run on a zone file leaves it as it was"
same_as_zonefile "the zone file still answers like the server"

# --- an MX RRset too big for a 512-byte UDP answer: TCP fallback
mxs=()
for i in $(seq 10 29); do
	mxs+=(--mx "$i mx$i-a-rather-long-label-to-fill-the-packet.example$i.net.")
done
run_mx "${UP[@]}" --key "$KNOT_KEYFILE" "${mxs[@]}"
is "$rc" 0 "20 MX records with long names"
tc=$(kdig +norec +ignore +noedns @"$LAB_DNS1" "$Z" MX 2>/dev/null | grep -ci "flags:.* tc")
is "$tc" 1 "the UDP answer is truncated (TC)"
run_mx dns "$Z" --server "$LAB_DNS1"
is "$(printf '%s\n' "$out" | grep -c '	MX	')" 20 "all 20 MX records are shown (asked again over TCP)"

done_testing
