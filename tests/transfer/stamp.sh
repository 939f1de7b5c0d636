#!/bin/bash
# The directories' times of the last verified pass (STATE/manifest/
# USER.stamp): a pass finds a user whose Maildir directories are all as
# that pass left them, on both hosts, without listing a message; mail
# delivered, flagged, moved or deleted on either side, or a new folder,
# makes it list and copy again; times within 2 s of a listing are not
# recorded; a damaged or foreign stamp is ignored; verify reads all.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
lab_enter "$@"

OLD=$LAB/old NEW=$LAB/new ST=$LAB/state
A=$OLD/home/alice/Maildir B=$NEW/home/alice/Maildir
put_msg "$A" new/1700000001.M1P1.old.example.test "first"
put_msg "$A" cur/1700000002.M2P2.old.example.test:2,S "second"
put_msg "$A" .Sent/cur/1700000003.M3P3.old.example.test:2,S "third"
mkdir -p "$A/tmp" "$A/.Sent/new" "$A/.Sent/tmp"
mkdir -p "$NEW/home/alice" && chown 2001:2001 "$NEW/home/alice"
S=$ST/manifest/alice.stamp
n=0
mx() {	# mx VERB ARGS: one pass, its audit log in $LAB/audit.N
	n=$((n + 1))
	run_mx "$1" --from "local:$OLD" --to "local:$NEW" --state "$ST" \
	    --audit "$LAB/audit.$n" --user alice "${@:2}"
}
listed() {	# how many Maildirs pass N listed message by message
	grep -c -- '-maxdepth 3' "$LAB/audit.$1"
}
asked() {	# how many commands of pass N asked for directories' times
	grep -c -- '-maxdepth 0' "$LAB/audit.$1"
}
age() { sleep 3; }	# past the 2 s within which times are not recorded

age
mx transfer
is "$rc" 0 "first pass exits 0"
like "$out" 'alice: verified: 3 copied' "copies the three messages"
ok "$([ -f "$S" ] && [ "$(stat -c %a "$S")" = 600 ]; echo $?)" \
    "records the stamp, mode 0600 (the target's times just changed, by the copy: they are its own)"
ok "$([ "$(listed 1)" -gt 0 ]; echo $?)" "it lists the Maildirs"
is "$(grep -c '^S' "$S") $(grep -c '^D' "$S")" "6 6" \
    "six directories a side (the Maildir, new, cur, .Sent, .Sent/new, .Sent/cur; no tmp)"

mx transfer
is "$rc" 0 "a pass with nothing new exits 0"
like "$out" 'alice: verified: 0 copied \(0 bytes\), 3 already there, 0 refused; source 3 messages \([0-9]+ bytes\), target 3 messages' \
    "reports the verified counts"
like "$out" 'unchanged since the last verified pass' "says why nothing was listed"
is "$(listed $n)" 0 "no Maildir is listed"
is "$(asked $n)" 2 "one question per host"
J=$(grep -l alice "$ST"/journal* | head -n 1)
is "$(tail -n 1 "$J" | cut -f 2,3)" "$(printf 'alice\tdone')" "the journal says done"

# New mail on the old host.
put_msg "$A" new/1700000004.M4P4.old.example.test "fourth"
mx transfer
like "$out" 'alice: verified: 1 copied' "new mail on the old host is copied"
mx transfer
like "$out" 'alice: verified: 0 copied .* source 4 messages' "the next pass verifies it"
unlike "$out" 'unchanged since' "listed again: delivered just before the last listing, by the old host's clock"
age
mx transfer
mx transfer
like "$out" 'unchanged since' "then, settled, finds it unchanged"

# A client flags a message on the new host (a rename in cur/).
mv "$B/cur/1700000002.M2P2.old.example.test:2,S" "$B/cur/1700000002.M2P2.old.example.test:2,RS"
mx transfer
unlike "$out" 'unchanged since' "a message flagged on the target: listed again"
is "$(listed $n)" 2 "both Maildirs listed"
like "$out" 'alice: verified: 0 copied' "and verified"

# A message deleted on the new host is copied again.
age
mx transfer
rm "$B/new/1700000001.M1P1.old.example.test"
mx transfer
like "$out" 'alice: verified: 1 copied' "a message deleted on the target is copied again"
is "$(cat "$B/new/1700000001.M1P1.old.example.test")" "$(cat "$A/new/1700000001.M1P1.old.example.test")" \
    "with its content"

