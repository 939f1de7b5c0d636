#!/bin/bash
# The manifest of the last verified pass (STATE/manifest/USER): a pass
# with nothing new reads no message; a message changed or gone on either
# side since (its ctime moves, even when its mtime is set back) is read
# again, or copied again when it vanished; a damaged manifest is ignored.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
lab_enter "$@"

OLD=$LAB/old NEW=$LAB/new ST=$LAB/state
A=$OLD/home/alice/Maildir B=$NEW/home/alice/Maildir
put_msg "$A" new/1700000001.M1P1.old.example.test "first" 1700000001
put_msg "$A" cur/1700000002.M2P2.old.example.test:2,S "second" 1700000002
put_msg "$A" .Sent/cur/1700000003.M3P3.old.example.test:2,S "third" 1700000003
mkdir -p "$NEW/home/alice" && chown 2001:2001 "$NEW/home/alice"
# A source message changed in the last 2 s is not recorded (its ctime
# could still move within the clock's tick): let these age.
sleep 3
M=$ST/manifest/alice
n=0
mx() {	# mx VERB ARGS: one pass, its audit log in $LAB/audit.N
	n=$((n + 1))
	run_mx "$1" --from "local:$OLD" --to "local:$NEW" --state "$ST" \
	    --audit "$LAB/audit.$n" --user alice "${@:2}"
}
reads() {	# the messages read for their digest in pass N, on HOST (the
	# digest program is the shell function S: openssl dgst or sha256sum)
	grep -P "^\S+\t\S*$2\t" "$LAB/audit.$1" | grep -oE '(sha256sum --|&& S) .*' |
	    tr ' ' '\n' | grep -c '/1700'
}

mx transfer
is "$rc" 0 "first pass exits 0"
like "$out" 'alice: verified: 3 copied' "three messages copied and verified"
ok "$([ -f "$M" ] && [ "$(stat -c %a "$M")" = 600 ]; echo $?)" "the manifest is kept, mode 0600"
is "$(tail -n 1 "$M")" "$(printf 'end\t3')" "it records the three messages"
is "$(reads 1 old)" 0 "the copied messages are not read again on the old host"

mx transfer
is "$rc" 0 "a pass with nothing new exits 0"
like "$out" 'alice: verified: 0 copied .* source 3 messages' "and verifies"
is "$(reads 2 old)$(reads 2 new)" 00 "without reading a message on either host"

# A message vanishes on the target: copied again.
rm "$B/new/1700000001.M1P1.old.example.test"
mx transfer
is "$rc" 0 "after a message vanished on the target: exit 0"
like "$out" 'alice: verified: 1 copied' "the vanished message is copied again"
is "$(cat "$B/new/1700000001.M1P1.old.example.test")" "$(cat "$A/new/1700000001.M1P1.old.example.test")" \
    "with its content"

# A client renames a message on the old host (flags): read again there.
mv "$A/cur/1700000002.M2P2.old.example.test:2,S" "$A/cur/1700000002.M2P2.old.example.test:2,RS"
sleep 3
mx transfer
is "$rc" 0 "after a rename on the old host: exit 0"
is "$(reads 4 old) $(reads 4 new)" "1 1" "that one message is read again on both sides"

# Content changed on the target, same size, mtime set back: the ctime
# tells, and the message is named.
T=$B/.Sent/cur/1700000003.M3P3.old.example.test:2,S
cp -p "$T" "$LAB/saved"
sed -i 's/third/THIRD/' "$T"
touch -r "$LAB/saved" "$T"
is "$(stat -c '%s %Y' "$T")" "$(stat -c '%s %Y' "$LAB/saved")" "(same size and mtime as before)"
mx transfer
is "$rc" 1 "a message changed on the target: exit 1"
like "$out" 'content differs \(SHA-256\): \.Sent/cur/1700000003' "the changed message is named"
is "$(reads 5 new)" 1 "only that message is read again"
mx transfer
is "$rc" 1 "the next pass still finds it (a failed pass records nothing)"

# Put it right; a damaged manifest is not trusted: everything is read.
cp -p "$LAB/saved" "$T"
mx transfer
is "$rc" 0 "repaired: exit 0"
sed -i '$d' "$M"
rm -f "$ST/manifest/alice.stamp"	# (or the directories alone would tell)
mx transfer
is "$rc" 0 "a manifest cut short: exit 0"
is "$(reads 8 old) $(reads 8 new)" "3 3" "it is not trusted: every message read on both sides"
is "$(tail -n 1 "$M")" "$(printf 'end\t3')" "and it is written anew"
mx transfer
is "$(reads 9 old)$(reads 9 new)" 00 "the next pass reads nothing"

# A source message changed just now is read, but not recorded yet.
# (A change in place moves no directory's times: without the stamp
# (tests/transfer/stamp.sh), every pass lists, and the manifest decides.)
nostamp() { rm -f "$ST/manifest/alice.stamp"; }
touch "$A/new/1700000001.M1P1.old.example.test"
nostamp; mx transfer
is "$(reads $n old)" 1 "a source message changed just now is read again"
nostamp; mx transfer
is "$(reads $n old)" 1 "and once more while its ctime is recent"
sleep 3
nostamp; mx transfer
nostamp; mx transfer
is "$(reads $n old)" 0 "then it is recorded"

# Another target directory: the manifest does not apply.
mkdir -p "$NEW/home/alice2" && chown 2001:2001 "$NEW/home/alice2"
n=$((n + 1))
run_mx transfer --from "local:$OLD" --to "local:$NEW" --state "$ST" \
    --audit "$LAB/audit.$n" --user "alice:/home/alice/Maildir:/home/alice2/Maildir"
is "$rc" 0 "a pass to another directory exits 0"
like "$out" 'alice: verified: 3 copied' "copies all three there"

# verify reads everything, whatever the manifest says.
sed -i 's/first/FIRST/' "$B/new/1700000001.M1P1.old.example.test"
touch -d @1700000001 "$B/new/1700000001.M1P1.old.example.test"
mx verify
is "$rc" 1 "verify finds a changed message"
like "$out" 'content differs \(SHA-256\): new/1700000001' "and names it"
done_testing
