#!/bin/bash
# The MTA verbs on a qmail host reached over ssh (the lab's sshd; qmail is
# not packaged for Debian 12, so the host holds a tree laid out as qmail
# lays it): queue counts, accept-for with its preview, the sticky-bit and
# remote-queue freezes and thaw (byte-identical), forward and its undo, a
# failing step rolled back, and bad command lines refused with status 2.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
lab_enter "$@"
. "$top_srcdir/tests/lab/sshd.sh"

R=$(lab_root old)
Q=$R/var/qmail
mkdir -p "$Q/control" "$Q/users" "$Q/bin" "$Q/queue/lock" "$Q/queue/intd"
for i in $(seq 0 22); do
	mkdir -p "$Q/queue/mess/$i" "$Q/queue/info/$i" "$Q/queue/local/$i" \
	    "$Q/queue/remote/$i" "$Q/queue/todo/$i"
done
# 6 messages: 1 not preprocessed, 2 local, 3 remote (one both local and remote)
for ino in 100 101 102 103 104 105; do
	echo "message $ino" >"$Q/queue/mess/$((ino % 23))/$ino"
done
echo u >"$Q/queue/todo/$((100 % 23))/100"
for ino in 101 102; do echo T >"$Q/queue/local/$((ino % 23))/$ino"; done
for ino in 102 103 104; do echo T >"$Q/queue/remote/$((ino % 23))/$ino"; done
printf '# names\nold.example.org\nexample.org\n' >"$Q/control/locals"
printf 'old.example.org\nexample.org\n' >"$Q/control/rcpthosts"
printf 'vpop.example:vpop.example\n' >"$Q/control/virtualdomains"
printf '+vpop.example-:vpop.example:89:89:/home/vpopmail/domains/vpop.example:-::\n.\n' \
    >"$Q/users/assign"
echo old.example.org >"$Q/control/me"
lab_host_user old joe 1001 1001 /home/joe
lab_host_user old ann 1002 1002 /home/ann
chmod 0711 "$R/home/ann"
lab_start_sshd old "$LAB_OLD"
cp -a "$Q" "$LAB/qmail.0"

# same_config: the control files and assign as they were at the start
# (backups beside them and the records aside)
same_config() {
	diff -r -x '*.mxmove-*' -x 'mxmove.*' -x queue "$LAB/qmail.0" "$Q" >"$LAB/diff.out"
}
mode() { stat -c %a "$1"; }

# --- queue ---------------------------------------------------------------
run_mx queue old
is "$rc" 0 "queue over ssh: exit 0"
like "$out" '^mta: qmail$' "qmail is detected over ssh"
like "$out" '^total: 6$' "6 messages in the queue"
like "$out" '^unpreprocessed: 1$' "1 not yet preprocessed"
like "$out" '^local: 2$' "2 with local deliveries"
like "$out" '^remote: 3$' "3 with remote deliveries"
run_mx queue old --json
like "$out" '"counts":\{"queue":6,"unpreprocessed":1,"local":2,"remote":3\}' "--json"

# --- accept-for ----------------------------------------------------------
run_mx accept-for old --domain new.example.org --dry-run
is "$rc" 0 "accept-for --dry-run: exit 0"
like "$out" '^\+new\.example\.org$' "the preview adds the new host's name"
like "$out" '^\+\+\+ /var/qmail/control/rcpthosts$' "to rcpthosts"
same_config; ok $? "the dry run changed nothing"
run_mx accept-for old --domain new.example.org
is "$rc" 0 "accept-for: exit 0"
is "$(tail -n 1 "$Q/control/rcpthosts")" new.example.org "rcpthosts holds it"
is "$(cat "$Q/control/locals")" "$(cat "$LAB/qmail.0/control/locals")" "not locals (relay only)"
ls "$Q"/control/rcpthosts.mxmove-* >/dev/null 2>&1; ok $? "rcpthosts backed up beside itself"
run_mx accept-for old --undo
is "$rc" 0 "accept-for --undo: exit 0"
same_config; ok $? "accept-for undone: byte-identical"

# --- sticky freeze -------------------------------------------------------
run_mx freeze old --homes-under /home
is "$rc" 0 "freeze (sticky): exit 0"
like "$out" '^chmod 1755 /home/joe \(was 0755\)$' "the preview names joe's chmod"
is "$(mode "$R/home/joe")" 1755 "joe's home is sticky"
is "$(mode "$R/home/ann")" 1711 "ann's home is sticky"
like "$out" 'recorded in /var/qmail/mxmove.freeze' "the freeze is recorded on the host"
run_mx thaw old --dry-run
like "$out" '^chmod 0711 /home/ann \(was 1711\)$' "thaw --dry-run shows what it will do"
is "$(mode "$R/home/ann")" 1711 "and does nothing"
run_mx thaw old
is "$rc" 0 "thaw: exit 0"
like "$out" 'qmail-send is not running' "the ALRM step ran on the host (nothing to signal)"
is "$(mode "$R/home/joe")" 755 "joe's home is back"
is "$(mode "$R/home/ann")" 711 "ann's home is back"
run_mx thaw old
is "$rc" 1 "thaw again: exit 1"
like "$out" 'nothing to undo' "nothing is frozen"

# --- remote-queue freeze -------------------------------------------------
run_mx freeze old --method remote-queue --domain example.org --to new.example.org
is "$rc" 0 "freeze (remote queue): exit 0"
is "$(cat "$Q/control/concurrencyremote")" 0 "concurrencyremote 0"
is "$(cat "$Q/control/smtproutes")" "example.org:new.example.org" "smtproutes to the new host"
is "$(grep -c '^example.org$' "$Q/control/locals")" 0 "out of locals"
is "$(grep -c '^example.org$' "$Q/control/rcpthosts")" 1 "kept in rcpthosts"
run_mx thaw old
is "$rc" 0 "thaw: exit 0"
same_config; ok $? "freeze then thaw: configuration byte-identical"
test ! -e "$Q/control/concurrencyremote" -a ! -e "$Q/control/smtproutes"
ok $? "files the freeze created are gone"

# --- forward -------------------------------------------------------------
run_mx forward old --domain example.org --to '[127.0.0.3]'
is "$rc" 0 "forward: exit 0"
is "$(cat "$Q/control/smtproutes")" "example.org:[127.0.0.3]" "smtproutes to the address"
run_mx forward old --undo
is "$rc" 0 "forward --undo: exit 0"
same_config; ok $? "forward undone: byte-identical"

# A step that fails (vpopmail's domain: qmail-newu is not on this host)
# leaves everything as it was, and no record.
run_mx forward old --domain vpop.example --to new.example.org
is "$rc" 1 "forward of a vpopmail domain without qmail-newu: exit 1"
like "$out" 'qmail-newu.*exit status 127' "the failing command is named"
same_config; ok $? "every file put back as it was"
test ! -e "$Q/mxmove.forward"; ok $? "nothing recorded"

# --- bad command lines ---------------------------------------------------
run_mx freeze old --method melt
is "$rc" 2 "an unknown method: exit 2"
run_mx freeze old --mta exim
is "$rc" 2 "an unknown MTA: exit 2"
run_mx forward old --domain example.org --to 'new;reboot'
is "$rc" 2 "a relay host with shell characters: exit 2"
run_mx accept-for old --domain 'a:b'
is "$rc" 2 "a domain with ':' (would make a route): exit 2"
run_mx thaw
is "$rc" 2 "no HOST: exit 2"
run_mx thaw old --domain x
is "$rc" 2 "an option thaw does not take: exit 2"
same_config; ok $? "after all the refusals: byte-identical"

done_testing
