#!/bin/bash
# The whole demo, walked for real in a terminal: every window's checklist
# confirmed after its preview, zone edits through the zone-file back-end,
# accounts created, mailboxes copied and converted, MX moved and the final
# report written; then the moved mail is checked on disk.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/ui/tmux.sh"

zone=$UI_DEMO/zone/example.com.zone

# wait_state ID STATE [SECONDS]
wait_state() {
	file_wait "$UI_DEMO/plan" "^state\.$1 = $2\$" "${3:-20}"
	is "$(plan_state "$1")" "$2" "step $1 is $2"
}

ui_start 80 24 LANG=C.UTF-8 LC_ALL=C.UTF-8 -- --demo-dir "$UI_DEMO"
ui_expect 'Window 1 of 5: Before' "the demo opens on window 1"
zone_before=$(cat "$zone")

# Window 1: check all, preview, confirm.
ui_keys a
ui_enter_confirm
ui_expect 'Run these steps\?' "Enter asks before running anything"
ui_expect '== Check the old host' "the confirmation lists the steps"
ui_page_to 'update delete example\.com\. MX' \
    "the DNS update is previewed before it is made"
is "$(cat "$zone")" "$zone_before" "nothing changed before the confirmation"
ui_keys y
for s in check-old check-new accept-names read-zone lower-ttl wait-ttl; do
	wait_state "1.$s" done
done
like "$(cat "$zone")" 'example\.com\.	30	IN	MX	10 mail\.example\.com\.' \
    "the zone file holds the MX with the low TTL"
grep -q '^new\.example\.com$' "$UI_DEMO/old/var/qmail/control/locals"
ok $? "stage zero: the old host accepts the new host's name"
ui_expect 'Earliest safe cutover: in ' "window 1 counts down to the safe cutover"
ui_expect '1 Before ✓' "window 1 is ticked in the step bar"

# Window 2: read and create the accounts.
ui_keys Tab
ui_expect 'Window 2 of 5: Accounts'
ui_keys a
ui_enter_confirm
ui_expect 'Run these steps\?' "window 2 asks first"
is "$(ls "$UI_DEMO/new/home")" vpopmail "no account exists before the confirmation"
ui_keys y
wait_state 2.read done
wait_state 2.create done
ui_expect 'done +Create domains' "window 2 shows the accounts created"
[ -d "$UI_DEMO/new/home/alice/Maildir/cur" ]
ok $? "alice has an empty Maildir on the new host"
grep -q '^info@example\.net:{CRYPT}\$1\$infosl\$' "$UI_DEMO/new/etc/dovecot/users"
ok $? "info@example.net keeps its MD5 hash in the Dovecot passwd-file"

# Window 3: probe, freeze, MX to the dead IP, poll, one TTL (30 s).
ui_keys Tab
ui_expect 'Window 3 of 5: Dead-MX cutover'
ui_keys a
ui_enter_confirm
ui_expect 'Run these steps\?'
ui_page_to 'chmod 1755 /home/alice' "the freeze is previewed: the sticky bit"
ui_keys y
wait_state 3.probe-dead done
ui_expect 'Dead IP 127\.0\.0\.9: refused' "the dead IP refuses port 25"
wait_state 3.freeze done
is "$(stat -c %a "$UI_DEMO/old/home/alice")" 1755 "alice's old home is sticky"
wait_state 3.mx-dead done
like "$(cat "$zone")" 'MX	10 mx-dead\.example\.com\.' "MX points at the dead name"
wait_state 3.poll-dead done
ui_expect 'One TTL: .* left' "window 3 counts down one TTL"
wait_state 3.wait-ttl done 60

# Window 4: copy, verify, catch up.
ui_keys Tab
ui_expect 'Window 4 of 5: Transfer'
ui_expect 'alice +to do' "the per-user table lists the users"
ui_expect '1-[0-9]+/6' "the table says it shows part of 6 users"
ui_keys a
ui_enter_confirm
ui_expect 'Run these steps\?'
ui_page_to 'carol: /var/spool/mail/carol -> /home/carol/Maildir' \
    "the preview names each mailbox's way"
ui_keys y
wait_state 4.transfer done 60
wait_state 4.verify done 60
wait_state 4.catch-up done 60
ui_expect 'users 6 of 6 done' "the transfer panel sums up"
ui_expect 'carol +done +3/3' "the table shows carol's 3 messages"

# Window 5: forward, thaw, (no MTA greets in the demo: skip the live
# probe), MX live, poll, (nothing delivers the demo's queue: skip the
# drain), catch-up, report.
ui_keys Tab
ui_expect 'Window 5 of 5: Forwarding'
ui_keys Home Space Space s Down Space Space s Down Space Space
ui_enter_confirm
ui_expect 'Run these steps\?'
ui_page_to 'smtproutes' "the forwarding is previewed (smtproutes)"
ui_keys y
wait_state 5.forward done
wait_state 5.thaw done
is "$(stat -c %a "$UI_DEMO/old/home/alice")" 755 "the thaw took the sticky bit off"
grep -q '^example\.com:\[192\.0\.2\.20\]$' "$UI_DEMO/old/var/qmail/control/smtproutes"
ok $? "the old host relays example.com to the live address"
is "$(plan_state 5.probe-live)" skipped "the live probe was skipped"
wait_state 5.mx-live done
wait_state 5.poll-live done
like "$(cat "$zone")" 'MX	10 mx-live\.example\.com\.' "MX points at the live name"
wait_state 5.catch-up done 60
wait_state 5.report done
ui_expect 'Final report: ' "window 5 names the final report"
report=$UI_DEMO/report.txt
like "$(cat "$report")" 'Total: 6 user\(s\), 6 verified; 13 message' \
    "the report: 6 users, 13 messages, all verified"
is "$(stat -c %a "$report")" 600 "the report is mode 0600"

ui_keys q
ui_expect 'MXMOVE-EXIT=0' "the wizard quits with status 0"

# The mail on disk: every Maildir message of the old host is on the new
# one with the same bytes, flags and mtime; mbox spools became Maildirs.
old=$UI_DEMO/old new=$UI_DEMO/new
pairs="home/alice/Maildir:home/alice/Maildir home/bob/Maildir:home/bob/Maildir
home/vpopmail/domains/example.net/info/Maildir:var/vmail/example.net/info/Maildir
home/vpopmail/domains/example.net/sales/Maildir:var/vmail/example.net/sales/Maildir"
for p in $pairs; do
	src=$old/${p%%:*} dst=$new/${p#*:}
	sums() { (cd "$1" && find . -path './mxmove-stage' -prune -o -type f \
	    \( -path '*/cur/*' -o -path '*/new/*' \) -printf '%P %T@ ' -exec \
	    sha256sum {} \; | awk '{ print $1, $2, $3 }' | sort); }
	is "$(sums "$dst")" "$(sums "$src")" "${p%%:*}: same names, mtimes, bytes"
done
is "$(find "$new/home/carol/Maildir" -type f \( -path '*/cur/*' -o -path '*/new/*' \) | wc -l)" 3 \
    "carol's mbox became 3 Maildir messages"
ls "$new/home/carol/Maildir/cur" | grep -q ':2,FRS$'
ok $? "carol's answered+flagged message keeps its flags (X-Status AF)"
grep -rqx 'From the archive: quoted, not a new message.' "$new/home/carol/Maildir"
ok $? "a quoted >From line stays in its message's body, unquoted once"
is "$(find "$old" -newer "$UI_DEMO/plan" -type f ! -path '*/control/*' ! -name 'mxmove.*' | wc -l)" 0 \
    "no mail file changed on the old host"

done_testing
