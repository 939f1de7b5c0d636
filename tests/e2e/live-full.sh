#!/bin/bash
# The live-mail end-to-end run (tests/e2e/live.sh) with the new host's
# mail filesystem for the virtual users (/var/vmail, a small tmpfs) full
# when window 4 copies: the run fails with a clear error, no message a
# mail client can see is half-written, and once there is room again the
# re-run completes: every number sent still arrives exactly once.
E2E_FULL=1
. "$top_srcdir/tests/e2e/live.sh"
