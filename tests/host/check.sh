#!/bin/bash
# mxmove check HOST: key verification with the fingerprint shown, user,
# system, MTA, mail layout, free space; exit 0 only for a usable host.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
lab_enter "$@"
. "$top_srcdir/tests/lab/sshd.sh"

PW='check-Pw9'
# A fingerprint holds + and /: escape it for a regex.
re() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'; }
lab_host_user old olduser 1001 1001 /home/olduser "$(openssl passwd -6 "$PW")"
lab_host_user old noshell 1003 1003 /home/noshell '*' /usr/sbin/nologin
R=$(lab_root old)
mkdir -p "$R/var/qmail/control" "$R/var/qmail/bin" \
    "$R/home/vpopmail/domains/example.org" "$R/home/vpopmail/domains/example.net"
echo old.example.org >"$R/var/qmail/control/me"
echo ./Maildir/ >"$R/var/qmail/control/defaultdelivery"
printf 'From a@b Mon Jan  1 00:00:00 2024\n\nhi\n' >"$R/var/spool/mail/olduser"
lab_start_sshd old "$LAB_OLD"
lab_start_sshd new "$LAB_NEW"

run_mx check old
is "$rc" 0 "check old: usable"
like "$out" "^Host key: +$(re "$LAB_SSH_FP_old") \\(verified against known_hosts\\)" \
    "prints the verified fingerprint"
like "$out" '^User: +root \(uid 0\)' "the remote user"
like "$out" '^System: +.*Linux' "the system"
like "$out" '^MTA: +qmail \(me: old\.example\.org\)' "qmail, with its name"
like "$out" 'vpopmail domains: /home/vpopmail/domains \(2\)' "vpopmail, domains counted"
like "$out" 'qmail, system users, ~/Maildir: /home' "qmail Maildirs in homes"
like "$out" 'mbox spool: /var/spool/mail \(1\)' "the mbox spool"
like "$out" '[0-9.]+ (GiB|MiB|TiB) free of [0-9.]+ (GiB|MiB|TiB)' "free space where mail lives"
like "$out" '^Result: +usable' "says usable"

run_mx check new
is "$rc" 0 "check new: usable"
unlike "$out" 'qmail|vpopmail' "new has no qmail: each host is looked at on its own"

# Unknown key: refused with the fingerprint, then accepted explicitly.
KH=$LAB/kh
run_mx check old --known-hosts "$KH"
is "$rc" 1 "an unknown key: exit 1"
like "$out" "^Host key: +$(re "$LAB_SSH_FP_old") \\(not known\\)" "its fingerprint is shown"
like "$out" "accept it with: mxmove check old --accept-key $(re "$LAB_SSH_FP_old")" \
    "and how to accept it"
run_mx check old --known-hosts "$KH" --accept-key SHA256:wrongwrongwrongwrongwrongwrongwrongwrongwro
is "$rc" 1 "another fingerprint is not accepted"
run_mx check old --known-hosts "$KH" --accept-key "$LAB_SSH_FP_old"
is "$rc" 0 "the right fingerprint is accepted"
like "$out" "^Host key: +$(re "$LAB_SSH_FP_old") \\(accepted\\)" "and shown"
run_mx check old --known-hosts "$KH"
is "$rc" 0 "then it is known"

# Password from a file descriptor (the key hidden), never argv/env.
mv "$LAB_SSH_KEY" "$LAB/hidden"
run_mx check "ssh://olduser@$LAB_OLD" --known-hosts "$LAB_KNOWN_HOSTS" --password-fd 3 3<<<"$PW"
is "$rc" 0 "password through --password-fd"
like "$out" '^User: +olduser \(uid 1001\)' "logged in as that user"
run_mx check "ssh://olduser@$LAB_OLD" --known-hosts "$LAB_KNOWN_HOSTS" </dev/null
is "$rc" 1 "no key, no password: exit 1"
like "$out" 'permission denied \(publickey,password\) for user olduser' "says why"
mv "$LAB/hidden" "$LAB_SSH_KEY"

# Logged in, but commands do not run (a nologin shell): not usable.
run_mx check "ssh://noshell@$LAB_OLD"
is "$rc" 1 "a user whose commands do not run: exit 1"
like "$out" 'cannot run a command' "says so"
unlike "$out" 'Result: +usable' "and never says usable"

run_mx check --identity "$LAB_SSH_KEY" --known-hosts "$LAB_KNOWN_HOSTS" "ssh://root@$LAB_OLD"
is "$rc" 0 "--identity"

# A changed key.
OLDFP=$LAB_SSH_FP_old
lab_sshd_rekey old
run_mx check old
is "$rc" 1 "a changed key: exit 1"
like "$out" "old: host key changed \\(was $(re "$OLDFP"), now $(re "$LAB_SSH_FP_old")\\); refusing to connect" \
    "shows the old and the new fingerprint"
unlike "$out" 'accept it with' "and does not offer to accept it"

run_mx check "ssh://root@$LAB_DEAD"
is "$rc" 1 "a dead host: exit 1"
like "$out" "cannot connect to $LAB_DEAD port 22" "says so"

# A copied disk as a rooted local host.
run_mx check "local:$R"
is "$rc" 0 "local:ROOT is usable"
like "$out" '^Host key: +none \(local\)' "no key for a local host"
like "$out" '^MTA: +qmail \(me: old\.example\.org\)$' "its qmail"
like "$out" 'vpopmail domains: /home/vpopmail/domains \(2\)' "its vpopmail"

run_mx check
is "$rc" 2 "no HOST: exit 2"
run_mx check old new
is "$rc" 2 "two HOSTs: exit 2"
run_mx check old --accept-key abc
is "$rc" 2 "a malformed fingerprint: exit 2"
run_mx check old --password-fd 77
is "$rc" 2 "a closed --password-fd: exit 2"
run_mx check local:relative
is "$rc" 2 "a relative local root: exit 2"
done_testing
