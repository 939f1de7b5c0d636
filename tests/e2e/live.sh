#!/bin/bash
# The live-mail end-to-end run (issue 9): all five windows in batch mode
# while a real sending MTA keeps sending numbered messages to every user,
# then every number is counted through Dovecot on the new host.
#
# In one lab namespace (tests/lab/lab.sh):
#   DNS     Knot primary on 127.0.0.53, zones example.test and example.net,
#           updated by mxmove with a TSIG key (RFC 2136); TTLs of 60 s,
#           lowered to 30 s.
#   old     127.0.0.2 (sshd with its own /etc/passwd, /home, /var): the
#           qmail layout's stores -- system users alice and bob with
#           ~/Maildir, vpopmail domain example.net (users/assign, vpasswd,
#           info and sales Maildirs under /home/vpopmail/domains), and the
#           sendmail-style mbox users carol and dave in /var/spool/mail.
#           qmail is not in Debian 12: a real Postfix stands in for the
#           MTA, running in that host's namespaces, and delivers into the
#           very same stores (local(8) for the system users: home_mailbox
#           Maildir/, the mbox users through a second local(8) with the
#           spool; virtual(8) at the vpopmail paths, uid 89). The plan says
#           mta_old = postfix, so freeze, forward and thaw act on it
#           (defer_transports, transport_maps, postqueue -f).
#   new     127.0.0.3: Dovecot (POP3/IMAP, pop3_uidl_format = %f, users in
#           /etc/dovecot/users written by window 2) and Postfix delivering
#           with virtual(8) into the accounts' Maildirs (its maps are made
#           from the Dovecot users file once window 2 has created them).
#   sender  127.0.0.4: a real Postfix resolving MX from the lab's Knot
#           (/etc/resolv.conf in the lab's mount namespace), retrying every
#           few seconds; a loop feeds it numbered messages
#           ("Subject: n=12 to=alice@example.test") for every user during
#           the whole run (bounded in count and time).
# mxmove runs window by window (`run --plan P --step N --yes`; window 5
# again while the old queue drains). At the end, after the sender's queue
# drained: every number sent is in the right INBOX on the new host exactly
# once (doveadm, through Dovecot), the old mail's flags and POP3 UIDLs are
# kept, both old and new queues are empty, and the final report's figures
# (users, messages, bytes) equal what is on disk.
#
# Variants (each a script that sets one variable and sources this one):
#   live-kill.sh  E2E_KILL  kill -9 of mxmove at each step's start and end
#                           of the five windows, each followed by a re-run
#   live-full.sh  E2E_FULL  /var/vmail on the new host a tmpfs, full in
#                           window 4, emptied for the re-run
#   live-cut.sh   E2E_CUT   the ssh connections to the old host cut while
#                           window 4 streams (a slowed loopback), re-run
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
lab_enter "$@"
. "$top_srcdir/tests/lab/sshd.sh"
. "$top_srcdir/tests/lab/postfix.sh"
. "$top_srcdir/tests/lab/knot.sh"
. "$top_srcdir/tests/lab/dovecot.sh"
for c in /usr/sbin/sshd dovecot doveadm postfix knotd kdig curl nsenter openssl; do
	command -v "$c" >/dev/null || skip_all "$c is missing"
done

if [ -n "${E2E_CUT:-}" ]; then
	{ tc qdisc add dev lo root tbf rate 8mbit burst 1mbit latency 2s &&
	    tc qdisc del dev lo root; } 2>/dev/null ||
	    skip_all "no tbf qdisc (tc, sch_tbf) to slow the lab's link"
fi
RO=$(lab_root old) RN=$(lab_root new)
SENDER=$LAB_SENDER
MAXSEND=${MX_E2E_MAXSEND:-900}	# messages at most
MAXSECS=${MX_E2E_MAXSECS:-240}	# seconds of sending at most

# ---- DNS: resolv.conf of this namespace (the sender's libc, the hosts'
# hostname -f) points at the lab's Knot.
echo "nameserver $LAB_DNS1" >"$LAB/resolv.conf"
echo "options timeout:1 attempts:2" >>"$LAB/resolv.conf"
mount --bind "$LAB/resolv.conf" /etc/resolv.conf || bail "bind resolv.conf"

