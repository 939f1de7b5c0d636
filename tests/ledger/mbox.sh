#!/bin/bash
# The ledger for an mbox source: after mxmove transfer converts the mbox,
# counts, bytes, the flag histogram (Status/X-Status), the From_ date range
# and the UIDLs (X-UIDL) agree with the Maildir on the target; a flag and a
# date changed on the target are each reported, by user and message.
. "$top_srcdir/tests/lib.sh"
t=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$t"' EXIT
mkdir -p "$t/old/var/mail" "$t/new/home/carl"
mb=$t/old/var/mail/carl
{
	printf 'From MAILER-DAEMON Mon Nov  2 09:00:00 2026\nDate: Mon, 2 Nov 2026 09:00:00 +0000\n'
	printf 'From: Mail System Internal Data <MAILER-DAEMON@old>\n'
	printf 'Subject: DON'"'"'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA\n'
	printf 'X-IMAP: 1700000000 0000000004\nStatus: RO\n\nThis text is part of the internal format.\n\n'
	printf 'From ann@example.org Mon Nov  2 10:00:00 2026\nSubject: one\nX-UIDL: u1\nStatus: RO\n\nfirst\n\n'
	printf 'From bob@example.org Tue Nov  3 11:30:00 2026\nSubject: two\nX-UIDL: u2\nStatus: RO\nX-Status: AF\n\nsecond\n>From the start\n\n'
	printf 'From ann@example.org Wed Nov  4 12:00:00 2026\nSubject: three\nX-UIDL: u3\nStatus: O\nX-Status: T\n\ndraft\n\n'
	printf 'From ann@example.org Thu Nov  5 13:00:00 2026\nSubject: four\nStatus: RO\nX-Status: D\n\ntrashed\n\n'
	printf 'From ann@example.org Fri Nov  6 14:00:00 2026\nSubject: five\n\nnew and unread\n\n'
	printf 'From ann@example.org Sat Nov  7 15:00:00 2026\nSubject: five\n\nnew and unread\n'
} >"$mb"
before=$(cd "$t/old" && find . -printf '%p %s %T@ %m\n' | sort)

run_mx transfer --from "local:$t/old" --to "local:$t/new" \
    --user "carl:/var/mail/carl:/home/carl/Maildir:$(id -u):$(id -g)" --state "$t/state"
is "$rc" 0 "transfer converts and copies carl's mbox"

L=$t/ledger.json
run_mx ledger --from "local:$t/old" --to "local:$t/new" \
    --user carl:/var/mail/carl:/home/carl/Maildir --file "$L"
is "$rc" 0 "the ledger agrees after the transfer"
like "$out" '^carl +ok +src 6 msgs ([0-9]+) B +dst 6 msgs \1 B' \
    "six messages, the same bytes on both sides (the pseudo message left out)"
like "$out" 'flags D1 F1 P0 R1 S3 T1' "the histogram: draft, flagged, replied, 3 seen, trashed"
like "$out" 'missing 0  flags-differ 0  dates-differ 0  dups 1' \
    "flags and dates equal, nothing missing, the one repeated text counted"

run_mx ledger --file "$L" --json
like "$out" '"first": ?1793613600' "the source's first date is the first From_ line's"
like "$out" '"last": ?1794063600' "the last date is the last From_ line's"
like "$out" '"uidl_total": ?3' "three X-UIDL headers on the source"
like "$out" '"uidl_same": ?3' "all three found on the target"
src_flags=$(printf '%s\n' "$out" | tr -d ' \n' | grep -o '"source":{[^}]*"flags":{[^}]*}' | grep -o '"flags":{[^}]*}')
dst_flags=$(printf '%s\n' "$out" | tr -d ' \n' | grep -o '"target":{[^}]*"flags":{[^}]*}' | grep -o '"flags":{[^}]*}')
is "$dst_flags" "$src_flags" "the flag histograms are equal on both sides"

# A flag changed on the target (the flagged message loses F) and a date.
nmd=$t/new/home/carl/Maildir
f=$(ls "$nmd"/cur/*:2,FRS)
mv "$f" "${f%:2,FRS}:2,RS"
g=$(ls "$nmd"/cur/*:2,DS 2>/dev/null || ls "$nmd"/cur/*:2,D)
touch -d @1600000000 "$g"
run_mx ledger --from "local:$t/old" --to "local:$t/new" \
    --user carl:/var/mail/carl:/home/carl/Maildir --file "$L"
is "$rc" 1 "a changed flag makes the ledger exit 1"
like "$out" '^carl +PROBLEM ' "carl is reported"
like "$out" 'flags-differ 1  dates-differ 1' "one flag and one date differ"
k=${f##*/cur/}
like "$out" "flags differ: /${k%%:2,*}\\)" "the message is named"
is "$(cd "$t/old" && find . -printf '%p %s %T@ %m\n' | sort)" "$before" "the old host is left exactly as it was"

# An mboxrd spool: the ledger reads it as the transfer did (--mbox-format).
printf 'From a@example.org Mon Nov  2 10:00:00 2026\nSubject: rd\n\n>>From quoted twice\n' \
    >"$t/old/var/mail/dan"
mkdir -p "$t/new/home/dan"
run_mx transfer --from "local:$t/old" --to "local:$t/new" --mbox-format mboxrd \
    --user "dan:/var/mail/dan:/home/dan/Maildir:$(id -u):$(id -g)" --state "$t/state"
is "$rc" 0 "transfer of an mboxrd spool"
run_mx ledger --from "local:$t/old" --to "local:$t/new" --mbox-format mboxrd \
    --user dan:/var/mail/dan:/home/dan/Maildir --file "$t/dan.json"
is "$rc" 0 "the ledger with --mbox-format mboxrd agrees"
like "$out" '^dan +ok +src 1 msgs' "one message on both sides"
run_mx ledger --from "local:$t/old" --to "local:$t/new" \
    --user dan:/var/mail/dan:/home/dan/Maildir --file "$t/dan.json"
is "$rc" 1 "read as mboxo, the unquoting differs and the ledger says so"
run_mx ledger --from "local:$t/old" --to "local:$t/new" --mbox-format mbox \
    --user dan:/var/mail/dan:/home/dan/Maildir --file "$t/dan.json"
is "$rc" 2 "an unknown mbox format is a usage error"
done_testing
