#!/bin/bash
# Window 4's per-user table with 10,001 users: scrolling and sorting
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
	# wide characters: two columns each on screen
	printf '0宛先テスト@example.net\t/home/u/wide/Maildir\t/var/vmail/w/Maildir\tcreated\n'
} > "$UI_DEMO/accounts.map"

ui_start 100 30 LANG=C.UTF-8 LC_ALL=C.UTF-8 -- --demo-dir "$UI_DEMO"
ui_keys 4
ui_expect 'user0000@example\.net +to do' "the table shows the first of 10,001 users" 20
ui_expect ' 1-[0-9]+/10001$' "the table says which rows of 10,001 it shows"
page=$(printf '%s\n' "$screen" | sed -n 's/.* 1-\([0-9]*\)\/10001$/\1/p')
ui_expect '0宛先テスト@example\.net +to do' "a name in wide characters is listed"
# Its state column lines up with the others' (measured in columns).
col() { printf '%s\n' "$screen" | grep -F -- "$1" | grep 'to do' | head -n 1 | sed 's/to do.*//' | tr -d '\n' | wc -L; }
is "$(col '0宛先テスト@')" "$(col 'user0000@')" "wide characters are measured in screen columns"
ui_keys PgDn
ui_expect " $((page + 1))-$((2 * page))/10001$" "PgDn shows the next page"
ui_keys End
ui_expect 'user9999@example\.net' "End shows the last user"
ui_expect " $((10001 - page + 1))-10001/10001$" "End shows the last page"
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
