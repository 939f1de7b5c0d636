## tests/tests.mk - make check: C unit tests (TAP, linked to the engine
## library only) and bash tests of the real binary (TAP), some in the lab.
TEST_EXTENSIONS = .sh
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
SH_LOG_DRIVER = $(LOG_DRIVER)
SH_LOG_COMPILER = bash
AM_TESTS_ENVIRONMENT = top_srcdir='$(abs_top_srcdir)'; top_builddir='$(abs_top_builddir)'; \
	MXMOVE='$(abs_top_builddir)/mxmove'; export top_srcdir top_builddir MXMOVE;

UNIT_CFLAGS = $(AM_CFLAGS) -I$(top_srcdir)/tests/unit
UNIT_LDADD = $(ENGINE_LIBS)

check_PROGRAMS += tests/unit/test-core
tests_unit_test_core_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_core_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test-core

SH_TESTS = tests/cli/basics.sh

EXTRA_DIST += tests/lib.sh tests/unit/tap.h tests/lab/lab.sh build-aux/tap-driver.sh
TESTS += $(SH_TESTS)
EXTRA_DIST += $(SH_TESTS)

check_PROGRAMS += tests/unit/test-host-local
tests_unit_test_host_local_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_host_local_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test-host-local

SH_TESTS += tests/host/sshd-smoke.sh
EXTRA_DIST += tests/lab/sshd.sh

# hostctl: the host layer on the command line, for the lab tests.
check_PROGRAMS += tests/host/hostctl
tests_host_hostctl_SOURCES = tests/host/hostctl.c
tests_host_hostctl_CFLAGS = $(UNIT_CFLAGS) $(CRYPTO_CFLAGS)
tests_host_hostctl_LDADD = $(UNIT_LDADD)
SH_TESTS += tests/host/ssh.sh
check_PROGRAMS += tests/unit/test-maildir tests/unit/test-mbox
tests_unit_test_maildir_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_maildir_LDADD = $(UNIT_LDADD)
tests_unit_test_mbox_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_mbox_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test-maildir tests/unit/test-mbox
SH_TESTS += tests/store/mbox2maildir.sh
SH_TESTS += tests/transfer/dovecot-uidl.sh
EXTRA_DIST += tests/lab/dovecot.sh
SH_TESTS += tests/transfer/local.sh
SH_TESTS += tests/transfer/hostile.sh
SH_TESTS += tests/transfer/kill.sh
SH_TESTS += tests/transfer/ssh-dovecot.sh
check_PROGRAMS += tests/unit/test-journal
tests_unit_test_journal_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_journal_LDADD = $(UNIT_LDADD)
TESTS += tests/unit/test-journal
EXTRA_DIST += tests/bench/transfer.sh
