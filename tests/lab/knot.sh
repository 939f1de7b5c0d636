# tests/lab/knot.sh - authoritative DNS for the lab: a Knot primary on
# $LAB_DNS1 and a Knot secondary on $LAB_DNS2 that transfers the zone from
# it (NOTIFY, then AXFR/IXFR). The primary accepts RFC 2136 updates signed
# with a TSIG key (hmac-sha256) generated for this run.
#
# Source it after lab.sh, inside lab_enter. Then:
#     lab_start_knot            both servers, zone example.test, fresh
#     lab_start_knot primary    only the primary (start the secondary later
#                               with lab_start_knot_secondary)
# It sets:
#     KNOT_ZONE        example.test
#     KNOT_KEYNAME     the TSIG key's name (mxkey)
#     KNOT_SECRET      its base64 secret
#     KNOT_KEYFILE     the key in BIND's key-file format
#     KNOT_KEYPAIR     the key as NAME:SECRET in a file
#     KNOT_ZONEFILE    a pristine copy of the zone file (for --zonefile tests)
#     KNOT_OLD_IP      the address the zone's mail names point at
# Helpers:
#     knot_serial ADDR          the SOA serial ADDR serves (kdig)
#     knot_ctl primary|secondary ARGS...   knotc on that server
#     knot_freeze_secondary / knot_thaw_secondary
#                               hold the secondary's transfers (its zone
#                               events wait; NOTIFY is queued) and release
#                               them with an immediate refresh.

KNOT_ZONE=example.test
KNOT_KEYNAME=mxkey
KNOT_OLD_IP=$LAB_OLD

# The test zone: NS for both servers, MX, A records for the mail names, SOA
# with a long refresh (the secondary moves only on NOTIFY or on demand).
knot_write_zone() {	# knot_write_zone FILE
	cat >"$1" <<EOF
\$ORIGIN $KNOT_ZONE.
\$TTL 3600
@	3600	IN SOA	ns1.$KNOT_ZONE. hostmaster.$KNOT_ZONE. 2026010101 86400 3600 604800 300
@	3600	IN NS	ns1.$KNOT_ZONE.
@	3600	IN NS	ns2.$KNOT_ZONE.
ns1	3600	IN A	$LAB_DNS1
ns2	3600	IN A	$LAB_DNS2
@	600	IN MX	10 mail.$KNOT_ZONE.
mail	600	IN A	$KNOT_OLD_IP
smtp	600	IN A	$KNOT_OLD_IP
pop3	600	IN A	$KNOT_OLD_IP
imap	600	IN A	$KNOT_OLD_IP
EOF
}

knot_gen_key() {
	_k=$LAB/knot
	mkdir -p "$_k"
	keymgr -t "$KNOT_KEYNAME" hmac-sha256 >"$_k/tsig.yaml" ||
	    bail "keymgr could not generate a TSIG key"
	KNOT_SECRET=$(sed -n 's/^ *secret: *//p' "$_k/tsig.yaml")
	[ -n "$KNOT_SECRET" ] || bail "no secret in keymgr's output"
	KNOT_KEYFILE=$_k/$KNOT_KEYNAME.key
	KNOT_KEYPAIR=$_k/$KNOT_KEYNAME.pair
	cat >"$KNOT_KEYFILE" <<EOF
key "$KNOT_KEYNAME" {
	algorithm hmac-sha256;
	secret "$KNOT_SECRET";
};
EOF
	printf '%s:%s\n' "$KNOT_KEYNAME" "$KNOT_SECRET" >"$KNOT_KEYPAIR"
	chmod 600 "$KNOT_KEYFILE" "$KNOT_KEYPAIR"
}

# knot_conf ROLE [ADDR]: write $LAB/knot/ROLE/knot.conf (ROLE primary, or
# secondary listening on ADDR, $LAB_DNS2 by default).
knot_conf() {
	_d=$LAB/knot/$1
	_a=${2:-$LAB_DNS2}
	mkdir -p "$_d/run" "$_d/db" "$_d/zones"
	{
		echo "server:"
		echo "    rundir: $_d/run"
		if [ "$1" = primary ]; then
			echo "    listen: $LAB_DNS1@53"
		else
			echo "    listen: $_a@53"
		fi
		echo "log:"
		echo "  - target: stderr"
		echo "    any: info"
		echo "database:"
		echo "    storage: $_d/db"
		sed -n '/^key:/,$p' "$LAB/knot/tsig.yaml"
		if [ "$1" = primary ]; then
			cat <<EOF
remote:
  - id: secondary
    address: $LAB_DNS2@53
    via: $LAB_DNS1
acl:
  - id: mxupdate
    key: $KNOT_KEYNAME
    action: update
  - id: xfr
    address: 127.0.0.0/8
    action: transfer
template:
  - id: default
    storage: $_d/zones
    file: "%s.zone"
zone:
  - domain: $KNOT_ZONE
    acl: [mxupdate, xfr]
    notify: secondary
EOF
		else
			cat <<EOF
remote:
  - id: primary
    address: $LAB_DNS1@53
    via: $_a
acl:
  - id: notify
    address: $LAB_DNS1
    action: notify
template:
  - id: default
    storage: $_d/zones
    file: "%s.zone"
zone:
  - domain: $KNOT_ZONE
    master: primary
    acl: notify
EOF
		fi
	} >"$_d/knot.conf"
	knotc -c "$_d/knot.conf" conf-check >>"$LAB/knot-$1.log" 2>&1 ||
	    bail "knotc conf-check failed for the $1 (see $LAB/knot-$1.log)"
}

