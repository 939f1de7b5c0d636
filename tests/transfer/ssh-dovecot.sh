#!/bin/bash
# The whole thing over ssh in the lab: a qmail Maildir and a sendmail mbox
# on the old host go to the new host in parallel sessions, owners remapped;
# the lab's Dovecot then shows over POP3 exactly the UIDLs qmail-pop3d
# showed on the old host (file names before ':'), IMAP sees the folders,
# a catch-up pass adds only new mail, and the old host is never written.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
lab_enter "$@"
. "$top_srcdir/tests/lab/sshd.sh"
. "$top_srcdir/tests/lab/dovecot.sh"
command -v /usr/sbin/sshd >/dev/null || skip_all "openssh-server is missing"
command -v dovecot >/dev/null || skip_all "dovecot is missing"

lab_host_user old alice 1001 1001 /home/alice
lab_host_user old bob 1002 1002 /home/bob
lab_host_user new alice 2101 2101 /home/alice
lab_host_user new bob 2102 2102 /home/bob
RO=$(lab_root old) RN=$(lab_root new)

A=$RO/home/alice/Maildir
mkdir -p "$A"/{new,cur,tmp} "$A"/.Sent/{new,cur,tmp} "$A"/.Archiv.2025/{new,cur,tmp}
put() { printf 'From: x@example.test\nSubject: %s\n\n%s body\n' "$2" "$2" >"$A/$1"; touch -d @"$3" "$A/$1"; }
put new/1700000001.4711.old.example.test "unread" 1700000001
put new/1700000002.M123456P4712.old.example.test "unread 2" 1700000002
put cur/1700000003.4713.old.example.test:2,S "read" 1700000003
put cur/1700000004.M1P4714V0000000000000801I00000000001a2b3c.old.example.test:2,RS "replied" 1700000004
put cur/1700000005.4715.old.example.test:2,FS "flagged" 1700000005
put .Sent/cur/1700000006.4716.old.example.test:2,S "sent" 1700000006
put .Archiv.2025/cur/1700000007.4717.old.example.test:2,S "archived" 1700000007
chown -R 1001:1001 "$A"
cat >"$RO/var/spool/mail/bob" <<'MBOX'
From carol@example.test Tue Nov  3 11:00:00 2026
From: carol@example.test
Subject: read one
Status: RO
X-UIDL: 1a2b3c4d

hello
>From the past

From dave@example.test Wed Nov  4 12:00:00 2026
Subject: unread one

bye
MBOX
chown 1002:1002 "$RO/var/spool/mail/bob"

lab_start_sshd old "$LAB_OLD"
lab_start_sshd new "$LAB_NEW"
lab_dovecot_user alice secret 2101 2101 "$RN/home/alice"
lab_dovecot_user bob secret 2102 2102 "$RN/home/bob"

# What qmail-pop3d showed on the old host: the names before ':' (INBOX).
old_uidls=$(ls "$A/new" "$A/cur" | grep -v '^$' | grep -v ':$' | sed 's/:.*//' | sort)
fp_old() { (cd "$RO" && find home var/spool/mail -printf '%p %s %T@ %m %u:%g\n' | sort; \
    find home var/spool/mail -type f -exec sha256sum {} + | sort) | sha256sum; }
before=$(fp_old)

run_mx transfer --from old --to new --jobs 2 --state "$LAB/state" --user alice \
    --user bob:/var/spool/mail/bob:/home/bob/Maildir
is "$rc" 0 "transfer over ssh exits 0"
like "$out" 'alice: verified: 7 copied' "alice: seven messages copied and verified"
like "$out" 'bob: verified: 2 copied' "bob: the mbox converted on the way, two messages"
is "$(find "$RN/home/alice/Maildir" -printf '%u:%g\n' | sort -u)" "2101:2101" \
    "alice's Maildir owned by her uid on the new host"
is "$(find "$RN/home/alice/Maildir" -type f ! -name maildirfolder -printf '%m\n' | sort -u)" 600 "files 0600"
is "$(stat -c %Y "$RN/home/alice/Maildir/cur/1700000005.4715.old.example.test:2,FS")" 1700000005 "mtime kept"
is "$(fp_old)" "$before" "the first pass wrote nothing on the old host"

lab_start_dovecot
new_uidls=$(lab_dovecot_uidl alice secret | awk '{print $2}' | sort)
is "$new_uidls" "$old_uidls" "Dovecot's POP3 UIDLs are the ones qmail-pop3d showed"
is "$(lab_dovecot_uidl alice secret | wc -l)" 5 "five messages in alice's INBOX over POP3"
is "$(lab_dovecot_imap_count alice secret Sent)" 1 "IMAP: the Sent folder came along"
is "$(lab_dovecot_imap_count alice secret Archiv.2025)" 1 "IMAP: a dotted folder name too"
is "$(lab_dovecot_uidl bob secret | wc -l)" 2 "bob's converted mbox over POP3"
flags=$(doveadm -c "$LAB_DOVECOT_CONF" fetch -u alice flags mailbox INBOX 2>&1 | grep '^flags' | sort | tr '\n' ' ')
like "$flags" 'Answered' "IMAP flags from the names (Answered)"
like "$flags" 'Flagged' "IMAP flags from the names (Flagged)"

# New mail on the old host; a POP3 client on the new host read one.
put new/1700000100.4800.old.example.test "late" 1700000100
chown 1001:1001 "$A/new/1700000100.4800.old.example.test"
curl -s --max-time 10 "pop3://$LAB_DOVECOT_ADDR/1" -u alice:secret >/dev/null
before=$(fp_old)
run_mx transfer --from old --to new --state "$LAB/state" --user alice
is "$rc" 0 "catch-up pass exits 0"
like "$out" 'alice: verified: 1 copied .*, 7 already there' "only the new message is copied"
old_uidls=$(ls "$A/new" "$A/cur" | grep -v '^$' | grep -v ':$' | sed 's/:.*//' | sort)
is "$(lab_dovecot_uidl alice secret | awk '{print $2}' | sort)" "$old_uidls" \
    "UIDLs still equal the old host's after the catch-up pass"

run_mx verify --from old --to new --state "$LAB/state" --user alice \
    --user bob:/var/spool/mail/bob:/home/bob/Maildir
is "$rc" 0 "verify over ssh exits 0"
like "$out" 'alice: verified: source 8 messages' "verify: alice matches"
is "$(fp_old)" "$before" "the old host was only read"
like "$(cat "$LAB/state/journal")" 'bob	done	' "the journal on this machine records bob"
done_testing
