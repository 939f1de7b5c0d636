## tests/tests.mk - make check: C unit tests (TAP, linked to the engine
## library only) and bash tests of the real binary (TAP), some in the lab.
TEST_EXTENSIONS = .sh
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
SH_LOG_DRIVER = $(LOG_DRIVER)
# No test may hang the suite: each is stopped after TEST_TIME_LIMIT
# seconds (its log then lacks a plan, which counts as an error).
TEST_TIME_LIMIT = 900
LOG_COMPILER = timeout --kill-after=20 $(TEST_TIME_LIMIT)
SH_LOG_COMPILER = $(LOG_COMPILER) bash
AM_TESTS_ENVIRONMENT = top_srcdir='$(abs_top_srcdir)'; top_builddir='$(abs_top_builddir)'; \
	MXMOVE='$(abs_top_builddir)/mxmove'; export top_srcdir top_builddir MXMOVE;

UNIT_CFLAGS = $(AM_CFLAGS) -I$(top_srcdir)/tests/unit
UNIT_LDADD = $(ENGINE_LIBS)

check_PROGRAMS += tests/unit/test-core
tests_unit_test_core_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_core_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test-core

check_PROGRAMS += tests/unit/test-uidl
tests_unit_test_uidl_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_uidl_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test-uidl
check_PROGRAMS += tests/unit/test-overview
tests_unit_test_overview_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_overview_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test-overview

check_PROGRAMS += tests/unit/test-preflight
tests_unit_test_preflight_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_preflight_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test-preflight

SH_TESTS = tests/cli/basics.sh
SH_TESTS += tests/lab/core.sh

EXTRA_DIST += tests/lib.sh tests/unit/tap.h tests/unit/tree.h tests/lab/lab.sh build-aux/tap-driver.sh
TESTS += $(SH_TESTS)
EXTRA_DIST += $(SH_TESTS)

check_PROGRAMS += tests/unit/test-account
tests_unit_test_account_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_account_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test-account

check_PROGRAMS += tests/unit/test-host-local
tests_unit_test_host_local_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_host_local_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test-host-local

check_PROGRAMS += tests/unit/test-listing
tests_unit_test_listing_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_listing_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test-listing

check_PROGRAMS += tests/unit/test-stamp
tests_unit_test_stamp_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_stamp_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test-stamp
## DNS (issue 4): the Knot lab, the dns/dns-update/probe verbs.
EXTRA_DIST += tests/lab/knot.sh
SH_TESTS += tests/dns/smoke.sh

SH_TESTS += tests/accounts/mariadb-smoke.sh
EXTRA_DIST += tests/lab/mariadb.sh
SH_TESTS += tests/host/sshd-smoke.sh
EXTRA_DIST += tests/lab/sshd.sh
check_PROGRAMS += tests/unit/test-maildir tests/unit/test-mbox
tests_unit_test_maildir_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_maildir_LDADD = $(UNIT_LDADD)
tests_unit_test_mbox_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_mbox_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test-maildir tests/unit/test-mbox
SH_TESTS += tests/store/mbox2maildir.sh
SH_TESTS += tests/store/mbox2maildir-into.sh
SH_TESTS += tests/transfer/dovecot-uidl.sh
EXTRA_DIST += tests/lab/dovecot.sh
SH_TESTS += tests/accounts/create-dovecot.sh
SH_TESTS += tests/accounts/sql-sources.sh

check_PROGRAMS += tests/unit/test-plan
tests_unit_test_plan_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_plan_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test-plan
SH_TESTS += tests/store/mbox-check.sh
SH_TESTS += tests/accounts/preflight.sh

check_PROGRAMS += tests/unit/test-ctlfile
tests_unit_test_ctlfile_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ctlfile_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test-ctlfile
SH_TESTS += tests/uidl/dovecot.sh
SH_TESTS += tests/ledger/ledger.sh
SH_TESTS += tests/ledger/mbox.sh
SH_TESTS += tests/ledger/mbox-ssh.sh

