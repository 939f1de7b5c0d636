#!/bin/bash
# The reconciliation ledger: after mxmove transfer, counts, bytes, flags
# and dates agree; a flag, a date, a missing message and a duplicate made
# on the target are each found and named; the ledger file survives runs.
. "$top_srcdir/tests/lib.sh"
t=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$t"' EXIT
md=$t/old/home/ann/Maildir
mkdir -p "$md/new" "$md/cur" "$md/tmp" "$md/.Sent/cur" "$md/.Sent/new" "$md/.Sent/tmp" "$t/new"
i=0
for f in cur/1700000001.1.old:2,S cur/1700000002.2.old:2,FS cur/1700000003.3.old:2,RS \
    cur/1700000004.4.old:2,DT new/1700000005.5.old .Sent/cur/1700000006.6.old:2,PS; do
	i=$((i + 1))
	printf 'Subject: message %d\n\nbody %d\n' "$i" "$i" >"$md/$f"
	touch -d "@$((1700000000 + i * 3600))" "$md/$f"
done
printf 'not a maildir\n' >"$t/old/home/bob"
before=$(cd "$t/old" && find . -printf '%p %s %T@ %m\n' | sort)

run_mx transfer --from "local:$t/old" --to "local:$t/new" \
    --user "ann:/home/ann/Maildir:/home/ann/Maildir:$(id -u):$(id -g)" --state "$t/state"
is "$rc" 0 "transfer ann"

L=$t/ledger.json
run_mx ledger --from "local:$t/old" --to "local:$t/new" \
    --user ann:/home/ann/Maildir:/home/ann/Maildir --file "$L"
is "$rc" 0 "the ledger agrees after the transfer"
like "$out" '^ann +ok +src 6 msgs [0-9]+ B +dst 6 msgs [0-9]+ B' "six messages on both sides"
like "$out" 'flags D1 F1 P1 R1 S4 T1' "the flag histogram counts every letter"
like "$out" 'missing 0  flags-differ 0  dates-differ 0  dups 0' "nothing missing, flags and dates equal"
is "$(stat -c %a "$L")" 600 "the ledger file is 0600"

# Damage the target four ways.
nmd=$t/new/home/ann/Maildir
mv "$nmd/cur/1700000001.1.old:2,S" "$nmd/cur/1700000001.1.old:2,"
touch -d @1600000000 "$nmd/cur/1700000002.2.old:2,FS"
rm "$nmd/new/1700000005.5.old"
cp -p "$nmd/cur/1700000003.3.old:2,RS" "$nmd/cur/1700000099.9.copy:2,RS"
run_mx ledger --from "local:$t/old" --to "local:$t/new" \
    --user ann:/home/ann/Maildir:/home/ann/Maildir --file "$L"
is "$rc" 1 "a damaged target makes the ledger exit 1"
like "$out" '^ann +PROBLEM ' "ann is marked as a problem"
like "$out" 'missing 1  flags-differ 1  dates-differ 1  dups 1' "one missing, one flag, one date, one duplicate"
like "$out" 'missing on the target: /1700000005\.5\.old' "the missing message is named"

run_mx ledger --file "$L" --json
like "$out" '"missing": ?1' "the ledger file kept the last run (JSON)"
like "$out" '"S": ?4' "with the target's flag histogram (one S gone, one copied)"

# A user whose Maildir cannot be read fails alone.
run_mx ledger --from "local:$t/old" --to "local:$t/new" \
    --user ann:/home/ann/Maildir:/home/ann/Maildir --user bob:/home/bob:/home/bob --file "$L"
like "$out" '^bob +PROBLEM' "bob's failure is listed"
like "$out" '^ann ' "and ann is still checked"
is "$(cd "$t/old" && find . -printf '%p %s %T@ %m\n' | sort)" "$before" "the old host is left exactly as it was"
done_testing