knot_gen_key
K=$LAB/knot/primary
mkdir -p "$K/run" "$K/db" "$K/zones"
zone() {	# zone DOMAIN: the zone file, TTL 60, MX at the old host
	cat <<EOF
\$ORIGIN $1.
\$TTL 60
@	60	IN SOA	ns1.example.test. hostmaster.example.test. 2026010101 86400 3600 604800 30
@	60	IN NS	ns1.example.test.
@	60	IN MX	10 mail.$1.
mail	60	IN A	$LAB_OLD
EOF
	if [ "$1" = example.test ]; then
		printf 'ns1\t60\tIN A\t%s\nold\t60\tIN A\t%s\nnew\t60\tIN A\t%s\nsender\t60\tIN A\t%s\n' \
		    "$LAB_DNS1" "$LAB_OLD" "$LAB_NEW" "$SENDER"
	fi
}
zone example.test >"$K/zones/example.test.zone"
zone example.net >"$K/zones/example.net.zone"
{
	printf 'server:\n    rundir: %s/run\n    listen: %s@53\n' "$K" "$LAB_DNS1"
	printf 'log:\n  - target: stderr\n    any: info\n'
	printf 'database:\n    storage: %s/db\n' "$K"
	sed -n '/^key:/,$p' "$LAB/knot/tsig.yaml"
	cat <<EOF
acl:
  - id: mxupdate
    key: $KNOT_KEYNAME
    action: update
template:
  - id: default
    storage: $K/zones
    file: "%s.zone"
zone:
  - domain: example.test
    acl: mxupdate
  - domain: example.net
    acl: mxupdate
EOF
} >"$K/knot.conf"
knotc -c "$K/knot.conf" conf-check >>"$LAB/knot.log" 2>&1 || bail "knot conf-check"
lab_spawn knot knotd -c "$K/knot.conf"
mx_of() { kdig +short +norec +time=1 +retry=0 @"$LAB_DNS1" "$1" MX 2>/dev/null; }
lab_wait 50 "Knot" eval 'test -n "$(mx_of example.net)"' || bail "Knot did not start"

# ---- the old host's users and stores
HASH=$(openssl passwd -6 -salt e2esalt secret)
VHASH=$(openssl passwd -1 -salt e2evpop secret)
for h in old new; do
	lab_host_user $h mxlabdummy 4999 4999 /home/mxlabdummy
	# the MTA's and Dovecot's own users, as this machine has them
	grep -E '^(postfix|dovecot|dovenull):' /etc/passwd >>"$(lab_root $h)/etc/passwd"
	grep -E '^(postfix|postdrop|dovecot|dovenull):' /etc/group >>"$(lab_root $h)/etc/group"
done
lab_host_user old alice 1001 1001 /home/alice "$HASH"
lab_host_user old bob 1002 1002 /home/bob "$HASH"
lab_host_user old carol 1003 1003 /home/carol "$HASH"
lab_host_user old dave 1004 1004 /home/dave "$HASH"
lab_host_user old vpopmail 89 89 /home/vpopmail '!' /bin/false
T0=1763000000
msg() {		# msg FILE SUBJECT: a message with its mtime
	printf 'From: old@example.org\nTo: someone\nSubject: %s\nMessage-ID: <%s@old>\n\n%s body\n' \
	    "$2" "${1##*/}" "$2" >"$1"
}
maildir() {	# maildir DIR OWNER
	mkdir -p "$1"/{new,cur,tmp}
}
A=$RO/home/alice/Maildir
maildir "$A"; maildir "$A/.Sent"
msg "$A/cur/1700000001.4711.old.example.test:2,S" "old read"
msg "$A/cur/1700000002.4712.old.example.test:2,RS" "old replied"
msg "$A/cur/1700000003.4713.old.example.test:2,FS" "old flagged"
msg "$A/new/1700000004.4714.old.example.test" "old unread"
msg "$A/.Sent/cur/1700000005.4715.old.example.test:2,S" "old sent"
maildir "$RO/home/bob/Maildir"
msg "$RO/home/bob/Maildir/cur/1700000006.4716.old.example.test:2,S" "old bob"
if [ -n "${E2E_CUT:-}" ]; then
	# Old mail big enough for a transfer that lasts (24 x 200 KB)
	for i in $(seq 10 33); do
		f=$A/cur/17000001$i.47$i.old.example.test:2,S
		msg "$f" "old big $i"
		head -c 150000 /dev/urandom | base64 >>"$f"
	done
