#!/bin/bash
# Error isolation in batch mode: on the demo lab, one user's mbox is
# corrupt and another's target is unusable; every other user is copied
# and verified, the report's overview names both with the reason and what
# to do, `mxmove ledger --plan --json` carries the same overview, and a
# re-run after the fix finishes the second one without copying anything
# twice.
. "$top_srcdir/tests/lib.sh"
t=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$t"' EXIT
d=$t/demo

"$MXMOVE" run --demo "$d" --step 2 --yes >"$t/out" 2>"$t/err"
is "$?" 0 "window 2 creates the demo's accounts"
printf 'garbage line one\nno separator here\n' >"$d/old/var/spool/mail/carol"
rm -rf "$d/new/home/dave/Maildir"
printf 'in the way\n' >"$d/new/home/dave/Maildir"
old_before=$(cd "$d/old" && find . -printf '%p %s %T@ %m\n' | sort)

out=$("$MXMOVE" run --demo "$d" --step 4 --yes 2>"$t/err"); rc=$?
err=$(cat "$t/err")
is "$rc" 1 "the run reports the failure (exit 1)"
like "$err" '4\.transfer FAILED: 1 user\(s\) failed' "one user failed in the copy"
like "$err" '2 of 6 user\(s\) need attention' "the summary counts the users needing attention"
like "$err" "dave: .*/home/dave/Maildir is a file, not a Maildir" "dave's failure is named with its reason"
like "$err" "carol: mbox /var/spool/mail/carol: byte offset 0: " "carol's corrupt mbox is named with the byte offset"
like "$err" 'what to do: fix the cause named here, then run window 4' "with what to do for dave"
like "$err" 'what to do: the mbox is damaged at the offset named: see mxmove mbox-check' "and for carol"
for u in alice bob info@example.net sales@example.net; do
	like "$(grep -F "$u	" "$d/transfer.results")" "^$u	done	([0-9]+)	([0-9]+)	\\1	\\2	[0-9]+	1	\$" \
	    "$u is copied and verified in spite of the others"
done
ov=$(printf '%s\n' "$out" | tr -d ' \n')
like "$ov" '"overview":\[' "the JSON report carries an overview array"
like "$ov" '\{"user":"alice","state":"done","source_messages":4,"target_messages":4,"source_bytes":[0-9]+,"target_bytes":[0-9]+,"flags_equal":true,"uidls_equal":true,' \
    "alice's line: done, counts, bytes, flags and UIDLs equal"
like "$ov" '\{"user":"dave","state":"failed",[^}]*"problem":true,"reason":"[^"]*isafile,notaMaildir"' "dave's line: failed, with the reason"
like "$ov" '\{"user":"carol",[^}]*"problem":true,' "carol's line: a problem"
is "$(printf '%s' "$ov" | grep -o '"problem":true' | wc -l)" 2 "exactly two users with a problem"
is "$(cd "$d/old" && find . -printf '%p %s %T@ %m\n' | sort)" "$old_before" "the old host is left exactly as it was"

run_mx ledger --plan "$d/plan" --json
lo=$(printf '%s\n' "$out" | tr -d ' \n')
like "$lo" '"users":\[' "ledger --plan --json: the ledger"
like "$lo" '"overview":\[.*\{"user":"dave","state":"failed"' "and the same overview"
like "$lo" '\{"user":"carol","ok":false,[^]]*"damaged":1,' "carol's ledger counts the damage"
run_mx ledger --plan "$d/plan"
is "$rc" 1 "ledger --plan: exit 1 while a user has a problem"
like "$out" '6 account\(s\), 2 need attention' "the text form counts them"
like "$out" 'dave \(failed\): .*is a file, not a Maildir' "and names dave with the reason"

rm "$d/new/home/dave/Maildir"
out=$("$MXMOVE" run --demo "$d" --step 4 --yes 2>"$t/err"); rc=$?
err=$(cat "$t/err")
is "$rc" 0 "after the fix the re-run ends"
like "$(grep -F "dave	" "$d/transfer.results")" '^dave	done	([0-9]+)	([0-9]+)	\1	\2	' "dave is copied"
like "$err" '1 of 6 user\(s\) need attention' "only carol is left"
like "$err" '4\.verify done: 6 user\(s\) verified' "every user is verified"
like "$err" '4\.catch-up done: 6 user\(s\) done, 0 failed; 0 message\(s\) copied' "and the catch-up copies nothing twice"
ov=$(printf '%s\n' "$out" | tr -d ' \n')
like "$ov" '\{"user":"dave","state":"done",[^}]*"flags_equal":true,' "dave's line: done, flags equal"
done_testing
