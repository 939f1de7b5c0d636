#!/bin/bash
# kill -9 at several moments of a transfer (a slow old host), then resume:
# the target never shows part of a message, and the re-run ends with
# exactly the source's set: nothing lost, nothing twice.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
lab_enter "$@"
command -v python3 >/dev/null || skip_all "python3 is missing"

OLD=$LAB/old NEW=$LAB/new
mkdir -p "$NEW/home/kim"
chown 2001:2001 "$NEW/home/kim"
gen_maildir "$OLD/home/kim/Maildir" 300 7 600 2000 4000 4000 9000 30000
# The old host's tar, slowed down: about 1 s for the whole mailbox.
slow_tar "$LAB/fakebin"

# check: every message on the target is whole and equal to the source's
# (by unique name), and no unique name is there twice (tests/lib.sh).
check() { maildir_compare "$OLD/home/kim/Maildir" "$NEW/home/kim/Maildir"; }

mx() {	# exec: in the background, $! is mxmove itself
	PATH="$LAB/fakebin:$PATH" exec "$MXMOVE" transfer --from "local:$OLD" \
	    --to "local:$NEW" --state "$LAB/state" --user kim "$@" >"$LAB/run.out" 2>&1
}
i=0
for point in 1.0 1.2 1.3 1.5 0.4 1.8; do
	i=$((i + 1))
	via=""
	[ $((i % 2)) -eq 0 ] && via="--via-tar --chunk 60000"
	mx $via &
	pid=$!
	sleep "$point"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	r=$(check)
	diag "kill -9 after ${point}s ${via:-(disk)}: $r (messages on the target, bad)"
	is "${r#* }" 0 "kill -9 after ${point}s ${via:-(disk)}: only whole messages, none twice"
done
interrupted=$(tail -n 1 "$LAB/state/journal" | cut -f3)
(mx)
rc=$?
is "$rc" 0 "the re-run ends verified"
like "$(cat "$LAB/run.out")" 'kim: verified: [0-9]+ copied .* source 300 messages' "it finishes the copy"
if [ "$interrupted" = start ]; then
	like "$(cat "$LAB/run.out")" 'resuming after an interrupted pass' \
	    "the journal told it the last pass was interrupted"
else
	unlike "$(cat "$LAB/run.out")" 'resuming' "the last pass had ended: no resume"
fi
r=$(check)
is "$r" "300 0" "exactly the source's 300 messages on the target"
ok "$([ ! -e "$NEW/home/kim/Maildir/mxmove-stage" ]; echo $?)" "no stage left"
is "$(find "$NEW/home/kim/Maildir/tmp" -type f | wc -l)" 0 "nothing left in tmp/"
like "$(tail -n 1 "$LAB/state/journal")" 'kim	done	' "the journal ends with done"

# Killed after its last message went in: nothing is left to copy, but
# the stage is; the next pass clears it.
mkdir -p "$NEW/home/kim/Maildir/mxmove-stage"
: >"$NEW/home/kim/Maildir/mxmove-stage/leftover"
printf '%s\tkim\tstart\t\n' "$(date +%s)" >>"$LAB/state/journal"
(mx)
ok "$([ ! -e "$NEW/home/kim/Maildir/mxmove-stage" ]; echo $?)" \
    "a pass with nothing to copy clears the stage an interrupted pass left"
is "$(check)" "300 0" "and the 300 messages stay as they were"
done_testing
