#!/bin/bash
# The wizard's frame in a real terminal (tmux): the five windows, the
# three live panels, help, the log, the plan form with validation, quit,
# resizing from 80x24 to 200x60 and back.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/ui/tmux.sh"

ui_start 80 24 LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen -- --demo-dir "$UI_DEMO"
ui_expect 'Window 1 of 5: Before' "window 1 opens first"
for t in '1 Before' '2 Accounts' '3 Dead-MX cutover' '4 Transfer' '5 Forwarding'; do
	ui_expect "$t" "the step bar names '$t'"
done
ui_expect 'MX poll' "the MX poll panel is shown"
ui_expect 'Queues' "the queue panel is shown"
ui_expect 'Transfer ─|─ Transfer' "the transfer panel is shown"
ui_expect 'example\.com\. +[0-9]+ IN MX 10 mail\.example\.com\.' \
    "the MX panel shows the zone's MX dig-style with its TTL"
ui_expect 'old: queue 2' "the queue panel counts the old host's qmail queue"
ui_expect 'new: queue 0' "the queue panel counts the new host's queue"
ui_expect 'F1 help' "the footer lists the keys"

n=1
for w in 'Accounts' 'Dead-MX cutover' 'Transfer' 'Forwarding'; do
	n=$((n + 1))
	ui_keys Tab
	ui_expect "Window $n of 5: $w" "Tab reaches window $n"
done
ui_keys Tab
ui_expect 'Window 1 of 5: Before' "Tab wraps to window 1"
ui_keys 3
ui_expect 'Window 3 of 5: Dead-MX cutover' "the digit 3 jumps to window 3"
ui_expect 'Dead IP 127\.0\.0\.9' "window 3 shows the dead IP probe line"
ui_keys BTab
ui_expect 'Window 2 of 5: Accounts' "Shift-Tab goes back"
ui_keys 1

ui_keys F1
ui_expect 'Help: Before' "F1 opens the help of the window"
ui_expect 'authoritative' "the help explains the step"
ui_keys Escape
ui_wait 'Window 1 of 5' && ui_keys 4 '?'
ui_expect 'Help: Transfer' "? opens the help of window 4"
ui_keys q
ui_expect 'Window 4 of 5' "q closes the help, not the wizard"
unlike "$screen" 'MXMOVE-EXIT' "the wizard still runs"

ui_keys l
ui_expect '─ Log ' "l opens the log"
ui_expect '20[0-9-]+T[0-9:.]+Z (old|new) [0-9-]+ [0-9.]+s' "the log shows the audit log's lines (time, host, status, duration)"
ui_keys Escape

# The plan form: a bad address is refused, the file keeps the old one.
ui_keys p
ui_expect 'The plan' "p opens the plan form"
ui_expect 'dead_ip +127\.0\.0\.9' "the form shows the plan's values"
ui_keys Down Down Down Down Enter C-u '300.1.1.1' Enter
ui_expect "dead_ip: '300\.1\.1\.1' is not an IP address" \
    "a bad dead_ip is refused with a message"
ui_keys C-u '127.0.0.19' Enter
ui_expect 'The plan is complete' "a good value is taken"
ui_keys Escape
ui_expect 'Plan saved to' "closing the form saves the plan"
is "$(sed -n 's/^dead_ip = //p' "$UI_DEMO/plan")" 127.0.0.19 \
    "the plan file holds the new dead_ip"
is "$(stat -c %a "$UI_DEMO/plan")" 600 "the plan file is mode 0600"

# Resize: 80x24 -> 200x60 -> 80x24.
ui_keys 1
ui_resize 200 60
ui_expect 'example\.com\. +[0-9]+ +IN +MX +10 mail\.example\.com\. +serial [0-9]+' \
    "at 200x60 the MX panel has room for the serial and age"
i=0
while ! ui_screen | sed -n 60p | grep -q 'F1 help' && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
like "$(ui_screen | sed -n 60p)" 'F1 help' "at 200x60 the footer is on line 60"
ui_expect 'Earliest safe cutover' "the body is whole at 200x60"
ui_resize 80 24
ui_wait 'Window 1 of 5' 10
ui_expect '^ +1 Before +2 Accounts' "back at 80x24 the step bar is redrawn"
unlike "$(ui_screen | sed -n 25,60p)" '.' "nothing is left below line 24"
ui_resize 50 12
ui_expect 'too small' "a tiny terminal gets a message, not garbage"
ui_resize 80 24
ui_expect 'Window 1 of 5' "and the wizard comes back"

ui_keys q
ui_expect 'MXMOVE-EXIT=0' "q quits with status 0"

# The plan is resumed on the next start.
ui_keys C-c
tmux -S "$UI_SOCK" kill-server 2>/dev/null
ui_start 80 24 LANG=C.UTF-8 LC_ALL=C.UTF-8 -- --demo-dir "$UI_DEMO"
ui_keys p
ui_expect 'dead_ip +127\.0\.0\.19' "the next start resumes the saved plan"
ui_keys Escape
ui_wait 'Window 1 of 5'
ui_keys C-c
ui_expect 'MXMOVE-EXIT=130' "Ctrl-C quits with 130, through the normal way out"
ui_expect '^MXMOVE-EXIT=130' "and the terminal is restored (the shell writes at column 0)"

done_testing
