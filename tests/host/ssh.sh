#!/bin/bash
# The ssh transport against the lab's OpenSSH: keys, the agent, a password
# from a file descriptor, host keys unknown/accepted/changed, exit codes,
# quoting, a 200 MB stream, atomic writes cut half way, a connection killed
# mid-stream and reopened, the audit log.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
lab_enter "$@"
. "$top_srcdir/tests/lab/sshd.sh"

HC=$top_builddir/tests/host/hostctl
[ -x "$HC" ] || bail "build tests/host/hostctl first (make check builds it)"

PW='pw-S3cret!x'
lab_host_user old olduser 1001 1001 /home/olduser \
    "$(openssl passwd -6 "$PW")"
LAB_SSHD_EXTRA_PORT=2222 lab_start_sshd old "$LAB_OLD"
R=$(lab_root old)

# A fingerprint holds + and /: escape it for a regex.
re() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'; }
hc() { out=$("$HC" "$@" 2>&1); rc=$?; }

# --- authentication -------------------------------------------------
hc old run id -un
is "$rc/$out" "0/root" "key auth through an alias of ~/.ssh/config"
hc --no-config --known-hosts "$LAB_KNOWN_HOSTS" --identity "$LAB_SSH_KEY" \
    "ssh://olduser@$LAB_OLD:22" run id -un
is "$rc/$out" "0/olduser" "ssh://user@addr:port with --identity, no config"
# An alias with its own HostName, Port, User and IdentityFile; a port
# other than 22 is known as [addr]:port.
cat >"$LAB/config2" <<CONF
Host oldport
    HostName $LAB_OLD
    Port 2222
    User olduser
    IdentityFile $LAB_SSH_KEY
    UserKnownHostsFile $LAB/kh-port
CONF
hc --config "$LAB/config2" oldport run id -un
like "$out" "host key not known" "port 2222: not known under the port-22 entry"
hc --config "$LAB/config2" --accept-key "$LAB_SSH_FP_old" oldport run id -un
is "$rc/$out" "0/olduser" "~/.ssh/config's HostName, Port, User, IdentityFile honoured"
like "$(cat "$LAB/kh-port")" "^\\[$LAB_OLD\\]:2222 ssh-ed25519 " "recorded as [addr]:2222"
hc --config "$LAB/config2" oldport run true
is "$rc" 0 "and known from then on"
hc --config "$LAB/config2" ssh://root@oldport:22 run id -un
like "$out" "host key not known" "user and port in the spec win over the config"

hc ssh://nosuchuser@old run true
is "$rc" 70 "a wrong user is refused"
like "$out" 'old: permission denied \(publickey,password\) for user nosuchuser' \
    "and the message names the methods and the user"

# Only the agent holds a usable key while the key file is hidden.
mv "$LAB_SSH_KEY" "$LAB/hidden-key"
hc --no-config --known-hosts "$LAB_KNOWN_HOSTS" "ssh://root@$LAB_OLD" run true
like "$out" 'permission denied' "no key and no agent: refused"
lab_start_agent
hc --no-config --known-hosts "$LAB_KNOWN_HOSTS" "ssh://root@$LAB_OLD" run echo agent
is "$rc/$out" "0/agent" "agent auth"
unset SSH_AUTH_SOCK

# A password only through the callback (from a file descriptor).
hc --no-config --known-hosts "$LAB_KNOWN_HOSTS" "ssh://olduser@$LAB_OLD" run true
like "$out" 'permission denied \(publickey,password\)' \
    "no key and no password source: refused, never prompts"
hc --no-config --known-hosts "$LAB_KNOWN_HOSTS" --password-fd 3 \
    --audit "$LAB/audit.log" "ssh://olduser@$LAB_OLD" \
    run echo "user:$PW" 3<<<"$PW"
is "$rc" 0 "password auth through --password-fd"
hc --no-config --known-hosts "$LAB_KNOWN_HOSTS" --password-fd 3 \
    "ssh://olduser@$LAB_OLD" run true 3<<<"wrong-password"
is "$rc" 70 "a wrong password is refused"
# A key file with a passphrase: the passphrase through the same callback.
ssh-keygen -q -t ed25519 -N 'kp-Phrase7' -f "$LAB/enc-key"
cat "$LAB/enc-key.pub" >>"$LAB_AUTH_KEYS"
hc --no-config --known-hosts "$LAB_KNOWN_HOSTS" --identity "$LAB/enc-key" \
    --password-fd 3 "ssh://root@$LAB_OLD" run echo enc 3<<<'kp-Phrase7'
