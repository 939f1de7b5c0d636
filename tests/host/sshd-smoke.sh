#!/bin/bash
# The lab's sshd: two hosts, each with its own /etc/passwd, /home and /var,
# reached with ssh and a verified host key; the suite's own view unchanged.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
lab_enter "$@"
. "$top_srcdir/tests/lab/sshd.sh"

command -v /usr/sbin/sshd >/dev/null || skip_all "openssh-server is missing"

lab_host_user old olduser 1001 1001 /home/olduser
lab_host_user new newuser 1002 1002 /home/newuser
echo old.example.org >"$(lab_root old)/var/qmail/me"
lab_start_sshd old "$LAB_OLD"
lab_start_sshd new "$LAB_NEW"

out=$(ssh old cat /etc/passwd 2>&1); rc=$?
is "$rc" 0 "ssh old: key auth, host key verified"
like "$out" '^olduser:x:1001:1001::/home/olduser:' "old shows its own /etc/passwd"
unlike "$out" '^newuser:' "old does not see new's users"

out=$(ssh new cat /etc/passwd 2>&1); rc=$?
is "$rc" 0 "ssh new: key auth, host key verified"
like "$out" '^newuser:' "new shows its own /etc/passwd"
unlike "$out" '^olduser:' "new does not see old's users"

is "$(ssh old cat /var/qmail/me 2>&1)" old.example.org "old's /var/qmail is the lab's"
is "$(ssh new 'test -e /var/qmail/me && echo yes || echo no' 2>&1)" no \
    "new's /var/qmail is its own"
is "$(ssh old hostname)" old.example.test "old has its own host name"
touch "$(lab_root old)/root/.old-root-home"
is "$(ssh old 'ls -A /root')" .old-root-home "old's /root is its own (no dotfiles of this machine)"
is "$(ssh old stat -c %U:%G /home/olduser)" olduser:olduser "home owned by its user"
is "$(ssh olduser@old id -un 2>&1)" olduser "a lab user logs in with the client key"
unlike "$(cat /etc/passwd)" '^olduser:' "the suite's /etc/passwd is unchanged"

# The host key really is checked: a known_hosts naming another key fails.
grep -v "^$LAB_OLD," "$LAB_KNOWN_HOSTS" >"$LAB/kh-wrong"
echo "$LAB_OLD,old $(cut -d' ' -f1,2 "$LAB/new/sshd/hostkey.pub")" >>"$LAB/kh-wrong"
out=$(ssh -o UserKnownHostsFile="$LAB/kh-wrong" old true 2>&1); rc=$?
ok $((rc == 0)) "a wrong key in known_hosts is refused"
like "$out" 'HOST IDENTIFICATION HAS CHANGED|Host key verification failed' \
    "ssh says the host key does not match"
like "$LAB_SSH_FP_old" '^SHA256:[A-Za-z0-9+/]{43}$' "LAB_SSH_FP_old is a SHA256 fingerprint"
is "$(ssh-keygen -l -E sha256 -F "$LAB_OLD" -f "$LAB_KNOWN_HOSTS" | awk '/^[^#]/ {print $3}')" \
    "$LAB_SSH_FP_old" "known_hosts holds old's fingerprint"

lab_start_agent
out=$(ssh -o IdentitiesOnly=no -o IdentityFile=/dev/null old 'echo agent-ok' 2>&1)
is "$out" agent-ok "the agent's key logs in"
done_testing