fi
chown -R 1001:1001 "$RO/home/alice"; chown -R 1002:1002 "$RO/home/bob"
cat >"$RO/var/spool/mail/carol" <<'MBOX'
From someone@example.org Tue Nov  3 11:00:00 2026
From: someone@example.org
Subject: old carol read
Status: RO

hello carol
>From the past

From someone@example.org Wed Nov  4 12:00:00 2026
From: someone@example.org
Subject: old carol unread

bye

MBOX
cat >"$RO/var/spool/mail/dave" <<'MBOX'
From someone@example.org Tue Nov  3 11:00:00 2026
From: someone@example.org
Subject: old dave

hello dave

MBOX
chown 1003:1003 "$RO/var/spool/mail/carol"; chown 1004:1004 "$RO/var/spool/mail/dave"
chmod 600 "$RO/var/spool/mail/carol" "$RO/var/spool/mail/dave"
chgrp mail "$RO/var/spool/mail"
V=$RO/home/vpopmail/domains/example.net
maildir "$V/info/Maildir"; maildir "$V/sales/Maildir"
msg "$V/info/Maildir/cur/1700000007.4717.old.example.test:2,S" "old info read"
msg "$V/info/Maildir/new/1700000008.4718.old.example.test" "old info unread"
cat >"$V/vpasswd" <<EOF
info:$VHASH:1:0:Info:/home/vpopmail/domains/example.net/info:NOQUOTA:secret
sales:$VHASH:1:0:Sales:/home/vpopmail/domains/example.net/sales:NOQUOTA:secret
EOF
chown -R 89:89 "$RO/home/vpopmail"
mkdir -p "$RO/var/qmail/users" "$RO/var/qmail/control"
printf '+example.net-:example.net:89:89:/home/vpopmail/domains/example.net:-::\n.\n' \
    >"$RO/var/qmail/users/assign"