# knot_serial ADDR: the SOA serial the server at ADDR answers (or nothing).
knot_serial() {
	kdig +short +norec +time=1 +retry=0 @"$1" "$KNOT_ZONE" SOA 2>/dev/null |
	    awk '{ print $3; exit }'
}

# knot_answers ADDR: true when ADDR serves the zone's SOA (for lab_wait,
# which runs a command again on each try).
knot_answers() {
	test -n "$(knot_serial "$1")"
}

# knot_serial_not ADDR SERIAL: true when ADDR serves a serial other than
# SERIAL (e.g. the secondary picked up a change).
knot_serial_not() {
	_s=$(knot_serial "$1")
	test -n "$_s" && test "$_s" != "$2"
}

knot_ctl() {		# knot_ctl primary|secondary ARGS...
	_r=$1; shift
	knotc -c "$LAB/knot/$_r/knot.conf" "$@"
}

lab_start_knot_primary() {
	knot_conf primary
	knot_write_zone "$LAB/knot/primary/zones/$KNOT_ZONE.zone"
	lab_spawn knot-primary knotd -c "$LAB/knot/primary/knot.conf"
	lab_wait 50 "the Knot primary on $LAB_DNS1" \
	    knot_answers "$LAB_DNS1" ||
	    bail "the Knot primary did not answer (see $LAB/knot-primary.log)"
}

# lab_start_knot_secondary [ADDR]: a secondary on ADDR ($LAB_DNS2 by
# default; others are named secondary-ADDR, e.g. for the benchmark).
lab_start_knot_secondary() {
	_sa=${1:-$LAB_DNS2}
	_sr=secondary
	[ "$_sa" = "$LAB_DNS2" ] || _sr=secondary-$_sa
	knot_conf "$_sr" "$_sa"
	lab_spawn "knot-$_sr" knotd -c "$LAB/knot/$_sr/knot.conf"
	lab_wait 50 "the Knot $_sr on $_sa to transfer the zone" \
	    knot_answers "$_sa" ||
	    bail "the Knot $_sr did not load the zone (see $LAB/knot-$_sr.log)"
}

lab_start_knot() {	# lab_start_knot [primary]
	command -v knotd >/dev/null || skip_all "knotd (package knot) is missing"
	command -v kdig >/dev/null || skip_all "kdig (package knot-dnsutils) is missing"
	knot_gen_key
	KNOT_ZONEFILE=$LAB/knot/$KNOT_ZONE.zone
	knot_write_zone "$KNOT_ZONEFILE"
	lab_start_knot_primary
	if [ "${1:-}" != primary ]; then
		lab_start_knot_secondary
	fi
}

knot_freeze_secondary() {
	knot_ctl secondary zone-freeze "$KNOT_ZONE" >/dev/null
}

knot_thaw_secondary() {
	knot_ctl secondary zone-thaw "$KNOT_ZONE" >/dev/null &&
	knot_ctl secondary zone-refresh "$KNOT_ZONE" >/dev/null
}

# knot_pid primary|secondary: the knotd's PID (for SIGSTOP/SIGCONT tests).
knot_pid() {
	cat "$LAB/knot-$1.pid"
}

# lab_start_knot_parent ADDR: a third Knot on ADDR serving the parent zone
# "test." (a delegation of $KNOT_ZONE to ns1/ns2, so it answers the child's
# questions with a referral, without authority: a lame server for
# $KNOT_ZONE) and a zone "broken.test." whose file is missing (SERVFAIL).
lab_start_knot_parent() {
	_d=$LAB/knot/parent
	mkdir -p "$_d/run" "$_d/db" "$_d/zones"
	cat >"$_d/zones/test.zone" <<EOZ
\$ORIGIN test.
@	3600	IN SOA	ns.test. hostmaster.test. 1 86400 3600 604800 300
@	3600	IN NS	ns.test.
ns	3600	IN A	$1
$KNOT_ZONE.	3600	IN NS	ns1.$KNOT_ZONE.
$KNOT_ZONE.	3600	IN NS	ns2.$KNOT_ZONE.
ns1.$KNOT_ZONE.	3600	IN A	$LAB_DNS1
ns2.$KNOT_ZONE.	3600	IN A	$LAB_DNS2
EOZ
	cat >"$_d/knot.conf" <<EOC
server:
    rundir: $_d/run
    listen: $1@53
log:
  - target: stderr
    any: info
database:
    storage: $_d/db
template:
  - id: default
    storage: $_d/zones
    file: "%s.zone"
zone:
  - domain: test
  - domain: broken.test
EOC
	knotc -c "$_d/knot.conf" conf-check >>"$LAB/knot-parent.log" 2>&1 ||
	    bail "knotc conf-check failed for the parent (see $LAB/knot-parent.log)"
	lab_spawn knot-parent knotd -c "$_d/knot.conf"
	lab_wait 50 "the Knot parent on $1" knot_parent_answers "$1" ||
	    bail "the Knot parent did not answer (see $LAB/knot-parent.log)"
}

knot_parent_answers() {
	test -n "$(kdig +short +norec +time=1 +retry=0 @"$1" test. SOA 2>/dev/null)"
}
