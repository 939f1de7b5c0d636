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

## DNS (issue 4): the Knot lab, the dns/dns-update/probe verbs.
EXTRA_DIST += tests/lab/knot.sh
SH_TESTS += tests/dns/smoke.sh
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
