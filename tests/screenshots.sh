#!/bin/bash
# tests/screenshots.sh - PNGs of the real program's screens (make screenshots).
# The real binary runs in tmux; a real xterm under Xvfb attaches to it, and
# the X screen is written to a PNG. Scenes are in tests/screenshots.scenes:
#   NAME<TAB>KEYS (tmux send-keys words, run one after the other)<TAB>TEXT
# where TEXT is what the screen must show before the picture is taken.
set -u
srcdir=$(cd "$(dirname "$0")/.." && pwd)
MXMOVE=${MXMOVE:-$(pwd)/mxmove}
out=${1:-$srcdir/screenshots}
cols=${MX_SHOT_COLS:-100} rows=${MX_SHOT_ROWS:-30}
for t in tmux Xvfb xterm xwd; do
	command -v "$t" >/dev/null || { echo "screenshots: $t is missing (tests/deps test)" >&2; exit 2; }
done
[ -x /usr/bin/convert ] || { echo "screenshots: ImageMagick is missing" >&2; exit 2; }

work=$(mktemp -d /tmp/mxshot.XXXXXX)
export SHELL=/bin/bash	# the panes' shell, whatever the caller has
sock=$work/tmux-none.sock
xpid= tpid=
cleanup() {
	[ -n "$xpid" ] && kill "$xpid" 2>/dev/null
	tmux -S "$sock" kill-server 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

# wait_for TEXT: poll the pane (at most 10 s).
wait_for() {
	local i=0
	while [ $i -lt 100 ]; do
		tmux -S "$sock" capture-pane -p -t mx 2>/dev/null | grep -qF -- "$1" && return 0
		sleep 0.1; i=$((i + 1))
	done
	echo "screenshots: '$1' never showed" >&2
	tmux -S "$sock" capture-pane -p -t mx >&2
	return 1
}

exec 3>"$work/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xpid=$!
i=0
while [ ! -s "$work/display" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
export DISPLAY=:$(head -n 1 "$work/display")
mkdir -p "$out" "$work/home"
status=0
while IFS=$'\t' read -r name keys text; do
	case $name in ''|'#'*) continue ;; esac
	tmux -S "$sock" kill-server 2>/dev/null
	sock=$work/tmux-$name.sock
	HOME=$work/home LANG=C.UTF-8 tmux -S "$sock" -f /dev/null new-session -d -s mx \
	    -x "$cols" -y "$rows" "$MXMOVE --demo"
	tmux -S "$sock" set -g status off
	for k in $keys; do
		tmux -S "$sock" send-keys -t mx "$k"
		sleep 0.2
	done
	wait_for "$text" || { status=1; continue; }
	xterm -geometry "${cols}x${rows}+0+0" -fa 'DejaVu Sans Mono' -fs 11 \
	    -bg black -fg gray90 -b 0 -bw 0 +sb \
	    -e tmux -S "$sock" attach -t mx >/dev/null 2>&1 &
	tpid=$!
	sleep 1.5
	xwd -root -silent >"$work/$name.xwd"
	/usr/bin/convert "xwd:$work/$name.xwd" -trim +repage "$out/$name.png"
	kill "$tpid" 2>/dev/null; wait "$tpid" 2>/dev/null
	echo "screenshots: $out/$name.png"
done <"$srcdir/tests/screenshots.scenes"
exit $status