is "$rc/$out" "0/enc" "a key's passphrase through the callback"
mv "$LAB/hidden-key" "$LAB_SSH_KEY"
unlike "$(cat "$LAB/audit.log")" 'S3cret' "the password never reaches the audit log"
like "$(cat "$LAB/audit.log")" "echo 'user:\\*\\*\\*'" "it is masked where a command held it"

# --- host keys ------------------------------------------------------
KH=$LAB/kh-test
hc --known-hosts "$KH" old run true
is "$rc" 70 "an unknown host key is refused"
like "$out" "^fingerprint: $(re "$LAB_SSH_FP_old")\$" "the caller gets its SHA256 fingerprint"
like "$out" "host key not known \\($(re "$LAB_SSH_FP_old")\\)" "the message shows it"
[ ! -s "$KH" ]; ok $? "nothing recorded without confirmation"
hc --known-hosts "$KH" --accept-key SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA old run true
is "$rc" 70 "accepting another fingerprint is refused"
like "$out" "is not the one you accepted" "with a message saying so"
hc --known-hosts "$KH" --accept-key "$LAB_SSH_FP_old" old run echo in
is "$rc/$out" "0/in" "accepted with the right fingerprint"
hc --known-hosts "$KH" old run echo again
is "$rc/$out" "0/again" "recorded: the next connection needs no confirmation"

OLDFP=$LAB_SSH_FP_old
lab_sshd_rekey old
hc old run true
is "$rc" 70 "a changed host key is refused"
like "$out" "old: host key changed \\(was $(re "$OLDFP"), now $(re "$LAB_SSH_FP_old")\\); refusing to connect" \
    "the message shows the old and the new fingerprint"
hc --accept-key "$LAB_SSH_FP_old" old run true
is "$rc" 70 "a changed key is refused even with --accept-key"
# Trust the new key from here on.
sed -i "/^$LAB_OLD,old /d" "$LAB_KNOWN_HOSTS"
echo "$LAB_OLD,old $(cut -d' ' -f1,2 "$LAB/old/sshd/hostkey.pub")" >>"$LAB_KNOWN_HOSTS"

hc --no-config --known-hosts "$LAB_KNOWN_HOSTS" "ssh://root@$LAB_DEAD" run true
like "$out" "cannot connect to $LAB_DEAD port 22: .*refused" "a dead host: connection refused"

# --- commands -------------------------------------------------------
for code in 0 1 7 255; do
	hc old run sh -c "exit $code"
	is "$rc" "$code" "exit status $code passed through"
done
hc old run sh -c 'kill -TERM $$'
is "$rc" 143 "a signal comes back as 128+signal"
hc old run sh -c 'echo out; echo err >&2'
like "$out" 'out' "stdout" ; like "$out" 'err' "stderr"

# Quoting: each word executed remotely comes back byte-exact.
i=0
for w in plain 'with space' "it's" 'say "hi"' '$HOME' '`id`' '$(id)' \
    $'line\nbreak' '-rf' '--' 'a;b|c&d' '*' '~root' 'back\slash' \
    "'" $'tab\there' '-n' 'Émile' "a'b\"c\$d\`e f"; do
	"$HC" old run printf %s "$w" >"$LAB/q.got" 2>&1
	printf %s "$w" >"$LAB/q.want"
	cmp -s "$LAB/q.got" "$LAB/q.want"; ok $? "word $i comes back byte-exact over ssh"
	i=$((i + 1))
done
name=$'-x o\'b "q" $HOME `id`\nz'
"$HC" old run touch -- "/var/tmp/$name"
"$HC" old list /var/tmp >"$LAB/list"
grep -qxF -- '-x o'"'"'b "q" $HOME `id`' "$LAB/list"; ok $? "a hostile file name created remotely, exactly"
[ -e "$R/var/tmp/$name" ]; ok $? "and it is the exact name on the host's disk"
printf 'data' | "$HC" old write "/var/tmp/$name"
is "$("$HC" old read "/var/tmp/$name")" data "write/read a file with that name"

