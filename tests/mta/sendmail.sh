#!/bin/bash
# sendmail really running (old, 127.0.0.2, from the unpacked .debs) and
# Postfix as the new host (127.0.0.3, Maildir delivery): queue counts that
# move when delivery is deferred and fall when it is released; accept-for;
# forward through the mailertable proven by messages sent with swaks to
# the old host arriving in the new host's Maildir; the queue-only freeze
# holding mail through a queue run, and thaw releasing it, leaving
# sendmail.cf byte-identical.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
. "$top_srcdir/tests/lab/sendmail.sh"
lab_sendmail_fetch
lab_enter "$@"
. "$top_srcdir/tests/lab/postfix.sh"

command -v swaks >/dev/null || skip_all "swaks is missing"

lab_postfix_virtual new example.test joe
lab_start_postfix new "$LAB_NEW"
lab_start_sendmail old "$LAB_OLD"
SMD=$(lab_sendmail_dir old)
SMQ=$(lab_sendmail_queue old)
MAILDIR=$(lab_postfix_maildir new example.test joe)
MTA=(--mta sendmail --sendmail-dir "$SMD" --sendmail-queue "$SMQ")

delivered() {
	[ "$(find "$MAILDIR/new" -type f 2>/dev/null | wc -l)" -eq "$1" ]
}
queue_is() {	# queue_is COUNTER N
	"$MXMOVE" queue local: "${MTA[@]}" | grep -qx "$1: $2"
}
send() {	# send SUBJECT
	swaks --server "$LAB_OLD" --from sender@example.net --to joe@example.test \
	    --h-Subject "$1" --body "test $1" >>"$LAB/swaks.log" 2>&1
}
# A queue run now, in sendmail's own view of /etc/hosts and host name.
queue_run() {
	unshare -mu sh -c 'mount --bind "$1" /etc/hosts && hostname old.example.test &&
	    exec "$2/sendmail" -C "$3" -q' sh "$LAB/old/sendmail/hosts" \
	    "$LAB_SM_BIN" "$SMD/sendmail.cf" >>"$LAB/queue-run.log" 2>&1
}

run_mx queue local: "${MTA[@]}"
is "$rc" 0 "queue: exit 0"
like "$out" '^mta: sendmail$' "names the MTA"
like "$out" '^total: 0$' "an empty queue"

# No DNS in the lab: mail for example.test is deferred on the old host.
send deferred-1; ok $? "swaks: the old host accepts mail for example.test"
lab_wait 100 "the message queued" queue_is queue 1
ok $? "queue: 1 deferred (no route yet)"

# --- accept-for ----------------------------------------------------------
cp -a "$SMD" "$LAB/etc.0"
run_mx accept-for local: "${MTA[@]}" --domain new.example.test --dry-run
like "$out" '^\+new\.example\.test$' "accept-for --dry-run shows the line"
diff -r "$LAB/etc.0" "$SMD" >/dev/null; ok $? "and changes nothing"
run_mx accept-for local: "${MTA[@]}" --domain new.example.test
is "$rc" 0 "accept-for: exit 0"
is "$(cat "$SMD/relay-domains")" new.example.test "relay-domains holds the new name"
like "$out" 'sendmail: HUP' "the daemon was told (pid from sendmail.cf)"
run_mx accept-for local: "${MTA[@]}" --undo
is "$rc" 0 "accept-for --undo: exit 0"
cmp -s "$LAB/etc.0/relay-domains" "$SMD/relay-domains"; ok $? "relay-domains byte-identical"

# --- forward: the deferred message and a new one reach the new host ------
run_mx forward local: "${MTA[@]}" --domain example.test --to "$LAB_NEW"
is "$rc" 0 "forward: exit 0"
like "$out" "^\+example\.test esmtp:\[$LAB_NEW\]$" "the mailertable line in the preview"
like "$out" 'ran: sh -c .*makemap' "makemap rebuilt the map"
test -f "$SMD/mailertable.db"; ok $? "mailertable.db exists"
lab_wait 200 "the deferred message forwarded" delivered 1
ok $? "the deferred message was released to the new host's Maildir"
lab_wait 100 "old's queue to drain" queue_is total 0
ok $? "queue: falls to 0"
send forwarded-2; ok $? "swaks: another message to the old host"
lab_wait 150 "the forwarded message" delivered 2
ok $? "it arrived in the new host's Maildir"
grep -l 'Subject: forwarded-2' "$MAILDIR"/new/* >/dev/null 2>&1; ok $? "the very message (by subject)"

# --- freeze: queue only, queue runs held ---------------------------------
cp "$SMD/sendmail.cf" "$LAB/sendmail.cf.0"
run_mx freeze local: "${MTA[@]}"
is "$rc" 0 "freeze: exit 0"
like "$out" '^\+O DeliveryMode=queueonly$' "DeliveryMode queueonly"
like "$out" '^\+O QueueLA=0$' "QueueLA 0"
like "$out" '^\+O QueueFactor=1$' "QueueFactor 1: queue runs skip every message"
lab_wait 100 "sendmail back after the HUP" lab_tcp_open "$LAB_OLD" 25
send frozen-3; ok $? "swaks: the frozen host still accepts mail"
lab_wait 100 "the message queued" queue_is queue 1
ok $? "queue: 1 while frozen"
queue_run
run_mx queue local: "${MTA[@]}"
like "$out" '^queue: 1$' "still queued after a queue run"
ok "$(delivered 2; echo $?)" "and not delivered"
run_mx thaw local: "${MTA[@]}"
is "$rc" 0 "thaw: exit 0"
cmp -s "$SMD/sendmail.cf" "$LAB/sendmail.cf.0"; ok $? "freeze then thaw: sendmail.cf byte-identical"
lab_wait 200 "delivery after thaw" delivered 3
ok $? "thawed: the held message is delivered"
lab_wait 100 "old's queue to drain" queue_is total 0
ok $? "queue: 0 again"

# --- forward undone --------------------------------------------------------
run_mx forward local: "${MTA[@]}" --undo
is "$rc" 0 "forward --undo: exit 0"
cmp -s "$LAB/etc.0/local-host-names" "$SMD/local-host-names"; ok $? "local-host-names byte-identical"
cmp -s "$LAB/etc.0/relay-domains" "$SMD/relay-domains"; ok $? "relay-domains byte-identical"
test ! -e "$SMD/mailertable"; ok $? "the mailertable it created is gone"

done_testing
