#!/bin/bash
# The lab's Dovecot serves a qmail Maildir over POP3 with the UIDLs
# qmail-pop3d showed (the file name before ':'), and over IMAP.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
lab_enter "$@"
. "$top_srcdir/tests/lab/dovecot.sh"
command -v dovecot >/dev/null || skip_all "dovecot is not installed"

H=$LAB/home/alice
lab_dovecot_user alice secret 1001 1001 "$H"
mkdir -p "$H/Maildir/new" "$H/Maildir/cur" "$H/Maildir/tmp"
printf 'Subject: one\n\nfirst\n' >"$H/Maildir/new/1700000001.12345.old.example.test"
printf 'Subject: two\n\nsecond\n' >"$H/Maildir/cur/1700000002.M1P2.old.example.test:2,S"
printf 'Subject: three\n\nthird\n' >"$H/Maildir/cur/1700000003.M3P4V5.old.example.test:2,FRS"
chown -R 1001:1001 "$H"
chmod -R go-rwx "$H/Maildir"

lab_start_dovecot
uidl=$(lab_dovecot_uidl alice secret)
diag "UIDL: $(echo "$uidl" | tr '\n' ' ')"
is "$(echo "$uidl" | awk '{print $2}' | sort | tr '\n' ' ')" \
    "1700000001.12345.old.example.test 1700000002.M1P2.old.example.test 1700000003.M3P4V5.old.example.test " \
    "POP3 UIDLs are the Maildir names before ':'"
is "$(lab_dovecot_imap_count alice secret)" 3 "IMAP sees three messages"
uidl2=$(lab_dovecot_uidl alice secret)
is "$uidl2" "$uidl" "UIDLs stable across sessions"
bad=$(curl -s --max-time 10 "pop3://$LAB_DOVECOT_ADDR/" -u 'alice:wrong' -X UIDL 2>&1; echo "rc=$?")
like "$bad" 'rc=(67|8)' "a wrong password is refused"
done_testing
