#!/bin/bash
# The live-mail end-to-end run (tests/e2e/live.sh) with the ssh
# connections to the old host cut (their sshd processes killed) while
# window 4 streams a mailbox over a slowed link: the run fails with a
# clear error, no message a mail client can see is half-written, and the
# re-run completes: every number sent still arrives exactly once.
E2E_CUT=1
. "$top_srcdir/tests/e2e/live.sh"