# One session per worker: eight threads at once, each its own session.
hc old threads 8
is "$rc" 0 "eight threads, each with its own session, at once"
like "$out" 'threads: 8 of 8 ok' "all eight ran a command and a 20 MB stream"

# --- files ----------------------------------------------------------
printf 'example.org\n' >"$R/var/qmail/locals"
chown 1001:1001 "$R/var/qmail/locals"; chmod 640 "$R/var/qmail/locals"
printf 'example.net\n' | "$HC" old write /var/qmail/locals
is "$(cat "$R/var/qmail/locals")" example.net "write_file over ssh replaces the file"
is "$(stat -c %u:%g:%a "$R/var/qmail/locals")" 1001:1001:640 "owner and mode kept"
hc old stat /var/qmail/locals
is "$out" "exists=1 dir=0 reg=1 link=0 mode=0640 uid=1001 gid=1001 size=12" "stat"
hc old stat /var/qmail/nothing
is "$out" "exists=0 dir=0 reg=0 link=0 mode=0000 uid=0 gid=0 size=0" "stat of a missing file"
ln -s locals "$R/var/qmail/link"
hc old stat /var/qmail/link
like "$out" "exists=1 dir=0 reg=1 link=1 " "stat follows a link, says it is one"
hc old list /var/qmail
is "$(echo $out)" "link locals" "list"
hc old read /var/qmail/nothing
like "$out" 'old: /var/qmail/nothing: No such file or directory' "a missing file, clearly"
hc old df /var/qmail
like "$out" '^[0-9]+ [0-9]+$' "df over SFTP statvfs"
ls -A "$R/var/qmail" | grep -q mxmove-; ok $((! $?)) "no temporary file left"

# An atomic write cut half way (the connection killed while writing
# 200 MB): the old file stays whole.
head -c 200000000 /dev/zero >"$LAB/big"
"$HC" old write /var/qmail/locals <"$LAB/big" >"$LAB/cut.out" 2>&1 &
writer=$!
lab_wait 300 "the temporary file to grow" \
    sh -c "find '$R/var/qmail' -name '.locals.mxmove-*' -size +1M | grep -q ."
for p in $(lab_sshd_sessions old); do kill "$p"; done
wait "$writer"; wrc=$?
is "$wrc" 70 "the cut write fails"
like "$(cat "$LAB/cut.out")" 'old: .*connection lost|old: .*(Socket|disconnect)' \
    "with a clear message: $(head -c 200 "$LAB/cut.out")"
is "$(cat "$R/var/qmail/locals")" example.net "the old file is intact"
rm -f "$LAB/big"

# --- streams --------------------------------------------------------
head -c 200000000 /dev/urandom >"$R/var/tmp/big"
want=$(sha256sum <"$R/var/tmp/big" | cut -d' ' -f1)
hc old sha cat /var/tmp/big
is "$out" "$want 200000000" "a 200 MB stream: SHA-256 equal on both ends"
hc old run sh -c 'sha256sum </var/tmp/big'
like "$out" "^$want " "and the remote sha256sum agrees"
"$HC" old feed sh -c 'cat >/var/tmp/fed' <"$R/var/tmp/big"
is "$?" 0 "200 MB fed to a command's stdin"
cmp -s "$R/var/tmp/big" "$R/var/tmp/fed"; ok $? "arrive byte-exact"
rm -f "$R/var/tmp/big" "$R/var/tmp/fed"
hc old cat sh -c 'echo partial; echo oops >&2; exit 3'
is "$rc" 3 "a stream's exit status"
like "$out" 'oops' "a stream's stderr"

# The connection killed mid-stream: a clear error, then a reopen works.
HOSTCTL_MARK=$LAB/mark "$HC" old cut-reopen cat /dev/zero >"$LAB/cut2.out" 2>&1 &
reader=$!
lab_wait 300 "1 MiB to arrive" test -e "$LAB/mark"
for p in $(lab_sshd_sessions old); do kill "$p"; done
wait "$reader"; rrc=$?
out=$(cat "$LAB/cut2.out")
is "$rrc" 0 "the program carries on after a lost connection"
like "$out" '^read: old: connection lost after [0-9.]+ (KiB|MiB|GiB)' \
    "the stream reports the connection lost, with the bytes done"
like "$out" 'run before reopen: old: the connection was lost; reopen the host' \
    "a lost host says so until reopened"
like "$out" '^reopened$' "reopen works"

done_testing
