#!/bin/bash
# tests/check-all.sh - the whole test suite, as CI runs it (make check-all):
#   1. make check in this build
#   2. make distcheck
#   3. a second build with AddressSanitizer + UndefinedBehaviorSanitizer
#      (warnings are errors) from the tarball, in _build-asan, and make
#      check there
#   4. a short run of every libFuzzer target (tests/fuzz/run.sh)
# It ends with one line "tests: N passed, N failed" (the sum of 1, 3
# and 4, one per TAP result) and exits non-zero when anything failed.
set -u
srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=$(pwd)
jobs=${MX_JOBS:-2}
status=0
passed=0
failed=0

count() {	# count LOGFILE: add its summary to the totals
	local p f e x
	[ -f "$1" ] || { failed=$((failed + 1)); return; }
	p=$(sed -n 's/^# PASS: *//p' "$1" | head -n 1)
	f=$(sed -n 's/^# FAIL: *//p' "$1" | head -n 1)
	e=$(sed -n 's/^# ERROR: *//p' "$1" | head -n 1)
	x=$(sed -n 's/^# XPASS: *//p' "$1" | head -n 1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0} + ${e:-0} + ${x:-0}))
}

show_failures() {	# print the logs of failed tests
	grep -l -E '^(FAIL|ERROR|XPASS)' $(find "$1" -name '*.trs') 2>/dev/null |
	while read -r trs; do
		echo "==== ${trs%.trs}.log"
		tail -n 60 "${trs%.trs}.log"
	done
}

echo "== make check"
make -j"$jobs" check || status=1
count "$builddir/test-suite.log"
[ $status -eq 0 ] || show_failures "$builddir"

echo "== make distcheck"
tarball=$(sed -n 's/^PACKAGE_TARNAME = //p' Makefile)-$(sed -n 's/^PACKAGE_VERSION = //p' Makefile).tar.gz
if make -j"$jobs" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror >distcheck.out 2>&1; then
	tail -n 4 distcheck.out
else
	tail -n 80 distcheck.out
	echo "make distcheck failed"
	failed=$((failed + 1))
	status=1
	make dist >/dev/null 2>&1
fi

echo "== make check with ASan+UBSan (built from the distcheck'd tarball)"
asan="$builddir/_build-asan"
rm -rf "$asan"
mkdir -p "$asan"
if tar -xzf "$builddir/$tarball" -C "$asan" &&
    (cd "$asan/${tarball%.tar.gz}" &&
    ./configure -q --enable-werror --enable-sanitizers &&
    make -j"$jobs" >/dev/null &&
    ASAN_OPTIONS=detect_leaks=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    make -j"$jobs" check); then :; else status=1; fi
count "$asan/${tarball%.tar.gz}/test-suite.log"
[ $status -eq 0 ] || show_failures "$asan"

echo "== fuzz targets, ${MX_FUZZ_SECS:-15} s each"
if bash "$srcdir/tests/fuzz/run.sh" "${MX_FUZZ_SECS:-15}" >fuzz.out 2>&1; then :; else status=1; fi
cat fuzz.out
fok=$(grep -c '^ok ' fuzz.out 2>/dev/null)
fnot=$(grep -c '^not ok ' fuzz.out 2>/dev/null)
[ -s fuzz.out ] || fnot=1	# no output at all: the fuzz run itself failed
passed=$((passed + ${fok:-0}))
failed=$((failed + ${fnot:-0}))

echo "tests: $passed passed, $failed failed"
exit $status
