#!/bin/bash
# Fault run: a folder is made on the old host (an IMAP client, a filter)
# after mxmove listed the Maildir and before `tar c` reads it, with a
# message in it; a message also arrives in a folder the target knows.
# The pass must not fail on the folder the target lacks (it used to:
# "cannot move .Late/new/... into place: No such file or directory"): it
# takes the message for the known folder, leaves the new folder for the
# next pass, and that pass brings it. Into a local target and through
# tar x (what a remote target gets).
. "$top_srcdir/tests/lib.sh"
command -v python3 >/dev/null || skip_all "python3 is missing"
T=$(mktemp -d /tmp/mxlate.XXXXXX) || bail "mktemp"
trap 'rm -rf "$T"' EXIT

# The old host's tar c: first the arrivals, then the real tar.
mkdir -p "$T/bin"
cat >"$T/bin/tar" <<'FAKE'
#!/bin/sh
case "$1" in
c*)	M=$MX_LATE_MAILDIR
	if [ ! -d "$M/.Late" ]; then
		mkdir -p "$M/.Late/new" "$M/.Late/cur" "$M/.Late/tmp"
		printf 'Subject: late folder\n\nlate\n' >"$M/.Late/new/1700000099.9.old.example.test"
		printf 'Subject: late inbox\n\nlate\n' >"$M/.Sent/new/1700000098.8.old.example.test"
	fi ;;
esac
exec /usr/bin/tar "$@"
FAKE
chmod 755 "$T/bin/tar"

i=0
for via in "" "--via-tar"; do
	i=$((i + 1))
	OLD=$T/old$i NEW=$T/new$i
	M=$OLD/home/kim/Maildir
	mkdir -p "$M/new" "$M/cur" "$M/tmp" "$M/.Sent/new" "$M/.Sent/cur" "$M/.Sent/tmp" "$NEW/home/kim"
	printf 'Subject: one\n\n1\n' >"$M/new/1700000001.1.old.example.test"
	printf 'Subject: two\n\n2\n' >"$M/.Sent/cur/1700000002.2.old.example.test:2,S"
	name=${via:-disk}
	out=$(MX_LATE_MAILDIR=$M PATH="$T/bin:$PATH" "$MXMOVE" transfer --from "local:$OLD" \
	    --to "local:$NEW" --state "$T/state$i" --user kim $via 2>&1)
	rc=$?
	is "$rc" 0 "$name: a folder made during the pass does not fail it"
	like "$out" "kim: verified: 3 copied .*source 3 messages" \
	    "$name: the two listed messages and the late one in a known folder"
	ok "$([ ! -e "$NEW/home/kim/Maildir/.Late" ]; echo $?)" "$name: the new folder waits for the next pass"
	out=$("$MXMOVE" transfer --from "local:$OLD" --to "local:$NEW" --state "$T/state$i" --user kim 2>&1)
	rc=$?
	is "$rc" 0 "$name: the next pass exits 0"
	like "$out" "kim: verified: 1 copied .*3 already there.*source 4 messages" "$name: the next pass brings the late folder's message"
	is "$(cat "$NEW/home/kim/Maildir/.Late/new/1700000099.9.old.example.test")" "$(printf 'Subject: late folder\n\nlate')" \
	    "$name: the message is whole in its folder"
	ok "$([ -f "$NEW/home/kim/Maildir/.Late/maildirfolder" ]; echo $?)" "$name: the folder is a Maildir++ folder"
	is "$(find "$NEW/home/kim/Maildir" -type f -path '*/new/*' -o -type f -path '*/cur/*' | wc -l)" 4 "$name: four messages, none twice"
done
done_testing
