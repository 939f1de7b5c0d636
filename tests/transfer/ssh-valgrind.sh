#!/bin/bash
# A transfer over ssh (two sessions per worker, two workers, many commands
# each), then catch-up passes (the one that lists nobody asks both hosts
# from two threads), under valgrind: no read or write of memory that is not ours, in
# mxmove or in the libraries it drives. It found libssh calling the
# callbacks of a channel mxmove had freed (the server's close came later),
# which crashed one benchmark run in three.
. "$top_srcdir/tests/lib.sh"
command -v valgrind >/dev/null || skip_all "valgrind is missing"
if nm "$MXMOVE" 2>/dev/null | grep -q '__asan_init'; then
	skip_all "a sanitizer build: valgrind cannot run it"
fi
. "$top_srcdir/tests/lab/lab.sh"
lab_enter "$@"
. "$top_srcdir/tests/lab/sshd.sh"
command -v /usr/sbin/sshd >/dev/null || skip_all "openssh-server is missing"

RO=$(lab_root old) RN=$(lab_root new)
: >"$LAB/map"
for i in 1 2 3 4 5 6; do
	u=user$i
	lab_host_user old $u $((1100 + i)) $((1100 + i)) /home/$u
	lab_host_user new $u $((2100 + i)) $((2100 + i)) /home/$u
	md=$RO/home/$u/Maildir
	mkdir -p "$md"/{new,cur,tmp} "$md"/.Sent/{new,cur,tmp}
	for m in 1 2 3 4 5; do
		printf 'Subject: %s %s\n\nbody %s\n' $u $m $m >"$md/cur/170000000$m.$i$m.old.example.test:2,S"
	done
	printf 'Subject: sent\n\nsent\n' >"$md/.Sent/cur/1700000009.${i}9.old.example.test:2,S"
	chown -R $((1100 + i)):$((1100 + i)) "$RO/home/$u"
	echo "$u /home/$u/Maildir /home/$u/Maildir" >>"$LAB/map"
done
lab_start_sshd old "$LAB_OLD"
lab_start_sshd new "$LAB_NEW"

vgrun() {	# vgrun PROGRAM ARGS: under valgrind; $out, $rc, report in $LAB/vg
	out=$(valgrind -q --error-exitcode=99 --log-file="$LAB/vg" "$@" 2>&1)
	rc=$?
}
vg() { vgrun "$MXMOVE" "$@"; }

# The reader stops early (the server's close of that channel comes later)
# and the session goes on: libssh must no longer see the freed channel's
# callbacks.
vgrun "$top_builddir/tests/host/hostctl" old close-early \
    sh -c 'echo start; sleep 1; echo late'
is "$rc/$out" "0/again
again
again" "a stream closed early, then 3 commands on the same session"
is "$(grep -c '^==[0-9]*== [A-Z]' "$LAB/vg")" 0 "valgrind reports no error"
grep -m 20 '^==' "$LAB/vg" | sed 's/^/#   /'
vg transfer --from old --to new --map "$LAB/map" --jobs 2 --state "$LAB/state"
is "$rc" 0 "transfer of 6 users over ssh under valgrind exits 0"
is "$(grep -c '^==[0-9]*== [A-Z]' "$LAB/vg")" 0 "valgrind reports no error"
grep -m 20 '^==' "$LAB/vg" | sed 's/^/#   /'
is "$(echo "$out" | grep -c ': verified: 6 copied')" 6 "every user verified"

# Catch-up passes: the first lists and records the directories' times
# (aged past 2 s), the second asks both hosts at once and lists nobody.
sleep 3
vg transfer --from old --to new --map "$LAB/map" --jobs 2 --state "$LAB/state"
is "$rc" 0 "a catch-up pass under valgrind exits 0"
vg transfer --from old --to new --map "$LAB/map" --jobs 2 --state "$LAB/state"
is "$rc" 0 "the next one too"
is "$(echo "$out" | grep -c 'unchanged since the last verified pass')" 6 \
    "it finds every user unchanged"
is "$(grep -c '^==[0-9]*== [A-Z]' "$LAB/vg")" 0 "valgrind reports no error"
grep -m 20 '^==' "$LAB/vg" | sed 's/^/#   /'

vg verify --from old --to new --map "$LAB/map" --jobs 2
is "$rc" 0 "verify under valgrind exits 0"
is "$(grep -c '^==[0-9]*== [A-Z]' "$LAB/vg")" 0 "valgrind reports no error"
grep -m 20 '^==' "$LAB/vg" | sed 's/^/#   /'
done_testing
