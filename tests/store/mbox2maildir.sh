#!/bin/bash
# mbox2maildir: every variant and flag, dates as mtimes, re-runs that add
# only what is new, damage reported with byte offsets.
. "$top_srcdir/tests/lib.sh"

T=$(mktemp -d /tmp/mx-m2m.XXXXXX) || bail "mktemp"
trap 'rm -rf "$T"' EXIT

cat >"$T/inbox" <<'MBOX'
From MAILER-DAEMON Mon Nov  2 10:00:00 2026
Subject: DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA
X-IMAP: 1234567890 0000000004

This text is part of the internal format of your mail folder.

From alice@example.org Tue Nov  3 11:00:00 2026
From: alice@example.org
Subject: read and answered
Status: RO
X-Status: A
X-UIDL: UIDL-alice-1
X-UID: 1

>From the start of a line
>>From twice

From bob@example.org Wed Nov  4 12:30:45 2026
Subject: flagged draft deleted
Status: O
X-Status: FTD

body

From carol@example.org Thu Nov  5 01:02:03 2026
Subject: unread

fresh

MBOX

run_mx mbox2maildir "$T/inbox" "$T/md"
is "$rc" 0 "a clean mbox converts with status 0"
like "$out" '3 messages .* converted, 0 already there, 1 pseudo skipped, 0 damaged' \
    "three messages, the pseudo message skipped"
is "$(ls "$T/md/new" | wc -l)" 1 "the unread message is in new/"
is "$(ls "$T/md/cur" | wc -l)" 2 "read and old messages are in cur/"
f=$(grep -l 'read and answered' "$T"/md/cur/*)
like "$f" ':2,RS$' "Status R + X-Status A -> :2,RS"
like "$(basename "$f")" '^1793703600\.H[0-9a-f]{16}\.' "the From_ date is in the name"
is "$(stat -c %Y "$f")" 1793703600 "and is the file's mtime"
is "$(stat -c %a "$f")" 600 "files are 0600"
is "$(stat -c %a "$T/md")" 700 "the Maildir is 0700"
is "$(grep -c '^From the start' "$f")" 1 "mboxo: >From unquoted once"
is "$(grep -c '^>>From twice' "$f")" 1 "mboxo: >>From left alone"
is "$(grep -c '^X-UIDL: UIDL-alice-1' "$f")" 1 "X-UIDL kept"
is "$(grep -c '^X-UID: 1' "$f")" 1 "X-UID kept"
is "$(grep -c '^Status:' "$f")" 0 "Status: dropped"
like "$(grep -l 'flagged draft' "$T"/md/cur/*)" ':2,DFT$' "X-Status F T D -> :2,DFT"
is "$(tail -c 6 "$(ls -d "$T"/md/new/*)")" "fresh" "the separator blank line is not part of the message"

# A re-run adds nothing; a new message appended is the only one added,
# even after a client read a message and renamed it.
mv "$(ls -d "$T"/md/new/*)" "$T/md/cur/$(basename "$(ls -d "$T"/md/new/*)"):2,S"
run_mx mbox2maildir "$T/inbox" "$T/md"
is "$rc" 0 "re-run exits 0"
like "$out" '0 messages .* converted, 3 already there' "a re-run converts nothing"
printf 'From dave Fri Nov  6 08:00:00 2026\nSubject: later\n\nlate mail\n' >>"$T/inbox"
run_mx mbox2maildir "$T/inbox" "$T/md"
like "$out" '1 messages .* converted, 3 already there' "only the new message is added"
is "$(find "$T/md" -type f | wc -l)" 4 "four messages in all"

# mboxrd and mboxcl2
printf 'From a Mon Nov  2 10:00:00 2026\nSubject: rd\n\n>From one\n>>From two\n' >"$T/rd"
run_mx mbox2maildir --format mboxrd "$T/rd" "$T/rdmd"
f=$(ls -d "$T"/rdmd/new/*)
is "$(sed -n '3,4p' "$f" | tr '\n' '|')" "From one|>From two|" "mboxrd: one > removed from every >*From"
printf 'From a Mon Nov  2 10:00:00 2026\nContent-Length: 17\nSubject: cl\n\nFrom inside\nbody\n\nFrom b Tue Nov  3 10:00:00 2026\n\nsecond\n' >"$T/cl2"
run_mx mbox2maildir --format mboxcl2 "$T/cl2" "$T/clmd"
is "$rc" 0 "mboxcl2 converts"
is "$(ls "$T/clmd/new" | wc -l)" 2 "mboxcl2: an unquoted From line inside a body does not split"

# Damage: junk first, a Content-Length past the end; good mail still in.
printf 'junk\nFrom a Mon Nov  2 10:00:00 2026\nSubject: good\n\nok\n\nFrom b Tue Nov  3 10:00:00 2026\nContent-Length: 900\n\ncut short\n' >"$T/bad"
run_mx mbox2maildir --format mboxcl2 "$T/bad" "$T/badmd"
is "$rc" 1 "damage gives status 1"
like "$out" 'byte offset 0: 5 bytes that belong to no message' "junk reported at offset 0"
like "$out" 'byte offset 109: Content-Length 900 runs past the end' "overrun reported at its offset"
is "$(ls "$T/badmd/new" | wc -l)" 2 "both messages imported anyway"

# Bad usage and a missing file leave nothing behind.
run_mx mbox2maildir "$T/none" "$T/nomd"
is "$rc" 1 "a missing mbox: status 1"
ok "$([ ! -e "$T/nomd" ]; echo $?)" "and no Maildir made"
run_mx mbox2maildir --format mbx "$T/inbox" "$T/x"
is "$rc" 2 "an unknown format: status 2"
run_mx mbox2maildir onlyone
is "$rc" 2 "one argument: status 2"

# Owner option (root only).
if [ "$(id -u)" -eq 0 ]; then
	run_mx mbox2maildir --owner 1234:2345 "$T/inbox" "$T/owned"
	is "$(stat -c %u:%g "$T/owned" "$T/owned/cur" "$(ls -d "$T"/owned/new/*)" | sort -u)" \
	    "1234:2345" "--owner sets the owner of dirs and files"
fi
done_testing
