# tests/ui/tmux.sh - drive the real wizard in a private tmux server.
# Source after tests/lib.sh. Every wait is bounded; the server is killed
# by its socket when the test ends.
command -v tmux >/dev/null || skip_all "tmux is not installed"

UI_TMP=$(mktemp -d /tmp/mxui.XXXXXX) || bail "mktemp"
UI_N=0
UI_SOCK=$UI_TMP/tmux0.sock
UI_DEMO=$UI_TMP/demo
export XDG_STATE_HOME=$UI_TMP/state HOME=$UI_TMP
# tmux runs the pane's command with $SHELL, else the user's login shell;
# for nobody (tests/ui/walk-user.sh) that is nologin, and CI may set no
# SHELL at all.
export SHELL=/bin/bash	# not dash: it dies of the Ctrl-C sent to mxmove

ui_cleanup() {
	local s
	for s in "$UI_TMP"/tmux*.sock; do
		[ -S "$s" ] && tmux -S "$s" kill-server 2>/dev/null
	done
	rm -rf "$UI_TMP"
}
trap ui_cleanup EXIT

# ui_start COLS LINES [ENV=VALUE...] -- [MXMOVE ARGS...]: start the wizard;
# when it exits, the pane shows "MXMOVE-EXIT=STATUS" and stays.
ui_start() {
	local cols=$1 lines=$2 envs=()
	shift 2
	UI_N=$((UI_N + 1))		# a server of its own each time
	UI_SOCK=$UI_TMP/tmux$UI_N.sock
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	[ "${1:-}" = -- ] && shift
	local cmd
	cmd=$(printf '%q ' env "${envs[@]}" "$MXMOVE" "$@")
	tmux -S "$UI_SOCK" -f /dev/null new-session -d -s mx -x "$cols" -y "$lines" \
	    "$cmd; echo MXMOVE-EXIT=\$?; sleep 600" || bail "tmux new-session"
	ui_alive || bail "the tmux server exited at once (the pane's shell: $SHELL)"
}

# ui_alive: the tmux server and its pane are still there.
ui_alive() { tmux -S "$UI_SOCK" has-session -t mx 2>/dev/null; }

ui_keys() { tmux -S "$UI_SOCK" send-keys -t mx "$@"; }
ui_screen() { tmux -S "$UI_SOCK" capture-pane -p -t mx; }
ui_screen_e() { tmux -S "$UI_SOCK" capture-pane -e -p -t mx; }
ui_resize() { tmux -S "$UI_SOCK" resize-window -t mx -x "$1" -y "$2"; }

# ui_wait REGEX [SECONDS]: until the screen matches (default 10 s); sets
# $screen. Returns 1 on timeout.
ui_wait() {
	local re=$1 limit=$(( ${2:-10} * 10 )) i=0
	while [ $i -lt $limit ]; do
		screen=$(ui_screen)
		if printf '%s\n' "$screen" | grep -Eq -- "$re"; then
			return 0
		fi
		ui_alive || return 1	# no point waiting on a dead server
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# ui_enter_confirm: press Enter until the confirmation opens. While the
# previews are still being built (slow under a sanitizer or a loaded
# machine) Enter only says so; at most 60 tries, 2 s apart.
ui_enter_confirm() {
	local i=0
	while [ $i -lt 60 ]; do
		ui_keys Enter
		ui_wait 'Run these steps\?' 2 && return 0
		i=$((i + 1))
	done
	return 1
}

# ui_expect REGEX DESCRIPTION [SECONDS]: a test that the screen shows it.
ui_expect() {
	if ui_wait "$1" "${3:-10}"; then ok 0 "$2"; else
		ok 1 "$2"
		printf '%s\n' "$screen" | sed 's/^/#   | /'
		printf '#   did not match: %s\n' "$1"
	fi
}

# ui_page_to REGEX DESCRIPTION: page down (a confirmation or a preview)
# until the screen shows REGEX, at most 30 pages.
ui_page_to() {
	local i=0
	while [ $i -lt 30 ]; do
		if ui_wait "$1" 1; then ok 0 "$2"; return 0; fi
		ui_keys PgDn
		i=$((i + 1))
	done
	ok 1 "$2"
	printf '%s\n' "$screen" | sed 's/^/#   | /'
	printf '#   did not match: %s\n' "$1"
}

# file_wait FILE REGEX [SECONDS]: until FILE has a line matching.
file_wait() {
	local limit=$(( ${3:-10} * 10 )) i=0
	while [ $i -lt $limit ]; do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# plan_state NAME: the plan's state.NAME value.
plan_state() {
	sed -n "s/^state\.$1 = //p" "$UI_DEMO/plan"
}