echo old.example.test >"$RO/var/qmail/control/me"
msgs_in() {	# msgs_in DIR...: the messages of the Maildirs under DIRs
	find "$@" -type f -regex '.*/Maildir/\(\.[^/]*/\)?\(new\|cur\)/[^/]*'
}
# half_visible NEWDIR OLDDIR: nothing half-written is visible: every
# message in the Maildirs under NEWDIR is a whole copy of the message
# with the same unique name under OLDDIR.
half_visible() {
	local f u o bad=0 seen=0
	while IFS= read -r f; do
		u=${f##*/}; u=${u%%:*}
		o=$(find "$2" -type f -name "$u*" | head -n 1)
		seen=$((seen + 1))
		cmp -s "$f" "$o" || { bad=$((bad + 1)); diag "half-visible: $f"; }
	done < <(msgs_in "$1")
	is "$bad" 0 "none of the $seen messages a mail client can see is half-written"
}
# qmail-pop3d's UIDLs before the move: the names before ':' of INBOX
uidls_old() { ls "$1/new" "$1/cur" | grep -v -e '^$' -e ':$' | sed 's/:.*//' | sort; }
old_uidl_alice=$(uidls_old "$A")
old_uidl_info=$(uidls_old "$V/info/Maildir")

# ---- the hosts: sshd, each with /etc/postfix (and the new one's
# /etc/dovecot) bound from the lab
mkdir -p "$RN/etc/dovecot"
_lab_postfix_tree old
_lab_postfix_tree new
# Dovecot's auth reads the users file that window 2 appends to
install -m 640 -o root -g dovecot /dev/null "$RN/etc/dovecot/users"
LAB_SSHD_BINDS="$LAB/old/postfix/conf=/etc/postfix" lab_start_sshd old "$LAB_OLD"
NEWBINDS="$LAB/new/postfix/conf=/etc/postfix $RN/etc/dovecot=/etc/dovecot"
if [ -n "${E2E_FULL:-}" ]; then
	# The virtual users' mail filesystem on the new host: a small tmpfs
	# (tests/e2e/live-full.sh fills it up before window 4).
	mkdir -p "$RN/var/vmail"
	mount -t tmpfs -o size=8m,mode=755 e2e-vmail "$RN/var/vmail" || bail "mount tmpfs"
	NEWBINDS="$NEWBINDS $RN/var/vmail=/var/vmail"
fi
LAB_SSHD_BINDS=$NEWBINDS lab_start_sshd new "$LAB_NEW"
in_host() {	# in_host NAME CMD...: run CMD in that host's namespaces
	local _h=$1; shift
	nsenter -t "$(cat "$LAB/sshd-$_h.pid")" -m -u -- "$@"
}

# ---- the old MTA
OC=$LAB/old/postfix/conf
printf 'carol mboxlocal:\ncarol@example.test mboxlocal:\ndave mboxlocal:\ndave@example.test mboxlocal:\n' >"$OC/mboxusers"
printf 'info@example.net example.net/info/Maildir/\nsales@example.net example.net/sales/Maildir/\n' >"$OC/vmailbox"
postmap "hash:$OC/mboxusers" "hash:$OC/vmailbox" || bail "postmap (old)"
postconf -c "$OC" -M "mboxlocal/unix=mboxlocal unix - n n - - local -o home_mailbox= -o mailbox_transport_maps="
LAB_POSTFIX_IN=old lab_start_postfix old "$LAB_OLD" \
    "mydestination=example.test, old.example.test, localhost" \
    "home_mailbox=Maildir/" "mailbox_transport_maps=hash:/etc/postfix/mboxusers" \
    "mail_spool_directory=/var/spool/mail" \
    "virtual_mailbox_domains=example.net" \
    "virtual_mailbox_base=/home/vpopmail/domains" \
    "virtual_mailbox_maps=hash:/etc/postfix/vmailbox" \
    "virtual_uid_maps=static:89" "virtual_gid_maps=static:89" \
    "virtual_minimum_uid=89" "biff=no" \
    "minimal_backoff_time=2s" "maximal_backoff_time=4s" "queue_run_delay=2s"

# ---- the new MTA and Dovecot
NC=$LAB/new/postfix/conf
: >"$NC/vmailbox"; : >"$NC/vuid"; : >"$NC/vgid"
postmap "hash:$NC/vmailbox" "hash:$NC/vuid" "hash:$NC/vgid" || bail "postmap (new)"
LAB_POSTFIX_IN=new lab_start_postfix new "$LAB_NEW" \
    "mydestination=new.example.test, localhost" \
    "virtual_mailbox_domains=example.test, example.net" \
    "virtual_mailbox_base=/" \
    "virtual_mailbox_maps=hash:/etc/postfix/vmailbox" \
    "virtual_uid_maps=hash:/etc/postfix/vuid" \
    "virtual_gid_maps=hash:/etc/postfix/vgid" \
    "virtual_minimum_uid=89" "biff=no"
D=$LAB/new/dovecot
chmod 755 "$LAB/new"
lab_dovecot_conf "$D" "$LAB_NEW" /etc/dovecot/users 89 mxe2e
lab_spawn dovecot nsenter -t "$(cat "$LAB/sshd-new.pid")" -m -u -- \
    /usr/sbin/dovecot -F -c "$D/dovecot.conf"
lab_wait 50 "Dovecot POP3" lab_tcp_open "$LAB_NEW" 110 || bail "Dovecot did not start"
doveadm_new() { in_host new doveadm -c "$D/dovecot.conf" "$@"; }

# ---- the sender: resolves MX in the lab's DNS, retries every 2-4 s
lab_start_postfix sender "$SENDER" "myhostname=sender.example.test" \
    "smtp_dns_support_level=enabled" "smtp_host_lookup=dns" \
    "minimal_backoff_time=2s" "maximal_backoff_time=4s" "queue_run_delay=2s" \
    "smtp_connect_timeout=5s" "biff=no"
SC=$(lab_postfix_conf sender)

RCPTS="alice@example.test bob@example.test carol@example.test dave@example.test info@example.net sales@example.net"
: >"$LAB/sent"
feeder() {
	local n=0 r start=$SECONDS
	while [ ! -e "$LAB/feeder.stop" ] && [ $n -lt "$MAXSEND" ] &&
	    [ $((SECONDS - start)) -lt "$MAXSECS" ]; do
		for r in $RCPTS; do
			n=$((n + 1))
			printf 'From: feeder@sender.example.test\nTo: %s\nSubject: n=%d to=%s\nMessage-ID: <n%d@sender.example.test>\n\nmessage %d\n' \
			    "$r" $n "$r" $n $n |
			    sendmail -C "$SC" -f feeder@sender.example.test "$r" &&
			    echo "n=$n to=$r" >>"$LAB/sent"
		done
		sleep 1
	done
}
feeder &
FEEDER=$!
old_delivered() {	# messages the old host's MTA delivered (feeder's)
	grep -c 'status=sent' "$LAB/old/postfix/maillog" 2>/dev/null
}
lab_wait 300 "the first deliveries on the old host" \
    eval '[ "$(old_delivered)" -ge 12 ]'
ok $? "the sender delivers to the old host through the lab's MX ($(old_delivered) so far)"

# ---- the plan, and the five windows
P=$LAB/mx
mkdir -p "$P" && chmod 700 "$P"
cat >"$P/plan" <<EOF
old = ssh://root@$LAB_OLD
new = ssh://root@$LAB_NEW
domains = example.test example.net
dead_ip = $LAB_DEAD
live_ip = $LAB_NEW
tsig_key = $KNOT_KEYFILE
dns_servers = $LAB_DNS1
source = passwd vpopmail
target = dovecot
mta_old = postfix
mta_new = postfix
low_ttl = 30
EOF
chmod 600 "$P/plan"
window() {	# window N [--again W.STEP]...: run it, its progress in $LAB/run.log
	local w=$1
	shift
	echo "== window $w ($(date +%T))" >>"$LAB/run.log"
	if [ -n "${E2E_KILL:-}" ]; then
		window_killed "$w"
		return
	fi
	"$MXMOVE" run --plan "$P/plan" --step "$w" "$@" --yes >"$LAB/report-$w.json" 2>>"$LAB/run.log"
}
# window_killed N (tests/e2e/live-kill.sh): kill -9 mxmove at the first
# moment of this run not yet killed at -- a step of window N starting, or
# done -- and run the window again, until a run ends by itself. Each kill
# point is a line of $LAB/kills ("3.freeze start", "3.freeze done").
new_event() {	# new_event N: the first event of the attempt not in kills
	local k
	grep -E "^[0-9:]{8} $1\.[a-z-]+ ([A-Z]|done:)" "$LAB/attempt.log" |
	    awk '{ print $2, ($3 == "done:" ? "done" : "start") }' |
	while IFS= read -r k; do
		grep -qxF -- "$k" "$LAB/kills" || { echo "$k"; break; }
	done
}
window_killed() {
	local w=$1 pid n rc ev
	touch "$LAB/kills"
	while :; do
		: >"$LAB/attempt.log"
		"$MXMOVE" run --plan "$P/plan" --step "$w" --yes \
		    >"$LAB/report-$w.json" 2>"$LAB/attempt.log" &
		pid=$!
		n=0 ev=
		while kill -0 "$pid" 2>/dev/null && [ $n -lt 3000 ]; do
			ev=$(new_event "$w")
			[ -n "$ev" ] && break
			sleep 0.05
			n=$((n + 1))
		done
		if [ -n "$ev" ] && kill -9 "$pid" 2>/dev/null; then
			wait "$pid" 2>/dev/null
			echo "$ev" >>"$LAB/kills"
			sed 's/^/    KILLED RUN| /' "$LAB/attempt.log" >>"$LAB/run.log"
			continue
		fi
		wait "$pid"
		rc=$?
		cat "$LAB/attempt.log" >>"$LAB/run.log"
		return $rc
	done
}
window 1; is $? 0 "window 1 (checks, accept-for, TTL lowered and seen)"
like "$(mx_of example.test)" "mail\.example\.test" "MX still at the old host"
window 2; is $? 0 "window 2 (accounts read and created in Dovecot's users file)"
is "$(grep -c '{CRYPT}' "$RN/etc/dovecot/users")" 6 "six accounts in /etc/dovecot/users"

# The new MTA's recipients, from the accounts window 2 created.
while IFS=: read -r user _ uid gid _ home _; do
	case $user in *@*) addr=$user ;; *) addr=$user@example.test ;; esac
	echo "$addr ${home#/}/Maildir/" >>"$NC/vmailbox"
	echo "$addr $uid" >>"$NC/vuid"
	echo "$addr $gid" >>"$NC/vgid"
