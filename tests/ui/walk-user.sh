#!/bin/bash
# The demo walk-through as an ordinary user (the usual way to try
# `mxmove --demo`): accounts owned by the user, no chown to others.
. "$top_srcdir/tests/lib.sh"
walk=$(cd "$top_srcdir" && pwd)/tests/ui/walk.sh
[ "$(id -u)" -eq 0 ] || exec bash "$walk"
command -v setpriv >/dev/null || skip_all "setpriv (util-linux) is missing"
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	    env HOME=/tmp top_srcdir="$(cd "$top_srcdir" && pwd)" \
	    top_builddir="$(cd "$top_builddir" && pwd)" MXMOVE="$MXMOVE" "$@"
}
as_nobody test -r "$walk" -a -x "$MXMOVE" ||
    skip_all "the build tree cannot be read by nobody here"
as_nobody bash "$walk"
