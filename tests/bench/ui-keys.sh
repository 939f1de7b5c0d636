#!/bin/bash
# tests/bench/ui-keys.sh - how fast the wizard answers a key: PgDn in
# window 4's table of 10,000 users while the panels' polls run in their
# workers. Prints the time from tmux send-keys to the changed screen
# (median and worst of 50), which includes tmux's own round trip; for
# comparison, the same round trip with `less` on a 10,000-line file.
# Not part of make check (never a timed assertion).
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
MXMOVE=${MXMOVE:-$top_builddir/mxmove}
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/ui/tmux.sh"

mkdir -p "$UI_DEMO"
{
	for i in $(seq -w 0 9999); do
		printf 'user%s@example.net\t/home/u/%s/Maildir\t/var/vmail/%s/Maildir\tcreated\n' \
		    "$i" "$i" "$i"
	done
} > "$UI_DEMO/accounts.map"

now_ms() { date +%s%3N; }

# measure REGEX-OF-A-LINE-THAT-CHANGES KEY: 50 presses, one line of figures
measure() {
	local pick=$1 key=$2 n=0 before t0 t1 times=()
	while [ $n -lt 50 ]; do
		before=$(ui_screen | grep -E -- "$pick" | head -n 1)
		t0=$(now_ms)
		ui_keys "$key"
		while [ "$(ui_screen | grep -E -- "$pick" | head -n 1)" = "$before" ]; do
			[ $(( $(now_ms) - t0 )) -gt 5000 ] && break
		done
		t1=$(now_ms)
		times+=($((t1 - t0)))
		n=$((n + 1))
	done
	printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 }
	    END { printf "median %d ms, worst %d ms (%d keys)\n", a[int((NR + 1) / 2)], a[NR], NR }'
}

ui_start 100 30 LANG=C.UTF-8 LC_ALL=C.UTF-8 -- --demo-dir "$UI_DEMO"
ui_keys 4
ui_wait '/10000$' 20 || bail "the table did not fill"
printf 'mxmove window 4, PgDn over 10,000 users: '
measure '/10000$' PgDn
ui_keys q

seq -w 0 9999 | sed 's/^/user/' > "$UI_TMP/list"
UI_N=$((UI_N + 1)); UI_SOCK=$UI_TMP/tmux$UI_N.sock
tmux -S "$UI_SOCK" -f /dev/null new-session -d -s mx -x 100 -y 30 "less $UI_TMP/list"
ui_wait 'user0000' 10
printf 'less, PgDn over 10,000 lines:            '
measure '^user' PgDn
