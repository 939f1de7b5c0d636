#!/bin/bash
# Window 4's per-user table with 10,000 users: scrolling and sorting
# answer at once (only the rows on screen are drawn).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/ui/tmux.sh"

mkdir -p "$UI_DEMO"
{
	printf '# address\tsource maildir or mbox\ttarget maildir\tstatus\n'
	for i in $(seq -w 0 9999); do
		printf 'user%s@example.net\t/home/u/user%s/Maildir\t/var/vmail/example.net/user%s/Maildir\tcreated\n' \
		    "$i" "$i" "$i"
	done
} > "$UI_DEMO/accounts.map"

ui_start 100 30 LANG=C.UTF-8 LC_ALL=C.UTF-8 -- --demo-dir "$UI_DEMO"
ui_keys 4
ui_expect 'user0000@example\.net +to do' "the table shows the first of 10,000 users" 20
ui_expect ' 1-[0-9]+/10000$' "the table says which rows of 10,000 it shows"
page=$(printf '%s\n' "$screen" | sed -n 's/.* 1-\([0-9]*\)\/10000$/\1/p')
ui_keys PgDn
ui_expect " $((page + 1))-$((2 * page))/10000$" "PgDn shows the next page"
ui_keys End
ui_expect 'user9999@example\.net' "End shows the last user"
ui_expect " $((10000 - page + 1))-10000/10000$" "End shows the last page"
ui_keys Home r
ui_expect 'user \^|user v' "the user column is the sort key"
ui_expect 'user v' "r reverses the sort"
ui_keys PgUp PgUp
ui_expect '^ user9999@example\.net' "reversed, user9999 comes first"
ui_keys o
ui_expect 'state v' "o sorts by the next column (state)"
ui_keys r q
ui_expect 'MXMOVE-EXIT=0' "quits cleanly"

done_testing
