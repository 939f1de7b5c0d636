#!/bin/bash
# The ciphers the host layer offers: AES-GCM first (cheaper than
# chacha20-poly1305 wherever the CPU has AES instructions), and a Ciphers
# line in the ssh config still wins. The lab's sshd at LogLevel DEBUG
# names the cipher each connection negotiated.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
lab_enter "$@"
. "$top_srcdir/tests/lab/sshd.sh"

HC=$top_builddir/tests/host/hostctl
[ -x "$HC" ] || bail "build tests/host/hostctl first (make check builds it)"

LAB_SSHD_LOGLEVEL=DEBUG lab_start_sshd old "$LAB_OLD"
R=$(lab_root old)
LOG=$LAB/sshd-old.log

# ciphers CMD...: run CMD, then print the ciphers the server logged for
# the connection(s) it made: "c2s/s2c" for each.
ciphers() {
	local n
	n=$(wc -l <"$LOG")
	"$@" >"$LAB/out" 2>&1 || { sed 's/^/# /' "$LAB/out"; echo "failed"; return; }
	# The log line may come a moment after the client is done.
	lab_wait 50 "the server's kex lines" \
	    sh -c "tail -n +$((n + 1)) '$LOG' | grep -q 'kex: server->client cipher'"
	tail -n "+$((n + 1))" "$LOG" | sed -n \
	    's/.*kex: \(client->server\|server->client\) cipher: \([^ ]*\) .*/\2/p' |
	    paste -sd/ -
}

is "$(ciphers "$HC" old run true)" \
    "aes128-gcm@openssh.com/aes128-gcm@openssh.com" \
    "aes128-gcm@openssh.com is negotiated both ways by default"

# A Ciphers line in the config wins over the preference.
{ printf 'Host old\n    Ciphers chacha20-poly1305@openssh.com\n'; cat "$LAB_SSH_CONFIG"; } \
    >"$LAB/config-chacha"
is "$(ciphers "$HC" --config "$LAB/config-chacha" old run true)" \
    "chacha20-poly1305@openssh.com/chacha20-poly1305@openssh.com" \
    "a Ciphers line in the config wins (chacha20-poly1305)"
{ cat "$LAB_SSH_CONFIG"; printf 'Host *\n    Ciphers aes256-ctr,aes128-ctr\n'; } \
    >"$LAB/config-ctr"
is "$(ciphers "$HC" --config "$LAB/config-ctr" old run true)" \
    "aes256-ctr/aes256-ctr" "a Ciphers line under Host * wins too (aes256-ctr)"

# And the stream is whole with the cipher chosen (a 3 MB file).
head -c 3000000 /dev/urandom >"$R/var/tmp/blob"
want=$(sha256sum <"$R/var/tmp/blob" | cut -d' ' -f1)
got=$("$HC" old sha cat /var/tmp/blob 2>&1)
like "$got" "$want" "3 MB streamed whole over aes128-gcm"

done_testing
