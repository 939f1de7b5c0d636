#!/bin/bash
# The ledger of an mbox user in the lab, over ssh: a sendmail spool on the
# old host goes through mxmove transfer into a Maildir the lab's Dovecot
# serves; the ledger read over ssh shows the same messages, bytes, flags
# (Status/X-Status) and From_ dates on both sides; then a mail client
# flags a message over IMAP on the new host, and the ledger reports that
# user, and only that user, with the message named.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
lab_enter "$@"
. "$top_srcdir/tests/lab/sshd.sh"
. "$top_srcdir/tests/lab/dovecot.sh"
command -v /usr/sbin/sshd >/dev/null || skip_all "openssh-server is missing"
command -v dovecot >/dev/null || skip_all "dovecot is missing"
command -v curl >/dev/null || skip_all "curl is missing"

lab_host_user old bob 1002 1002 /home/bob
lab_host_user old eve 1003 1003 /home/eve
lab_host_user new bob 2102 2102 /home/bob
lab_host_user new eve 2103 2103 /home/eve
RO=$(lab_root old) RN=$(lab_root new)
mkdir -p "$RO/var/spool/mail"
cat >"$RO/var/spool/mail/bob" <<'MBOX'
From carol@example.test Tue Nov  3 11:00:00 2026
From: carol@example.test
Subject: read one
Status: RO
X-UIDL: 1a2b3c4d

hello
>From the past

From dave@example.test Wed Nov  4 12:00:00 2026
Subject: answered
Status: RO
X-Status: A

answered body

From dave@example.test Thu Nov  5 13:00:00 2026
Subject: a draft
Status: O
X-Status: T

draft body

From dave@example.test Fri Nov  6 14:00:00 2026
Subject: unread one

bye
MBOX
printf 'From x@example.test Mon Nov  2 10:00:00 2026\nSubject: eve\nStatus: RO\n\neve body\n' \
    >"$RO/var/spool/mail/eve"
chown 1002:1002 "$RO/var/spool/mail/bob"
chown 1003:1003 "$RO/var/spool/mail/eve"
lab_start_sshd old "$LAB_OLD"
lab_start_sshd new "$LAB_NEW"
lab_dovecot_user bob secret 2102 2102 "$RN/home/bob"
lab_dovecot_user eve secret 2103 2103 "$RN/home/eve"
fp_old() { (cd "$RO" && find var/spool/mail -printf '%p %s %T@ %m %u:%g\n' | sort; \
    sha256sum var/spool/mail/*) | sha256sum; }
before=$(fp_old)

run_mx transfer --from old --to new --state "$LAB/state" \
    --user bob:/var/spool/mail/bob:/home/bob/Maildir \
    --user eve:/var/spool/mail/eve:/home/eve/Maildir
is "$rc" 0 "transfer over ssh converts both mboxes"

U="--user bob:/var/spool/mail/bob:/home/bob/Maildir --user eve:/var/spool/mail/eve:/home/eve/Maildir"
run_mx ledger --from old --to new $U --file "$LAB/ledger.json"
is "$rc" 0 "the ledger over ssh agrees"
like "$out" '^bob +ok +src 4 msgs ([0-9]+) B +dst 4 msgs \1 B +flags D1 F0 P0 R1 S2 T0 +missing 0  flags-differ 0  dates-differ 0' \
    "bob: 4 messages, the same bytes, flags (draft, replied, 2 seen) and dates"
like "$out" '^eve +ok +src 1 msgs' "eve agrees too"
run_mx ledger --file "$LAB/ledger.json" --json
j=$(printf '%s' "$out" | tr -d ' \n')
like "$j" '"user":"bob","ok":true,"source":\{"messages":4,"bytes":[0-9]+,"flags":\{"D":1,"F":0,"P":0,"R":1,"S":2,"T":0\},"first":1793703600,"last":1793973600,' \
    "the source's histogram and From_ date range"
like "$j" '"target":\{"messages":4,"bytes":[0-9]+,"flags":\{"D":1,"F":0,"P":0,"R":1,"S":2,"T":0\},"first":1793703600,"last":1793973600,' \
    "the same on the target (mtimes are the From_ dates)"
like "$j" '"uidl_total":1,"uidl_same":1' "the one X-UIDL is found on the target"

# A mail client flags bob's first message over IMAP on the new host.
lab_start_dovecot
curl -s --max-time 10 "imap://$LAB_DOVECOT_ADDR/INBOX" -u bob:secret \
    -X 'STORE 1 +FLAGS (\Flagged)' >/dev/null
ok $? "IMAP STORE +FLAGS (\\Flagged) on bob's first message"
like "$(ls "$RN/home/bob/Maildir/cur")" ':2,FS' "Dovecot wrote the flag into the file name"
run_mx ledger --from old --to new $U --file "$LAB/ledger.json"
is "$rc" 1 "the ledger exits 1"
like "$out" '^bob +PROBLEM .*flags-differ 1  dates-differ 0 .*\(flags differ: /1793703600\.H[0-9a-f]{16}\.' \
    "bob is reported: one flag differs, the message named"
like "$out" '^eve +ok ' "eve is still fine"
is "$(fp_old)" "$before" "the old host was only read"
done_testing
