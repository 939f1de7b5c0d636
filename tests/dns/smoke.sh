#!/bin/bash
# Smoke test of the lab's DNS: both Knot servers answer, a TSIG-signed
# update on the primary reaches the secondary (NOTIFY + IXFR).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
. "$top_srcdir/tests/lab/knot.sh"
lab_enter "$@"
command -v knsupdate >/dev/null || skip_all "knsupdate (knot-dnsutils) is missing"
lab_start_knot

mx1=$(kdig +short +norec @"$LAB_DNS1" "$KNOT_ZONE" MX)
mx2=$(kdig +short +norec @"$LAB_DNS2" "$KNOT_ZONE" MX)
is "$mx1" "10 mail.$KNOT_ZONE." "the primary answers the MX"
is "$mx2" "$mx1" "the secondary answers the same MX"
s0=$(knot_serial "$LAB_DNS2")

out=$(knsupdate -y "hmac-sha256:$KNOT_KEYNAME:$KNOT_SECRET" 2>&1 <<EOF
server $LAB_DNS1 53
zone $KNOT_ZONE.
update delete $KNOT_ZONE. MX
update add $KNOT_ZONE. 300 MX 20 smtp.$KNOT_ZONE.
send
EOF
)
ok $? "a signed update is accepted by the primary"
[ -n "$out" ] && diag "$out"
lab_wait 50 "the secondary to pick up the update" \
    knot_serial_not "$LAB_DNS2" "$s0"
is "$(kdig +short +norec @"$LAB_DNS2" "$KNOT_ZONE" MX)" "20 smtp.$KNOT_ZONE." \
    "the update is seen on the secondary"

out=$(knsupdate -y "hmac-sha256:$KNOT_KEYNAME:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" 2>&1 <<EOF
server $LAB_DNS1 53
zone $KNOT_ZONE.
update delete $KNOT_ZONE. MX
send
EOF
)
ok $((! $?)) "an update signed with a wrong key is refused"
is "$(kdig +short +norec @"$LAB_DNS1" "$KNOT_ZONE" MX)" "20 smtp.$KNOT_ZONE." \
    "the refused update changed nothing"

done_testing
