#!/bin/bash
# Window 3's freeze on an old host whose MTA is Postfix: the plan's
# domains must not be handed to a freeze that holds every delivery (it
# refused them, so batch mode and the wizard could not freeze Postfix or
# sendmail at all). Found by the live end-to-end run (tests/e2e/live.sh).
. "$top_srcdir/tests/lib.sh"
command -v postconf >/dev/null || skip_all "postfix is missing"
t=$(mktemp -d) || bail "mktemp"
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$t"' EXIT
d=$t/demo

"$MXMOVE" run --demo "$d" --step 1 --yes >/dev/null 2>&1 || bail "the demo's window 1"
mkdir -p "$d/old/etc/postfix" || bail "mkdir"
printf '# the old host\nmydestination = example.com, localhost\n' >"$d/old/etc/postfix/main.cf"
sed -i '/^mta_old =/d' "$d/plan"
echo 'mta_old = postfix' >>"$d/plan"

# Window 3 until its freeze is done or failed (its one-TTL wait is not
# needed here: stop the run there).
"$MXMOVE" run --plan "$d/plan" --step 3 --yes >"$t/out" 2>"$t/err" &
pid=$!
n=0
while ! grep -qE '3\.freeze (done|failed)' "$t/err" && kill -0 "$pid" 2>/dev/null &&
    [ $n -lt 600 ]; do
	sleep 0.1
	n=$((n + 1))
done
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
pid=
like "$(cat "$t/err")" '3\.freeze done: ' "the freeze of a Postfix old host is done"
unlike "$(cat "$t/err")" 'do not apply' "no domain list handed to Postfix"
like "$(cat "$d/old/etc/postfix/main.cf")" '^defer_transports = local, virtual$' \
    "main.cf defers local and virtual delivery"
like "$(cat "$d/old/etc/postfix/main.cf")" '^# the old host$' "and keeps the rest"
ok "$(test -n "$(find "$d/old/etc/postfix" -name '*freeze*' 2>/dev/null)"; echo $?)" \
    "the freeze is recorded on the host for the thaw"
done_testing
