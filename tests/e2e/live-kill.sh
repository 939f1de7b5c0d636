#!/bin/bash
# The live-mail end-to-end run (tests/e2e/live.sh) with kill -9 of mxmove
# as each step of the five windows starts, each kill followed by a re-run
# of the window: with mail arriving the whole time, every number sent
# must still be on the new host exactly once, and everything else as in
# the uninterrupted run.
E2E_KILL=1
. "$top_srcdir/tests/e2e/live.sh"
