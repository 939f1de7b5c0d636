#!/bin/bash
# Poll rounds from worker threads, as the wizard runs them: 4 threads at
# once, 5 rounds each, over both lab servers; every round must be complete
# and give the same lines as the verb.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
. "$top_srcdir/tests/lab/knot.sh"
lab_enter "$@"
HELPER=$top_builddir/tests/unit/test-dns-threads
[ -x "$HELPER" ] || bail "$HELPER is not built"
lab_start_knot

out=$("$HELPER" "$KNOT_ZONE" 4 5 "$LAB_DNS1" "$LAB_DNS2")
is "$?" 0 "4 threads x 5 rounds: no error"
rounds=$(printf '%s\n' "$out" | grep -E '^[0-9]+ [0-9]+ ')
is "$(printf '%s\n' "$rounds" | wc -l)" 20 "20 rounds reported"
is "$(printf '%s\n' "$rounds" | awk '$3 == 1 && $4 == 1 && $5 == 2026010101 && $6 == 6' | wc -l)" 20 \
    "every round: all answered, agreeing, serial and 6 lines"
want=$("$MXMOVE" dns "$KNOT_ZONE" --server "$LAB_DNS1" | grep -v '^;;' | grep -v '^$')
is "$(printf '%s\n' "$out" | grep -vE '^[0-9]+ [0-9]+ ')" "$want" \
    "a thread's lines are the verb's lines"

done_testing
