#!/bin/bash
# Users taken in groups (one listing per host for the whole group): every
# kind of source and target side by side in one group - Maildirs, a
# missing source, an mbox, a Maildir reached through a symbolic link, a
# file where the target Maildir belongs - each user ends as it would
# alone. GROUPS_VIA=--via-tar (groups-via-tar.sh) runs the same through
# tar x and its shared streams, the way a remote target is written; the
# Maildirs are named with a trailing '/' there.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
lab_enter "$@"

OLD=$LAB/old NEW=$LAB/new ST=$LAB/state
: >"$LAB/map"
for i in $(seq -w 0 16); do
	put_msg "$OLD/home/u$i/Maildir" "cur/1700000001.M1P$i.old:2,S" "one $i"
	put_msg "$OLD/home/u$i/Maildir" ".Sent/new/1700000002.M2P$i.old" "two $i"
	mkdir -p "$NEW/home/u$i"
	echo "u$i /home/u$i/Maildir${GROUPS_VIA:+/} /home/u$i/Maildir 3000 3000" >>"$LAB/map"
done
# u17: no source; u18: an mbox; u19: a Maildir through a symbolic link;
# u20: a file where the target Maildir belongs.
printf 'From a@example.test Mon Nov  2 10:00:00 2026\nSubject: m\n\nmbox\n' >"$OLD/home/mbox18"
put_msg "$OLD/real19/Maildir" "new/1700000003.M3P19.old" "linked"
mkdir -p "$OLD/home/u19" && ln -s ../../real19/Maildir "$OLD/home/u19/Maildir"
put_msg "$OLD/home/u20/Maildir" "new/1700000004.M4P20.old" "to a file"
mkdir -p "$NEW/home/u18" "$NEW/home/u19" "$NEW/home/u20"
echo "not a Maildir" >"$NEW/home/u20/Maildir"
cat >>"$LAB/map" <<MAP
u17 /home/u17/Maildir /home/u17/Maildir 3000 3000
u18 /home/mbox18 /home/u18/Maildir 3000 3000
u19 /home/u19/Maildir /home/u19/Maildir 3000 3000
u20 /home/u20/Maildir /home/u20/Maildir 3000 3000
MAP

mx() { run_mx transfer --from "local:$OLD" --to "local:$NEW" --state "$ST" \
    --map "$LAB/map" --jobs 1 ${GROUPS_VIA:-} "$@"; }
mx --audit "$LAB/audit.1"
is "$rc" 1 "two users fail: exit 1"
is "$(echo "$out" | grep -cE '^u(0[0-9]|1[0-6]): verified: 2 copied')" 17 "the 17 Maildirs copied and verified"
like "$out" 'u17: failed: .*/home/u17/Maildir does not exist' "the missing source is named"
like "$out" 'u18: verified: 1 copied' "the mbox converted and copied"
like "$out" 'u19: verified: 1 copied' "the Maildir behind a symbolic link copied"
like "$out" 'u20: failed: .*/home/u20/Maildir is a file, not a Maildir' "the file where a Maildir belongs is named"
is "$(cat "$NEW/home/u20/Maildir")" "not a Maildir" "and left as it was"
if [ -n "${GROUPS_VIA:-}" ]; then
	ok "$([ "$(grep -c 'tar cf - -C / ' "$LAB/audit.1")" -ge 2 ]; echo $?)" "copied in shared streams"
fi
lists=$(grep -c 'find -H' "$LAB/audit.1")
ok "$([ "$lists" -le 12 ]; echo $?)" "the 21 users listed in a few round trips ($lists)"
is "$(find "$NEW/home" -type f -path '*/Maildir/*' ! -name maildirfolder ! -name maildirsize | wc -l)" 36 \
    "36 messages on the target"
mx
is "$rc" 1 "a second pass: the same two users fail"
is "$(echo "$out" | grep -cE '^u(0[0-9]|1[0-6]): verified: 0 copied')" 17 "nothing copied again for the 17"
like "$out" 'u19: verified: 0 copied' "nor for the linked one"
done_testing