# A new, empty folder on the old host: made on the new one.
age
mx transfer
mkdir -p "$A/.Drafts/new" "$A/.Drafts/cur" "$A/.Drafts/tmp"
put_msg "$A" .Drafts/cur/1700000005.M5P5.old.example.test:2,D "draft"
mx transfer
like "$out" 'alice: verified: 1 copied' "a new folder on the old host is copied"
ok "$([ -f "$B/.Drafts/cur/1700000005.M5P5.old.example.test:2,D" ]; echo $?)" "into its folder"

# A message moved between folders on the old host (two directories).
age
mx transfer
is "$(grep -c '^S' "$S")" 9 "the new folder's directories are recorded"
mv "$A/.Drafts/cur/1700000005.M5P5.old.example.test:2,D" "$A/cur/"
mx transfer
like "$out" 'alice: verified: 1 copied' "a message moved to another folder is copied there"

# Damaged or foreign stamps are not trusted.
age
mx transfer
mx transfer
like "$out" 'unchanged since' "(unchanged again)"
sed -i '$d' "$S"
mx transfer
unlike "$out" 'unchanged since' "a stamp cut short: listed"
is "$(grep -c '^end' "$S")" 1 "and recorded anew"
mx transfer
like "$out" 'unchanged since' "(unchanged again)"
sed -i '1s|/home/alice/Maildir$|/home/bob/Maildir|' "$S"
mx transfer
unlike "$out" 'unchanged since' "a stamp made for another directory: listed"

# Times changed within the last 2 s are not recorded.
touch "$A/new"
mx transfer
ok "$([ ! -e "$S" ]; echo $?)" "a directory changed just now: the stamp goes"
mx transfer
unlike "$out" 'unchanged since' "so the next pass lists"
age
mx transfer
mx transfer
like "$out" 'unchanged since' "and once it has aged, one is recorded again"

# The hosts' own clocks decide what is recent, not this machine's: with
# mxmove's clock an hour ahead (faketime, for mxmove alone), a directory
# changed just now on the old host is still not recorded.
skewed="$LAB/mxmove-skewed"
printf '#!/bin/sh\nFAKETIME_ONLY_CMDS=mxmove ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" exec faketime -f +1h %s "$@"\n' \
    "$MXMOVE" >"$skewed" && chmod +x "$skewed"
REAL_MXMOVE=$MXMOVE MXMOVE=$skewed
age
mx transfer
touch "$A/new"
mx transfer
is "$rc" 0 "with this machine's clock an hour ahead: the pass exits 0"
ok "$([ ! -e "$S" ]; echo $?)" "a directory the old host changed just now is not recorded"
MXMOVE=$REAL_MXMOVE
# A host without date(1): its clock is not known, nothing is recorded.
mkdir -p "$LAB/nodate" && printf '#!/bin/sh\nexit 127\n' >"$LAB/nodate/date" && chmod +x "$LAB/nodate/date"
age
PATH=$LAB/nodate:$PATH mx transfer
is "$rc" 0 "a host without date(1): the pass exits 0"
ok "$([ ! -e "$S" ]; echo $?)" "and records no stamp"
like "$out" 'its clock could not be read .*the next pass lists and reads every message again' \
    "and says so"
rm -f "$ST/manifest/alice"
PATH=$LAB/nodate:$PATH mx transfer
ok "$([ -f "$ST/manifest/alice" ] && [ "$(grep -c "^end	0" "$ST/manifest/alice")" = 1 ]; echo $?)" \
    "nor any message in the manifest"
age
mx transfer
mx transfer
like "$out" 'unchanged since' "with date(1) back, one is recorded again"

# An interrupted pass (the journal's "start") is listed: its stage goes.
printf '%s\talice\tstart\t\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$J"
mkdir -p "$B/mxmove-stage/cur" && put_msg "$B" mxmove-stage/cur/1700000009.M9P9.old.example.test "half"
mx transfer
unlike "$out" 'unchanged since' "after an interrupted pass: listed"
like "$out" 'resuming after an interrupted pass' "and resumed"
ok "$([ ! -e "$B/mxmove-stage" ]; echo $?)" "its stage is gone"

# verify reads everything, whatever the stamp says.
age
mx transfer
mx transfer
like "$out" 'unchanged since' "(unchanged again)"
printf 'tampered' >"$B/cur/1700000002.M2P2.old.example.test:2,RS"
mx verify
is "$rc" 1 "verify finds a message rewritten in place"
like "$out" 'differs' "and names it"
done_testing
