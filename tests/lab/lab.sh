# tests/lab/lab.sh - the lab's core: a private namespace for the test,
# servers started by recorded PID, bounded waits, and cleanup.
#
# A lab test starts with:
#     . "$top_srcdir/tests/lib.sh"
#     . "$top_srcdir/tests/lab/lab.sh"
#     lab_enter "$@"
# lab_enter re-runs the test inside `unshare -pfn --mount-proc`: its own
# PID namespace (every daemon dies with the test), its own network (only
# its own loopback: nothing can clash or leave), its own mount namespace
# (bind mounts are private). Each server recipe lives in tests/lab/NAME.sh
# and defines lab_start_NAME.
#
# Addresses inside the lab (all on the private loopback):
LAB_OLD=127.0.0.2	# the old host's sshd
LAB_NEW=127.0.0.3	# the new host's sshd, Dovecot, Postfix
LAB_DEAD=127.0.0.9	# nothing listens here: the dead MX
LAB_DNS1=127.0.0.53	# primary authoritative DNS
LAB_DNS2=127.0.0.54	# secondary authoritative DNS
LAB_SENDER=127.0.0.4	# a sending MTA

lab_enter() {
	if [ "${MX_IN_LAB:-}" != 1 ]; then
		[ "$(id -u)" -eq 0 ] || skip_all "the lab needs root (unshare, bind mounts)"
		command -v unshare >/dev/null || skip_all "unshare (util-linux) is missing"
		MX_IN_LAB=1 exec unshare -pfn --mount-proc --kill-child \
		    /bin/bash "$0" "$@"
	fi
	ip link set lo up || bail "cannot bring up the lab's loopback"
	LAB=$(mktemp -d /tmp/mxlab.XXXXXX) || bail "mktemp"
	chmod 755 "$LAB"
	LAB_PIDS=""
	LAB_OWNER=$BASHPID
	trap 'lab_cleanup' EXIT
	trap 'exit 129' HUP INT TERM
}

lab_cleanup() {
	_rc=$?
	# A background subshell (cmd &) may run the EXIT trap too: only the
	# test's own shell cleans up.
	[ "$BASHPID" = "$LAB_OWNER" ] || return "$_rc"
	for _p in $LAB_PIDS; do
		kill "$_p" 2>/dev/null
	done
	for _p in $LAB_PIDS; do
		lab_wait_gone "$_p" 50
	done
	if [ "$_rc" -ne 0 ] || [ -n "${LAB_KEEP:-}" ]; then
		diag "lab kept in $LAB"
		for _l in "$LAB"/*.log; do
			[ -f "$_l" ] || continue
			diag "--- $_l (last lines)"
			tail -n 15 "$_l" | sed 's/^/#   /'
		done
	else
		rm -rf "$LAB"
	fi
	exit "$_rc"
}

# lab_spawn NAME CMD...: start a server in the background, record its PID
# in $LAB/NAME.pid and stderr/stdout in $LAB/NAME.log.
lab_spawn() {
	_name=$1; shift
	"$@" >>"$LAB/$_name.log" 2>&1 &
	_pid=$!
	echo "$_pid" >"$LAB/$_name.pid"
	LAB_PIDS="$LAB_PIDS $_pid"
}

# lab_wait TENTHS DESC CMD...: poll CMD every 0.1 s, at most TENTHS times.
lab_wait() {
	_max=$1 _desc=$2; shift 2
	_i=0
	while [ "$_i" -lt "$_max" ]; do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		_i=$((_i + 1))
		sleep 0.1
	done
	diag "gave up waiting for $_desc after $((_max / 10)) s"
	return 1
}

# lab_wait_gone PID TENTHS: wait for a process to end (bounded).
lab_wait_gone() {
	_i=0
	while kill -0 "$1" 2>/dev/null && [ "$_i" -lt "$2" ]; do
		_i=$((_i + 1))
		sleep 0.1
	done
	if kill -0 "$1" 2>/dev/null; then
		kill -9 "$1" 2>/dev/null
	fi
}

# lab_stop NAME: stop a server by its recorded PID and wait for it.
lab_stop() {
	_pid=$(cat "$LAB/$1.pid" 2>/dev/null) || return 0
	kill "$_pid" 2>/dev/null
	lab_wait_gone "$_pid" 100
	rm -f "$LAB/$1.pid"
}

# lab_tcp_open ADDR PORT: true when something accepts on ADDR:PORT.
lab_tcp_open() {
	(exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}
