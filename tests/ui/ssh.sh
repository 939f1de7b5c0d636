#!/bin/bash
# The wizard against a real sshd (the lab): an unknown host key is shown
# with its fingerprint and recorded only when accepted; the password is
# asked without echo and never logged; a changed key is refused.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
lab_enter "$@"
. "$top_srcdir/tests/lab/sshd.sh"
. "$top_srcdir/tests/ui/tmux.sh"
trap 'ui_cleanup; lab_cleanup' EXIT

PW='wz-Pass!w0rd'
lab_host_user old olduser 1001 1001 /home/olduser "$(openssl passwd -6 "$PW")"
lab_start_sshd old "$LAB_OLD"
fp_var=LAB_SSH_FP_old
fp=${!fp_var}

# Only a password can log in, and the host is not known yet.
mv "$LAB_SSH_KEY" "$LAB/hidden-key"
mv "$LAB_KNOWN_HOSTS" "$LAB/known-hosts-saved"
unset SSH_AUTH_SOCK

new=$UI_TMP/new
mkdir -p "$new/var/qmail/control" "$new/home"
echo new.example.test > "$new/var/qmail/control/me"
plan=$UI_TMP/plan
cat > "$plan" <<PLAN
old = ssh://olduser@$LAB_OLD
new = local:$new
domains = example.test
mta_old = qmail
mta_new = qmail
PLAN
chmod 600 "$plan"

ui_start 100 30 LANG=C.UTF-8 LC_ALL=C.UTF-8 -- --plan "$plan"
ui_expect 'Window 1 of 5: Before' "the wizard opens on the plan"
ui_keys Home
ui_enter_confirm
ui_expect 'Run these steps' "the check is previewed"
ui_keys y
ui_expect 'Host key' "an unknown host key opens the host-key screen" 20
ui_expect 'not in known_hosts' "it says the key is unknown"
ui_expect "${fp//+/\\+}" "it shows the key's fingerprint ($fp)"
[ ! -s "$LAB_KNOWN_HOSTS" ]
ok $? "nothing is recorded before the answer"
ui_keys y
ui_expect 'Typing is not shown' "then the password is asked" 20
ui_keys "$PW"
ui_wait 'Typing is not shown' 2
unlike "$(ui_screen)" "${PW//!/\\!}" "the password is never shown"
ui_keys Enter
file_wait "$plan" '^state\.1\.check-old = done$' 30
is "$(sed -n 's/^state\.1\.check-old = //p' "$plan")" done "the check ran over ssh"
grep -q "$LAB_OLD" "$LAB_KNOWN_HOSTS" 2>/dev/null
ok $? "the accepted key is recorded in known_hosts"
log=$XDG_STATE_HOME/mxmove/audit.log
like "$(cat "$log")" 'old	0	' "the commands run on the old host are in the audit log"
if grep -qF -- "$PW" "$log" "$plan"; then ok 1 "the password is in no file"
else ok 0 "the password is in no file"; fi

# A changed key is shown and refused, whatever is pressed.
ssh-keygen -q -t ed25519 -N '' -f "$LAB/other"
echo "$LAB_OLD $(cut -d' ' -f1,2 "$LAB/other.pub")" > "$LAB_KNOWN_HOSTS"
ui_keys Home
ui_enter_confirm
ui_expect 'Run these steps' "the second check is previewed"
ui_keys y
ui_expect 'has CHANGED' "a changed key is announced" 20
ui_expect "${fp//+/\\+}" "with the key now offered"
ui_keys y
ui_expect 'has CHANGED' "y does not accept a changed key"
ui_keys Escape
file_wait "$plan" '^state\.1\.check-old = failed$' 20
is "$(sed -n 's/^state\.1\.check-old = //p' "$plan")" failed "the check fails"
is "$(cut -d' ' -f2,3 "$LAB_KNOWN_HOSTS")" "$(cut -d' ' -f1,2 "$LAB/other.pub")" \
    "known_hosts is left as it was"
ui_keys q
ui_expect 'MXMOVE-EXIT=0' "quits cleanly"

done_testing
