#!/bin/bash
# The wizard across terminals and locales: TERM=linux, xterm, screen and
# tmux; NO_COLOR; the C locale (ASCII glyphs); German (de) from the
# build's catalog.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/ui/tmux.sh"

restart() {
	tmux -S "$UI_SOCK" kill-server 2>/dev/null
	ui_start "$@"
}

for term in linux xterm screen tmux; do
	restart 80 24 LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=$term -- --demo-dir "$UI_DEMO"
	ui_expect 'Window 1 of 5: Before' "TERM=$term: window 1 is drawn"
	ui_expect 'F1 help' "TERM=$term: the footer is drawn"
	ui_keys q
	ui_expect 'MXMOVE-EXIT=0' "TERM=$term: quits cleanly"
done

# Colours: SGR 30-37/40-47/38;5/48;5 appear with colours and never with
# NO_COLOR, which keeps bold and reverse for meaning.
colour_re=$'\e\\[([0-9;]*;)?(3[0-7]|4[0-7]|38;5;[0-9]+|48;5;[0-9]+)(;[0-9;]*)?m'
restart 80 24 LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color -- --demo-dir "$UI_DEMO"
ui_expect 'Window 1 of 5'
if ui_screen_e | grep -Eq "$colour_re"; then ok 0 "colours are used by default"
else ok 1 "colours are used by default"; fi
ui_keys q
restart 80 24 LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color NO_COLOR=1 -- --demo-dir "$UI_DEMO"
ui_expect 'Window 1 of 5' "NO_COLOR: the wizard is drawn"
if ui_screen_e | grep -Eq "$colour_re"; then ok 1 "NO_COLOR: no colour at all"
else ok 0 "NO_COLOR: no colour at all"; fi
if ui_screen_e | grep -Eq $'\e\\[([0-9;]*;)?(1|7)(;[0-9;]*)?m'; then
	ok 0 "NO_COLOR: bold and reverse still mark things"
else ok 1 "NO_COLOR: bold and reverse still mark things"; fi
ui_keys q

# The C locale: ASCII glyphs (a tick is '+').
restart 80 24 LANG=C LC_ALL=C -- --demo-dir "$UI_DEMO"
ui_expect 'Window 1 of 5: Before' "C locale: window 1 is drawn"
ui_keys Home Space
ui_enter_confirm
ui_expect 'Run these steps' "C locale: the confirmation opens"
ui_keys y
ui_expect '\[ \] \+ done +Check the old host' "C locale: a done step has an ASCII tick"
unlike "$(ui_screen | sed -n 2,14p)" $'[\x80-\xff]' "C locale: the body is ASCII"
ui_keys q
ui_expect 'MXMOVE-EXIT=0' "C locale: quits cleanly"

# German, from the catalog built in po/.
gmo=$top_builddir/po/de.gmo
[ -f "$gmo" ] || gmo=$top_srcdir/po/de.gmo
if [ -f "$gmo" ] && command -v gettext >/dev/null; then
	mkdir -p "$UI_TMP/locale/de/LC_MESSAGES"
	cp "$gmo" "$UI_TMP/locale/de/LC_MESSAGES/mxmove.mo"
	tr() { LANGUAGE=de LC_ALL=C.UTF-8 TEXTDOMAINDIR=$UI_TMP/locale gettext -d mxmove "$1"; }
	before=$(tr Before) help=$(tr help)
	diag "de: 'Before' is '$before', 'help' is '$help'"
	restart 80 24 LANGUAGE=de LANG=C.UTF-8 LC_ALL=C.UTF-8 \
	    MXMOVE_LOCALEDIR="$UI_TMP/locale" -- --demo-dir "$UI_DEMO"
	ui_expect "1 $before" "de: the step bar says '$before'"
	ui_expect "F1 $help" "de: the footer says '$help'"
	ui_keys q
	ui_expect 'MXMOVE-EXIT=0' "de: quits cleanly"
else
	diag "no de catalog or no gettext program: the German run is left out"
fi

done_testing
