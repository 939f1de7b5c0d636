#!/bin/bash
# Fault run: the ssh connection to the old host is cut while a large
# user's tar stream is flowing (the old host's tar is slowed down; the sshd
# process serving mxmove's connection is killed by its PID, found as the
# ancestor of the old host's `tar c` that the listening sshd forked).
# Twice: into a target over ssh (tar x, chunks) and into a local target
# (per-message renames). Each time: a clear error naming the old host, the
# user and the cause; nothing partial in new/ or cur/; the old host
# unchanged; the re-run ends with exactly the source's set.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
lab_enter "$@"
. "$top_srcdir/tests/lab/sshd.sh"
command -v /usr/sbin/sshd >/dev/null || skip_all "openssh-server is missing"
command -v python3 >/dev/null || skip_all "python3 is missing"

RO=$(lab_root old) RN=$(lab_root new)
lab_host_user old big 1001 1001 /home/big
lab_host_user new big 2101 2101 /home/big
SRC=$RO/home/big/Maildir
gen_maildir "$SRC" 400 11 2000 8000 20000
chown -R 1001:1001 "$RO/home/big"
# The old host's tar c, slowed to about 800 KB/s: the stream of ~6 MB
# flows for several seconds. Only the old host sees it (/usr/local/bin
# comes first in sshd's PATH).
slow_tar "$LAB/slowbin"
LAB_SSHD_BINDS="$LAB/slowbin=/usr/local/bin" lab_start_sshd old "$LAB_OLD"
lab_start_sshd new "$LAB_NEW"

# check DST: "N BAD" of DST against $SRC (tests/lib.sh).
check() { maildir_compare "$SRC" "$1"; }
fp_old() { (cd "$RO" && find home -printf '%p %s %T@ %m %u:%g\n' | sort; \
    find home -type f -exec sha256sum {} + | sort) | sha256sum; }
before=$(fp_old)

# tar_pid: the old host's `tar c` reading big's Maildir (we are in the
# lab's PID namespace: every process here is the lab's).
tar_pid() {
	local p
	for p in $(pgrep -x tar); do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null |
		    grep -q '^/usr/bin/tar cf - -C /home/big/Maildir' && { echo "$p"; return 0; }
	done
	return 1
}
# session_of PID: the ancestor of PID that the listening sshd forked.
session_of() {
	local p=$1 lp pp
	lp=$(cat "$LAB/sshd-old.pid")
	while [ -n "$p" ] && [ "$p" -gt 1 ]; do
		pp=$(awk '{print $4}' "/proc/$p/stat" 2>/dev/null) || return 1
		[ "$pp" = "$lp" ] && { echo "$p"; return 0; }
		p=$pp
	done
	return 1
}
# staged DST: some bytes of the stream reached the target already.
staged() {
	[ -n "$(find "$1" -path '*/mxmove-stage/*' -type f 2>/dev/null | head -n 1)" ] ||
	    [ -n "$(find "$1/cur" "$1/new" -type f 2>/dev/null | head -n 1)" ]
}

# cut TO DST [OPTS...]: start the transfer, cut the connection mid-stream.
cut() {
	local to=$1 dst=$2 mx tp sp
	shift 2
	"$MXMOVE" transfer --from old --to "$to" --state "$LAB/state" \
	    --user big "$@" >"$LAB/cut.out" 2>&1 &
	mx=$!
	lab_wait 300 "the old host's tar c" tar_pid
	lab_wait 300 "the first bytes on the target" staged "$dst"
	ok $? "$to: the stream is flowing"
	tp=$(tar_pid) sp=$(session_of "$(tar_pid)")
	ok "$([ -n "$sp" ] && [ -n "$tp" ] && kill -0 "$tp" 2>/dev/null; echo $?)" \
	    "$to: the sshd process serving the stream is found (tar c $tp under sshd $sp)"
	grep -q '^sshd' "/proc/$sp/comm" 2>/dev/null
	ok $? "$to: PID $sp is an sshd"
	kill -9 "$sp"
	lab_wait_gone "$mx" 600
	wait "$mx"
	rc=$?
	out=$(cat "$LAB/cut.out")
	diag "cut ($to): $(printf '%s' "$out" | grep -v ': copying' | head -n 3)"
	is "$rc" 1 "$to: the cut transfer exits 1"
	like "$out" "^big: failed: old: .*(closed|broke off|lost|disconnect|EOF|Socket error)" \
	    "$to: the error names the user, the old host and the cause"
	r=$(check "$dst")
	diag "$to after the cut: $r (messages in new/ and cur/, bad)"
	is "${r#* }" 0 "$to: nothing partial or foreign in new/ or cur/"
	ok "$([ "${r% *}" -lt 400 ]; echo $?)" "$to: the cut came before the end"
	is "$(fp_old)" "$before" "$to: the old host is unchanged"
	lab_wait 100 "the old host's tar to end" eval '! tar_pid'
}

rerun() {
	local to=$1 dst=$2
	shift 2
	run_mx transfer --from old --to "$to" --state "$LAB/state" --user big "$@"
	is "$rc" 0 "$to: the re-run exits 0"
	like "$out" "big: verified: [0-9]+ copied .*source 400 messages" "$to: the re-run copies the rest and verifies"
	like "$out" "resuming after an interrupted pass|verified" "$to: the re-run ran"
	is "$(check "$dst")" "400 0" "$to: exactly the source's 400 messages, each whole, none twice"
	ok "$([ ! -e "$dst/mxmove-stage" ]; echo $?)" "$to: no stage left"
	is "$(find "$dst/tmp" "$dst/.Sent/tmp" -type f | wc -l)" 0 "$to: nothing in tmp/"
	is "$(fp_old)" "$before" "$to: the old host is unchanged"
}

# 1. into the new host over ssh (tar x, moved in per chunk of 1 MB)
cut new "$RN/home/big/Maildir" --chunk 1000000
rerun new "$RN/home/big/Maildir" --chunk 1000000
run_mx verify --from old --to new --state "$LAB/state" --user big
is "$rc" 0 "new: verify (every digest) agrees"

# 2. into a local target (each message renamed in as it ends)
mkdir -p "$LAB/local/home/big"
chown 2101:2101 "$LAB/local/home/big"
cut "local:$LAB/local" "$LAB/local/home/big/Maildir"
rerun "local:$LAB/local" "$LAB/local/home/big/Maildir"
done_testing