done <"$RN/etc/dovecot/users"
postmap "hash:$NC/vmailbox" "hash:$NC/vuid" "hash:$NC/vgid" || bail "postmap (new)"
postfix -c "$NC" reload >/dev/null 2>&1

# Window 3, and meanwhile a sender whose cache still holds the old MX:
# right after the freeze it hands the old host one message per user,
# which the freeze must hold until window 5 relays it.
window 3 &
W3=$!
lab_wait 600 "the freeze" grep -q '3\.freeze done' "$LAB/run.log"
ok $? "window 3 froze the old host"
k=0
for r in $RCPTS; do
	k=$((k + 1))
	python3 - "$LAB_OLD" "$r" "$k" <<'PY' && echo "n=c$k to=$r" >>"$LAB/sent"
import smtplib, sys
host, r, k = sys.argv[1:]
m = ("From: cached@elsewhere.example\r\nTo: %s\r\nSubject: n=c%s to=%s\r\n"
     "Message-ID: <c%s@elsewhere.example>\r\n\r\nheld by the freeze\r\n" % (r, k, r, k))
s = smtplib.SMTP(host, 25, timeout=10)
s.sendmail("cached@elsewhere.example", [r], m)
s.quit()
PY
done
is "$(grep -c '^n=c' "$LAB/sent")" 6 "six messages reached the old host during the freeze"
wait "$W3"
is $? 0 "window 3 (probe, freeze, MX to the dead IP, one TTL)"
like "$(mx_of example.net)" "mx-dead\.example\.net" "MX points at the dead IP"
like "$(grep '^defer_transports' "$OC/main.cf")" 'local' "the old Postfix defers its deliveries"
if [ -n "${E2E_FULL:-}" ]; then
	# Leave 3 pages: room for a few of the virtual users' messages only.
	free=$(df -B4096 --output=avail "$RN/var/vmail" | tail -n 1)
	dd if=/dev/zero of="$RN/var/vmail/filler" bs=4096 count=$((free - 3)) 2>/dev/null
	window 4
	is $? 1 "window 4 with the new host's mail filesystem full: the run fails"
	like "$(grep -E '^[0-9:]{8} 4\.transfer info@example\.net: failed: ' "$LAB/run.log")" \
	    '[Nn]o space left' "with one line per user that says the disk is full"
	like "$(grep -E '^[0-9:]{8} 4\.transfer FAILED' "$LAB/run.log")" '2 user\(s\) failed' \
	    "the two virtual users, not the others"
	half_visible "$RN/var/vmail" "$V"
	rm -f "$RN/var/vmail/filler"
	grep -E '^[0-9:]{8} 4\.' "$LAB/run.log" | tail -n 3 | sed 's/^/# /'
