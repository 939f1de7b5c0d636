#!/bin/bash
# Postfix really running: two instances (old on 127.0.0.2, new on
# 127.0.0.3, private configs). Queue counts that move when delivery is
# deferred by the freeze and fall when thaw releases it; freeze then thaw
# leaves main.cf byte-identical; accept-for; forward proven by a message
# sent with swaks to the old host arriving in the new host's Maildir; and
# forward --undo putting the old host back as it was.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
lab_enter "$@"
. "$top_srcdir/tests/lab/postfix.sh"

command -v swaks >/dev/null || skip_all "swaks is missing"

lab_postfix_virtual new example.test joe
lab_start_postfix new "$LAB_NEW"
lab_start_postfix old "$LAB_OLD" "mydestination=example.test, localhost" \
    "local_recipient_maps="
OLD=$(lab_postfix_conf old)
NEW=$(lab_postfix_conf new)
MAILDIR=$(lab_postfix_maildir new example.test joe)

# count_in DIR: messages delivered into a Maildir's new/
count_in() {
	find "$1/new" -type f 2>/dev/null | wc -l
}
# delivered N: the Maildir holds N messages (a function: lab_wait re-runs it)
delivered() {
	[ "$(count_in "$MAILDIR")" -eq "$1" ]
}
# queue_is CONF COUNTER N: mxmove queue shows N for the counter
queue_is() {
	"$MXMOVE" queue local: --mta postfix --postfix-config "$1" |
	    grep -qx "$2: $3"
}
send() {	# send ADDR SUBJECT
	swaks --server "$1" --from sender@example.net --to joe@example.test \
	    --h-Subject "$2" --body "test $2" >>"$LAB/swaks.log" 2>&1
}

# --- queue ---------------------------------------------------------------
run_mx queue local: --mta postfix --postfix-config "$NEW"
is "$rc" 0 "queue: exit 0"
like "$out" '^mta: postfix$' "names the MTA"
like "$out" '^total: 0$' "an empty queue counts 0"
like "$out" '^deferred: 0$' "with a deferred counter"
run_mx queue local: --postfix-config "$NEW"
like "$out" '^mta: postfix$' "Postfix is detected without --mta"
run_mx queue local: --mta postfix --postfix-config "$LAB/nonexistent"
is "$rc" 1 "a config dir that is not there: exit 1"

# --- accept-for: preview only, then for real ------------------------------
cp "$OLD/main.cf" "$LAB/old-main.cf.0"
run_mx accept-for local: --mta postfix --postfix-config "$OLD" \
    --domain new.example.test --dry-run
is "$rc" 0 "accept-for --dry-run: exit 0"
like "$out" '^\+relay_domains = new\.example\.test$' "the preview is a diff adding relay_domains"
like "$out" 'dry run: nothing was changed' "and says nothing changed"
cmp -s "$OLD/main.cf" "$LAB/old-main.cf.0"; ok $? "main.cf untouched by the dry run"
run_mx accept-for local: --mta postfix --postfix-config "$OLD" \
    --domain new.example.test
is "$rc" 0 "accept-for: exit 0"
is "$(postconf -c "$OLD" -h relay_domains)" "new.example.test" "Postfix now relays for the new host's name"
like "$out" 'ran: postfix -c .* reload' "and was reloaded"
run_mx accept-for local: --mta postfix --postfix-config "$OLD" --undo
is "$rc" 0 "accept-for --undo: exit 0"
cmp -s "$OLD/main.cf" "$LAB/old-main.cf.0"; ok $? "accept-for undone: main.cf byte-identical"

