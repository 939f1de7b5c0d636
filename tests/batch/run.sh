#!/bin/bash
# Batch mode on the demo lab: the wizard's steps without a screen, the
# same states in the plan, previews without --yes, a JSON report, status.
. "$top_srcdir/tests/lib.sh"
t=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$t"' EXIT
d=$t/demo

out=$("$MXMOVE" run --demo "$d" --step 1 2>"$t/err"); rc=$?
is "$rc" 3 "without --yes: previews only, exit 3"
like "$out" '"status": ?"preview"' "the report says preview"
like "$(cat "$t/err")" 'Read only, on local:' "the first step's preview is printed"
zone=$(cat "$d/zone/example.com.zone")

out=$("$MXMOVE" run --demo "$d" --step 1 --yes 2>"$t/err"); rc=$?
is "$rc" 0 "window 1 runs with --yes"
err=$(cat "$t/err")
like "$err" '1\.lower-ttl done: .*TTL 300 -> 30' "the TTL was lowered, with one progress line"
like "$err" '1\.wait-ttl done: every server agrees' "and every server agrees"
unlike "$(cat "$d/zone/example.com.zone")" "^example\.com\.[[:space:]]+300[[:space:]]+IN[[:space:]]+MX" "the zone file no longer has TTL 300 on MX"
[ "$(cat "$d/zone/example.com.zone")" != "$zone" ]
ok $? "the zone file changed for real"
like "$out" '"step": ?"lower-ttl",' "the JSON report lists the steps"
is "$(grep -c '^state\.1\.[a-z-]* = done$' "$d/plan")" 6 "the plan records all six steps of window 1 as done"
is "$(stat -c %a "$d/plan")" 600 "the plan stays 0600"

out=$("$MXMOVE" run --demo "$d" --step 1 --yes 2>"$t/err"); rc=$?
is "$rc" 0 "a re-run of window 1 exits 0"
like "$(cat "$t/err")" '1\.lower-ttl already done' "and does nothing twice"
out=$("$MXMOVE" run --demo "$d" --step 1 --again 1.check-old --yes 2>"$t/err"); rc=$?
is "$rc" 0 "--again 1.check-old: exit 0"
like "$(cat "$t/err")" '1\.check-old done' "the step named with --again runs again"
like "$(cat "$t/err")" '1\.lower-ttl already done' "the others stay done"
run_mx run --demo "$d" --step 1 --again 1.no-such-step --yes
is "$rc" 2 "--again with an unknown step is a usage error"
like "$out" 'no such step' "saying so"

run_mx status --plan "$d/plan"
is "$rc" 0 "status exits 0"
like "$out" 'done +Lower the TTL of MX and A records' "status shows the step done"
like "$out" 'todo +Read accounts' "and what is still to do"
run_mx status --plan "$d/plan" --json
like "$out" '"complete": ?false' "status --json: not complete yet"

run_mx run --plan "$t/nonexistent"
is "$rc" 2 "a missing plan is a usage error"
run_mx run --plan "$d/plan" --step 9
is "$rc" 2 "a bad window number is a usage error"
printf 'old = local:/\nbogus = 1\n' >"$t/bad.plan"
run_mx run --plan "$t/bad.plan" --all
is "$rc" 2 "a malformed plan is refused"
like "$out" 'line 2' "naming the line"
done_testing
