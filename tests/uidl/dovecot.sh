#!/bin/bash
# UIDL continuity through a real POP3 server: the UIDLs qmail-pop3d would
# present from the old Maildir, read before the move, are the ones the new
# host's Dovecot presents over POP3 after mxmove transfer; a renamed file
# is reported by name.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
lab_enter "$@"
. "$top_srcdir/tests/lab/dovecot.sh"

old=$LAB/old new=$LAB/new
md=$old/home/alice/Maildir
mkdir -p "$md/new" "$md/cur" "$md/tmp" "$new/home/alice"
# Names as qmail and vdelivermail write them; cur/ with flags.
printf 'From: a@example.test\nSubject: one\n\nfirst\n' >"$md/cur/1700000100.12345.old.example.test:2,S"
printf 'From: b@example.test\nSubject: two\n\nsecond\n' >"$md/cur/1700000200.M1P2V3I4.old,S=42:2,RS"
printf 'From: c@example.test\nSubject: three\n\nthird\n' >"$md/new/1700000300.777.old.example.test"
touch -d @1700000100 "$md/cur/1700000100.12345.old.example.test:2,S"
touch -d @1700000200 "$md/cur/1700000200.M1P2V3I4.old,S=42:2,RS"
touch -d @1700000300 "$md/new/1700000300.777.old.example.test"
printf 'alice:s3cret pass\n' >"$LAB/creds"
chmod 600 "$LAB/creds"

run_mx uidl "local:$old" --user alice=/home/alice/Maildir
is "$rc" 0 "the old store's UIDLs are listed"
is "$(printf '%s\n' "$out" | awk '{print $3}' | tr '\n' ' ')" \
    "1700000100.12345.old.example.test 1700000200.M1P2V3I4.old,S=42 1700000300.777.old.example.test " \
    "as qmail-pop3d shows them: mtime order, name up to ':'"

lab_dovecot_user alice 's3cret pass' 1001 1001 "$new/home/alice"
lab_start_dovecot || bail "dovecot did not start"

run_mx transfer --from "local:$old" --to local: \
    --user "alice:/home/alice/Maildir:$new/home/alice/Maildir:1001:1001" --state "$LAB/state"
is "$rc" 0 "mxmove transfer copies the Maildir"
diag "$out"

run_mx uidl "local:$old" --user alice=/home/alice/Maildir --pop3 "$LAB_NEW:110" \
    --credentials "$LAB/creds"
is "$rc" 0 "the UIDLs survived: exit 0"
like "$out" '^alice: 3 of 3 UIDLs unchanged$' "alice: 3 of 3 UIDLs unchanged"

run_mx uidl --pop3 "$LAB_NEW:110" --credentials "$LAB/creds" --user alice
like "$out" '^alice 1 1700000100\.12345\.old\.example\.test [0-9]+$' "the POP3 listing shows the first UIDL with its size"

# A file renamed on the new host changes its UIDL: reported by name.
# (Dovecot moved it from new/ to cur/ when the first session opened the box.)
f=$(find "$new/home/alice/Maildir" -name '1700000300.777.old.example.test*')
mv "$f" "$(dirname "$f")/1700000300.999.renamed${f##*example.test}"
run_mx uidl "local:$old" --user alice=/home/alice/Maildir --pop3 "$LAB_NEW:110" \
    --credentials "$LAB/creds"
is "$rc" 1 "a changed UIDL makes the check exit 1"
like "$out" 'alice: 2 of 3 UIDLs unchanged' "2 of 3 unchanged"
like "$out" 'changed or missing on the server: 1700000300\.777\.old\.example\.test' "the lost UIDL is named"
like "$out" 'new on the server: 1700000300\.999\.renamed' "the new UIDL is named"

# Reading over POP3 deleted nothing (the session ends without QUIT).
is "$(find "$new/home/alice/Maildir/new" "$new/home/alice/Maildir/cur" -type f | wc -l)" 3 \
    "three messages still on the server after the checks"

printf 'alice:wrong\n' >"$LAB/bad"; chmod 600 "$LAB/bad"
run_mx uidl --pop3 "$LAB_NEW:110" --credentials "$LAB/bad" --user alice
is "$rc" 1 "a wrong password exits 1"
like "$out" 'PASS refused' "and says the server refused the password"
unlike "$out" 'wrong' "without showing the password"
chmod 644 "$LAB/bad"
run_mx uidl --pop3 "$LAB_NEW:110" --credentials "$LAB/bad" --user alice
like "$out" 'readable by others' "a credentials file readable by others is refused"
done_testing
