#!/bin/bash
# The overview of every account, as a person uses it: from window 4 (v,
# shown in the footer), one line per user with state, counts, bytes,
# flags and UIDLs; o sorts, r reverses, / filters ("problems" keeps the
# users needing attention), PgDn scrolls 300 more users, a resize redraws
# it, Esc closes it; window 5 opens it too, window 1 says where it is.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/ui/tmux.sh"

# The state a real run leaves: batch mode copies the demo's six users,
# one of whose targets is in the way (dave fails), then verifies.
"$MXMOVE" run --demo "$UI_DEMO" --step 2 --yes >/dev/null 2>&1 || bail "window 2"
rm -rf "$UI_DEMO/new/home/dave/Maildir"
printf 'in the way\n' >"$UI_DEMO/new/home/dave/Maildir"
"$MXMOVE" run --demo "$UI_DEMO" --step 4 --yes >/dev/null 2>&1
grep -q '^dave	failed' "$UI_DEMO/transfer.results" || bail "dave did not fail"
# 300 more users from an earlier pass, so the panel has to scroll.
for i in $(seq -w 1 300); do
	n=$((10#$i))
	printf 'user%s@example.org\tdone\t%d\t%d\t%d\t%d\t0\t1\t\n' "$i" "$n" "$((n * 100))" "$n" "$((n * 100))"
done >>"$UI_DEMO/transfer.results"

ui_start 110 32 LANG=C.UTF-8 LC_ALL=C.UTF-8 -- --demo-dir "$UI_DEMO"
ui_keys 1
ui_wait 'Window 1|Before|TTL' 10
ui_keys v
ui_expect 'opens from windows 4 and 5 \(key v\)' "window 1: v says where the overview is"
ui_keys 4
ui_expect 'v overview' "window 4's footer shows the key"
ui_keys v
ui_expect 'Overview: every account' "v opens the overview"
ui_expect '306 user\(s\), 1 need attention' "it counts every user and those needing attention"
ui_expect 'user \^ +state +source +target +bytes +flags +UIDLs +problem' "the columns, sorted by user"
ui_expect 'alice +done +4 +4 +[0-9.]+ [KMG]?i?B +equal +3/3' "alice: done, 4 and 4 messages, flags equal, UIDLs 3 of 3"
ui_expect 'dave +failed +0 +0 +0 B +- +- +local:' "dave: failed, not reconciled, the reason begins"
ui_expect ' 1-[0-9]+/306 ' "the panel says which of the 306 rows it shows"
page=$(printf '%s\n' "$screen" | sed -n 's/.* 1-\([0-9]*\)\/306 .*/\1/p')
ui_keys PgDn
ui_expect " $((page + 1))-$((2 * page))/306 " "PgDn scrolls to the next rows"
ui_keys End
ui_expect 'user300@example\.org' "End reaches the last user"

# first_row_is REGEX DESCRIPTION: the first row under the column
# headings comes to match (the screen follows the keys within 10 s).
first_row() { printf '%s\n' "$screen" | grep -A1 -E 'state (\^|v) ' | tail -n 1; }
first_row_is() {
	local n=0
	while [ $n -lt 100 ]; do
		screen=$(ui_screen)
		first_row | grep -Eq -- "$1" && break
		sleep 0.1
		n=$((n + 1))
	done
	like "$(first_row)" "$1" "$2"
}
ui_keys o
ui_expect 'state \^' "o sorts by the next column (state)"
ui_keys Home
first_row_is '│ alice +done' "by state: done first (then by user)"
ui_keys r
ui_expect 'state v' "r reverses the sort"
first_row_is '│ dave +failed' "reversed: the failed user first"

ui_keys / p r o b l e m s Enter
ui_expect 'filter: problems' "/ types a filter"
ui_expect 'shown: 1' "problems only: one line"
ui_expect 'dave: local:.*is a file, not a Maildir' "the selected user's reason in full"
ui_expect 'what to do: fix the cause named here' "and what to do"
unlike "$screen" 'alice +done' "alice is filtered out"
ui_keys / BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace a l i c e Enter
ui_expect 'filter: alice' "a word filters by name"
ui_expect 'shown: 1' "one user named alice"
ui_keys / BSpace BSpace BSpace BSpace BSpace
ui_expect 'shown: 306' "the filter applies as it is typed (emptied: every user)"
ui_keys Escape
ui_expect 'shown: 1$|shown: 1 ' "Esc while typing puts the old filter back"
ui_expect 'filter: alice' "the old filter is shown again"

ui_resize 70 20
ui_expect 'Overview: every account' "after a resize to 70x20 the panel is redrawn"
ui_expect 'alice +done' "and still shows its rows"
ui_resize 110 32
ui_keys Escape
n=0	# Esc reaches curses after its escape delay: wait for the panel to go
while ui_screen | grep -q 'Overview: every account' && [ $n -lt 50 ]; do
	sleep 0.1
	n=$((n + 1))
done
unlike "$(ui_screen)" 'Overview: every account' "Esc closes the overview"
ui_keys 5
ui_expect 'v overview' "window 5's footer shows the key too"
ui_keys v
ui_expect 'Overview: every account' "v opens it from window 5"
ui_keys v q
ui_expect 'MXMOVE-EXIT=0' "closes with v again and quits cleanly"
done_testing