# --- freeze: deliveries deferred, counted, then released by thaw ----------
cp "$NEW/main.cf" "$LAB/new-main.cf.0"
run_mx freeze local: --mta postfix --postfix-config "$NEW"
is "$rc" 0 "freeze: exit 0"
like "$out" '^\+defer_transports = local, virtual$' "defer_transports holds the delivery transports"
ls "$NEW"/main.cf.mxmove-* >/dev/null 2>&1; ok $? "main.cf was backed up beside itself"
send "$LAB_NEW" frozen-1; ok $? "swaks: a message to the frozen new host is accepted"
lab_wait 150 "the message deferred" queue_is "$NEW" deferred 1
ok $? "queue: deferred 1 while frozen"
is "$(count_in "$MAILDIR")" 0 "nothing landed in the mailbox"
run_mx thaw local: --mta postfix --postfix-config "$NEW" --dry-run
like "$out" '^-defer_transports = local, virtual$' "thaw --dry-run shows the line going"
cmp -s "$NEW/main.cf" "$LAB/new-main.cf.0"; test $? -ne 0; ok $? "still frozen after the dry run"
run_mx thaw local: --mta postfix --postfix-config "$NEW"
is "$rc" 0 "thaw: exit 0"
cmp -s "$NEW/main.cf" "$LAB/new-main.cf.0"; ok $? "freeze then thaw: main.cf byte-identical"
like "$out" 'ran: postqueue -c .* -f' "the queue was flushed"
lab_wait 150 "delivery after thaw" delivered 1
ok $? "the deferred message was delivered after thaw"
lab_wait 100 "the queue to empty" queue_is "$NEW" total 0
ok $? "queue: total falls to 0"
run_mx thaw local: --mta postfix --postfix-config "$NEW"
is "$rc" 1 "thaw with nothing frozen: exit 1"
like "$out" 'nothing to undo' "saying there is nothing to undo"

# --- forward: old relays example.test to new ----------------------------
cp "$OLD/main.cf" "$LAB/old-main.cf.1"
run_mx forward local: --mta postfix --postfix-config "$OLD" --domain example.test
is "$rc" 2 "forward without --to: exit 2"
run_mx forward local: --mta postfix --postfix-config "$OLD" \
    --domain example.test --to "$LAB_NEW"
is "$rc" 0 "forward: exit 0"
like "$out" "^\+example\.test smtp:\[$LAB_NEW\]$" "the transport line is in the preview"
like "$out" '^\+mydestination = localhost$' "the domain leaves mydestination"
is "$(postconf -c "$OLD" -h transport_maps)" "hash:$OLD/transport" "transport_maps is set"
test -f "$OLD/transport.db"; ok $? "postmap built transport.db"
send "$LAB_OLD" forwarded-1; ok $? "swaks: the old host accepts mail for example.test"
lab_wait 150 "the forwarded message" delivered 2
ok $? "the message sent to the old host arrived in the new host's Maildir"
grep -l 'Subject: forwarded-1' "$MAILDIR"/new/* >/dev/null 2>&1
ok $? "it is the message sent (by subject)"
lab_wait 100 "old's queue to drain" queue_is "$OLD" total 0
ok $? "the old host's queue is empty"
run_mx forward local: --mta postfix --postfix-config "$OLD" --undo
is "$rc" 0 "forward --undo: exit 0"
cmp -s "$OLD/main.cf" "$LAB/old-main.cf.1"; ok $? "forward undone: main.cf byte-identical"
test ! -e "$OLD/transport"; ok $? "the transport file it created is gone"

# --- Postfix stopped: the queue is counted from its files ---------------
lab_postfix_stop new
lab_wait 50 "new's smtpd to go" sh -c "! (exec 3<>/dev/tcp/$LAB_NEW/25) 2>/dev/null"
printf 'Subject: while-stopped\n\nqueued while Postfix was stopped\n' |
    sendmail -C "$NEW" -f sender@example.net joe@example.test
ok $? "a message is submitted while Postfix is stopped"
run_mx queue local: --mta postfix --postfix-config "$NEW"
is "$rc" 0 "queue with Postfix stopped: exit 0"
like "$out" '^maildrop: 1$' "the message waits in maildrop"
like "$out" '^total: 1$' "total 1"
lab_spawn new-postfix-2 postfix -c "$NEW" start-fg
lab_wait 100 "postfix new again" lab_tcp_open "$LAB_NEW" 25
lab_wait 150 "delivery after the restart" delivered 3
ok $? "started again: the message is delivered"
lab_wait 100 "the queue to empty" queue_is "$NEW" total 0
ok $? "and the queue is empty"

done_testing