fi
if [ -n "${E2E_CUT:-}" ]; then
	# A slow link (tbf on the lab's loopback), and the ssh connections to
	# the old host cut while the transfer streams.
	tc qdisc add dev lo root tbf rate 8mbit burst 1mbit latency 2s ||
	    bail "tc tbf on lo"
	window 4 &
	W4=$!
	# cut once alice's first messages are staged on the new host
	lab_wait 300 "alice's copy to stream" eval \
	    'find "$RN/home/alice/Maildir" -path "*mxmove-stage*" -type f | grep -q .'
	ok $? "alice's copy is streaming: $(find "$RN/home/alice/Maildir" -path '*mxmove-stage*' -type f | wc -l) message(s) staged"
	cut=0
	for s in $(lab_sshd_sessions old); do
		kill -9 "$s" 2>/dev/null && cut=$((cut + 1))
	done
	wait "$W4"
	is $? 1 "window 4 with the ssh connections to the old host cut ($cut): the run fails"
	tc qdisc del dev lo root
	like "$(grep -E '^[0-9:]{8} 4\.transfer alice: failed: ' "$LAB/run.log")" '.' \
	    "with a line for the user whose copy was cut"
	grep -E '^[0-9:]{8} 4\.transfer [a-z@.]+: failed: ' "$LAB/run.log" | sed 's/^/# /'
	half_visible "$RN/home/alice" "$A"
	lab_wait 100 "the old host's sshd" lab_tcp_open "$LAB_OLD" 22