# hostctl: the host layer on the command line, for the lab tests.
check_PROGRAMS += tests/host/hostctl
tests_host_hostctl_SOURCES = tests/host/hostctl.c
tests_host_hostctl_CFLAGS = $(UNIT_CFLAGS) $(CRYPTO_CFLAGS)
tests_host_hostctl_LDADD = $(UNIT_LDADD)
SH_TESTS += tests/host/ssh.sh
SH_TESTS += tests/host/cipher.sh
SH_TESTS += tests/host/check.sh
EXTRA_DIST += tests/bench/ssh-stream.sh
check_PROGRAMS += tests/unit/test-dns
tests_unit_test_dns_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_dns_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test-dns
SH_TESTS += tests/dns/poll.sh
SH_TESTS += tests/dns/update.sh
SH_TESTS += tests/dns/probe.sh
EXTRA_DIST += tests/bench/dns-round.sh
check_PROGRAMS += tests/unit/test-dns-threads
tests_unit_test_dns_threads_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_dns_threads_LDADD = $(UNIT_LDADD)
SH_TESTS += tests/dns/threads.sh

SH_TESTS += tests/transfer/local.sh
SH_TESTS += tests/transfer/hostile.sh
SH_TESTS += tests/transfer/kill.sh
SH_TESTS += tests/transfer/ssh-dovecot.sh
SH_TESTS += tests/transfer/ssh-valgrind.sh
SH_TESTS += tests/transfer/manifest.sh
SH_TESTS += tests/transfer/stamp.sh
SH_TESTS += tests/transfer/groups.sh
SH_TESTS += tests/transfer/group-stream.sh
SH_TESTS += tests/transfer/groups-via-tar.sh
check_PROGRAMS += tests/unit/test-journal
tests_unit_test_journal_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_journal_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test-journal
check_PROGRAMS += tests/unit/test-manifest
tests_unit_test_manifest_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_manifest_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test-manifest


check_PROGRAMS += tests/unit/test-mta-qmail
tests_unit_test_mta_qmail_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_mta_qmail_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test-mta-qmail

SH_TESTS += tests/mta/postfix.sh
SH_TESTS += tests/mta/qmail.sh
SH_TESTS += tests/mta/sendmail.sh
EXTRA_DIST += tests/lab/sendmail.sh
EXTRA_DIST += tests/lab/postfix.sh

check_PROGRAMS += tests/unit/test-mta-sendmail
tests_unit_test_mta_sendmail_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_mta_sendmail_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test-mta-sendmail

SH_TESTS += tests/batch/run.sh
SH_TESTS += tests/batch/freeze-postfix.sh
SH_TESTS += tests/batch/isolation.sh
SH_TESTS += tests/e2e/live.sh
SH_TESTS += tests/e2e/live-kill.sh
SH_TESTS += tests/e2e/live-full.sh
SH_TESTS += tests/e2e/live-cut.sh
EXTRA_DIST += tests/bench/queue.sh
SH_TESTS += tests/accounts/create-system.sh
SH_TESTS += tests/accounts/vpopmail-script.sh
SH_TESTS += tests/ui/frame.sh
EXTRA_DIST += tests/ui/tmux.sh
SH_TESTS += tests/ui/walk.sh
EXTRA_DIST += tests/bench/transfer.sh
SH_TESTS += tests/ui/locale.sh
SH_TESTS += tests/ui/table.sh
SH_TESTS += tests/ui/overview.sh

SH_TESTS += tests/ui/ssh.sh
EXTRA_DIST += tests/bench/ui-keys.sh
SH_TESTS += tests/ui/walk-user.sh

## Fault runs (issue 9): a full filesystem, a cut ssh connection, MariaDB
## restarted during the account reads.
SH_TESTS += tests/faults/mariadb.sh
SH_TESTS += tests/faults/disk-full.sh
SH_TESTS += tests/faults/ssh-cut.sh
check_PROGRAMS += tests/unit/test-transfer-tar
tests_unit_test_transfer_tar_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_transfer_tar_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test-transfer-tar
SH_TESTS += tests/faults/late-folder.sh
