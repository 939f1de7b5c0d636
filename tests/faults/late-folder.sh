#!/bin/bash
# Fault run: mail arrives on the old host after mxmove listed the Maildir
# and before `tar c` reads it. Pass 1: a new folder (an IMAP client, a
# filter) with a message, and a message in a folder the pass prepares.
# Pass 2: a message in a folder the target holds whole already (so the
# pass does not prepare it). A pass takes what arrived where it prepared
# the folder and leaves the rest for the next pass; it never fails on it
# (it used to: "cannot move .Late/new/... into place: No such file or
# directory") and never drops it (through tar x, a folder not prepared
# was not moved in). Into a local target and through tar x (what a
# remote target gets).
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
	n=$(cat "$M.count" 2>/dev/null || echo 0)
	echo $((n + 1)) >"$M.count"
	if [ "$n" = 0 ]; then
		mkdir -p "$M/.Late/new" "$M/.Late/cur" "$M/.Late/tmp"
		printf 'Subject: late folder\n\nlate\n' >"$M/.Late/new/1700000099.9.old.example.test"
		printf 'Subject: late sent\n\nlate\n' >"$M/.Sent/new/1700000098.8.old.example.test"
	elif [ "$n" = 1 ]; then
		printf 'Subject: later sent\n\nlater\n' >"$M/.Sent/new/1700000097.7.old.example.test"
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
	for n in 11 12 13 14 15 16; do
		printf 'Subject: %s\n\n%s\n' $n $n >"$M/new/17000000$n.$n.old.example.test"
	done
	out=$(MX_LATE_MAILDIR=$M PATH="$T/bin:$PATH" "$MXMOVE" transfer --from "local:$OLD" \
	    --to "local:$NEW" --state "$T/state$i" --user kim $via 2>&1)
	rc=$?
	is "$rc" 0 "$name: pass 2 exits 0"
	like "$out" "kim: verified: 7 copied .*3 already there.*source 10 messages" \
	    "$name: pass 2 brings the new folder's message and six new ones"
	is "$(cat "$NEW/home/kim/Maildir/.Late/new/1700000099.9.old.example.test")" "$(printf 'Subject: late folder\n\nlate')" \
	    "$name: the late folder's message is whole in its folder"
	ok "$([ -f "$NEW/home/kim/Maildir/.Late/maildirfolder" ]; echo $?)" "$name: the folder is a Maildir++ folder"
	ok "$([ ! -e "$NEW/home/kim/Maildir/.Sent/new/1700000097.7.old.example.test" ]; echo $?)" \
	    "$name: what arrived in a folder pass 2 did not prepare waits"
	out=$("$MXMOVE" transfer --from "local:$OLD" --to "local:$NEW" --state "$T/state$i" --user kim $via 2>&1)
	rc=$?
	is "$rc" 0 "$name: pass 3 exits 0"
	like "$out" "kim: verified: 1 copied .*10 already there.*source 11 messages" "$name: pass 3 brings it"
	is "$(cd "$NEW/home/kim/Maildir" && find . -type f -path './*new/*' -o -type f -path './*cur/*' | wc -l)" 11 \
	    "$name: the source's 11 messages, none twice"
	is "$(cd "$NEW/home/kim/Maildir" && find . -path '*/new/*' -o -path '*/cur/*' | sed 's/:.*//' | sort | uniq -d | wc -l)" 0 \
	    "$name: no unique name twice"
done
done_testing