fi
window 4; is $? 0 "window 4 (transfer, verify, catch-up)"
i=0
until window 5; do
	i=$((i + 1))
	[ $i -ge 30 ] && break
	sleep 2
done
ok $((i < 30 ? 0 : 1)) "window 5 completes (forward, thaw, MX live, drain, catch-up, report) after $i re-run(s)"
like "$(mx_of example.test)" "mx-live\.example\.test" "MX points at the new host"
unlike "$(cat "$OC/main.cf")" '^defer_transports *=.*local' "the old host is thawed"

# Let the feeder run a while with MX on the new host, then stop it.
sleep 5
touch "$LAB/feeder.stop"
wait "$FEEDER"
nsent=$(wc -l <"$LAB/sent")
ok $((nsent >= 60 ? 0 : 1)) "$nsent messages sent during the run"
queue_len() { postqueue -c "$1" -j 2>/dev/null | grep -c queue_name; }
lab_wait 900 "the sender's queue to drain" eval '[ "$(queue_len "$SC")" = 0 ]'
ok $? "the sender's queue drained"
lab_wait 300 "the old queue" eval '[ "$(queue_len "$OC")" = 0 ]'
ok $? "the old host's queue is empty"
lab_wait 300 "the new queue" eval '[ "$(queue_len "$NC")" = 0 ]'
ok $? "the new host's queue is empty"

# The last catch-up and the report once more, now that nothing moves (as
# one re-runs them from the wizard's checklist): the report then counts
# what stays on disk.
E2E_KILL= window 5 --again 5.catch-up --again 5.report
is $? 0 "window 5's catch-up and report, run again at the end"
last5=$(awk '/^== window 5/ { b = "" } { b = b $0 "\n" } END { printf "%s", b }' "$LAB/run.log")
like "$last5" '5\.catch-up done: 6 user\(s\) done, 0 failed; 0 message\(s\) copied' \
    "the old host had nothing new: the freeze held, then it relayed"
like "$last5" '5\.forward already done' "and the steps done stay done"

# ---- count every number through Dovecot
dove_user() { case $1 in *@example.test) echo "${1%@*}" ;; *) echo "$1" ;; esac; }
: >"$LAB/got"
for r in $RCPTS; do
	doveadm_new -f tab fetch -u "$(dove_user "$r")" hdr.subject mailbox INBOX \
	    2>>"$LAB/doveadm.log" | grep '^n=' | sed "s/\$/ @$r/" >>"$LAB/got"
done
# "n=12 to=alice@example.test @alice@example.test": in its mailbox?
wrong=$(awk '{ split($2, t, "="); if ("@" t[2] != $3) print }' "$LAB/got" | head -n 5)
is "$wrong" "" "every message is in its recipient's mailbox"
sort "$LAB/sent" >"$LAB/sent.sorted"
cut -d' ' -f1,2 "$LAB/got" | sort >"$LAB/got.sorted"
dups=$(uniq -d "$LAB/got.sorted" | head -n 5)
is "$dups" "" "no message twice"
missing=$(comm -23 "$LAB/sent.sorted" <(sort -u "$LAB/got.sorted") | head -n 5)
is "$missing" "" "every one of the $nsent numbers sent is on the new host"
is "$(wc -l <"$LAB/got")" "$nsent" "as many messages as were sent"
SL=$LAB/sender/postfix/maillog
ndead=$(grep -c "\[$LAB_DEAD\]:25: Connection refused" "$SL")
ok $((ndead > 0 ? 0 : 1)) "the sender met the dead MX ($ndead times) and retried"
nlive=$(grep -c "relay=mx-live\.example\.[a-z]*\[$LAB_NEW\]:25.*status=sent" "$SL")
ok $((nlive > 0 ? 0 : 1)) "then delivered $nlive messages to the live MX"
nrel=$(grep -c "relay=$LAB_NEW\[$LAB_NEW\]:25.*status=sent" "$LAB/old/postfix/maillog")
ok $((nrel >= 6 ? 0 : 1)) "the old host relayed the $nrel message(s) the freeze held to the new one"

# ---- the old mail: flags and UIDLs
flags=$(doveadm_new -f tab fetch -u alice "flags hdr.subject" mailbox INBOX 2>/dev/null | grep 'old ')
like "$(echo "$flags" | grep 'old replied')" 'Answered' "flags kept: replied"
like "$(echo "$flags" | grep 'old flagged')" 'Flagged' "flags kept: flagged"
like "$(echo "$flags" | grep 'old read')" 'Seen' "flags kept: seen"
unlike "$(echo "$flags" | grep 'old unread')" 'Seen' "flags kept: unread"
is "$(doveadm_new -f tab fetch -u alice hdr.subject mailbox Sent 2>/dev/null | grep -c 'old sent')" 1 \
    "alice's Sent folder came along"
pop_uidl() { curl -s --max-time 10 "pop3://$LAB_NEW/" -u "$1:secret" -X UIDL | tr -d '\r' | awk 'NF == 2 {print $2}' | sort; }
is "$(comm -23 <(echo "$old_uidl_alice") <(pop_uidl alice))" "" \
    "alice's POP3 UIDLs from before the move are kept (password kept too)"
is "$(comm -23 <(echo "$old_uidl_info") <(pop_uidl info@example.net))" "" \
    "info@example.net's POP3 UIDLs are kept (vpopmail's MD5 hash works)"
is "$(doveadm_new -f tab fetch -u carol "flags hdr.subject" mailbox INBOX 2>/dev/null | grep 'old carol read' | grep -c Seen)" 1 \
    "carol's mbox Status: RO became Seen"

# ---- the report's figures against the disk
# The last window 5 run's JSON report: the report step's result.
total=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print([s["result"] for s in r["steps"] if s["step"] == "report"][-1])' \
    "$LAB/report-5.json" 2>&1)
diag "report: $total"
grep -qF -- "Total: ${total#*: }" "$P/report.txt"
ok $? "report.txt says the same"
# Every message in the accounts' Maildirs on the new host: the old ones
# and what the new host's own MTA delivered.
on_new() {
	msgs_in "$RN/home/alice" "$RN/home/bob" "$RN/home/carol" \
	    "$RN/home/dave" "$RN/var/vmail"
}
n_new=$(on_new | wc -l)
b_new=$(on_new | xargs -d '\n' stat -c %s | awk '{s += $1} END {print s + 0}')
like "$total" "^written to $P/report.txt: 6 user\\(s\\), 6 verified" "the report (in the plan's directory): six users, all verified"
like "$total" "; $n_new message\(s\), $b_new bytes on the new host" \
    "the report's new-host figures equal the disk ($n_new messages, $b_new bytes)"
n_oldmd=$(msgs_in "$RO/home/alice" "$RO/home/bob" "$V" | wc -l)
n_mbox=$(cat "$RO/var/spool/mail/carol" "$RO/var/spool/mail/dave" | grep -c '^From ')
like "$total" "; $((n_oldmd + n_mbox)) message\(s\), [0-9]+ bytes on the old host" \
    "the report's old-host count equals the disk ($n_oldmd in Maildirs + $n_mbox in mboxes)"
# Per user, the Maildirs' bytes on the old host equal the report's.
for u in alice:home/alice bob:home/bob info@example.net:home/vpopmail/domains/example.net/info \
    sales@example.net:home/vpopmail/domains/example.net/sales; do
	b=$(msgs_in "$RO/${u#*:}" | xargs -r -d '\n' stat -c %s | awk '{s += $1} END {print s + 0}')
	n=$(msgs_in "$RO/${u#*:}" | wc -l)
	like "$(grep "^${u%%:*}	" "$P/transfer.results")" "^${u%%:*}	done	$n	$b	" \
	    "${u%%:*}: $n messages, $b bytes on the old host, as the report says"
done
# the tmpfs goes before the lab's directory is removed
[ -n "${E2E_FULL:-}" ] && umount -l "$RN/var/vmail"
if [ -n "${E2E_KILL:-}" ]; then
	nk=$(sort -u "$LAB/kills" | wc -l)
	ok $((nk >= 20 ? 0 : 1)) "mxmove was killed with SIGKILL at $nk different moments, each followed by a re-run"
	diag "kill points: $(tr '\n' ',' <"$LAB/kills")"
	for w in 1 2 3 4 5; do
		grep -q "^$w\." "$LAB/kills"
		ok $? "kills landed in window $w"
	done
fi
done_testing
