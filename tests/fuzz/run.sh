#!/bin/bash
# tests/fuzz/run.sh SECONDS [TARGET...] - build the libFuzzer targets
# (tests/fuzz/fuzz-*.c) with clang, AddressSanitizer and UBSan, and run
# each for SECONDS from its seed corpus (tests/fuzz/corpus/TARGET).
# Run from a configured build directory (it needs config.h).
# Prints one TAP line per target; a crash keeps its input in
# _build-fuzz/crash-TARGET-* and fails. CI runs 15 s each; for a long
# run: tests/fuzz/run.sh 3600 fuzz-mbox
set -u
secs=${1:-15}; shift || true
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
build=$(pwd)/_build-fuzz
CC=${FUZZ_CC:-clang}
command -v "$CC" >/dev/null || { echo "1..0 # SKIP $CC is missing"; exit 0; }
[ -f config.h ] || { echo "run from a configured build directory" >&2; exit 2; }
mkdir -p "$build/obj"
pkgs="libssh ldns libarchive libmariadb libcrypto json-c libcrypt"
pcflags=$(pkg-config --cflags $pkgs)
plibs=$(pkg-config --libs $pkgs)
flags="-g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -D_GNU_SOURCE -I. -I$srcdir/src -DLOCALEDIR=\"/usr/share/locale\" -DPKGDATADIR=\"/usr/share/mxmove\" $pcflags"

objs=()
for c in "$srcdir"/src/*.c; do
	o=$build/obj/$(basename "${c%.c}").o
	if [ ! -f "$o" ] || [ "$c" -nt "$o" ]; then
		$CC $flags -c "$c" -o "$o" || { echo "Bail out! cannot compile $c"; exit 1; }
	fi
	objs+=("$o")
done

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
	for f in "$srcdir"/tests/fuzz/fuzz-*.c; do
		targets+=("$(basename "${f%.c}")")
	done
fi
n=0 failed=0
for t in "${targets[@]}"; do
	n=$((n + 1))
	if ! $CC $flags -fsanitize=fuzzer "$srcdir/tests/fuzz/$t.c" "${objs[@]}" $plibs \
	    -lpthread -o "$build/$t" 2>"$build/$t.build.log"; then
		echo "not ok $n - $t builds"; failed=$((failed + 1))
		sed 's/^/#   /' "$build/$t.build.log" | head -n 20
		continue
	fi
	corpus=$build/corpus-$t
	mkdir -p "$corpus"
	[ -d "$srcdir/tests/fuzz/corpus/$t" ] && cp -n "$srcdir/tests/fuzz/corpus/$t"/* "$corpus"/ 2>/dev/null
	if (cd "$build" && ASAN_OPTIONS=detect_leaks=1 "./$t" -max_total_time="$secs" \
	    -max_len=65536 -timeout=10 -rss_limit_mb=1024 -artifact_prefix="crash-$t-" \
	    "$corpus") >"$build/$t.log" 2>&1; then
		runs=$(grep -o 'Done [0-9]* runs' "$build/$t.log" | tail -n 1)
		echo "ok $n - $t: ${runs:-ran} in ${secs} s without a crash"
	else
		echo "not ok $n - $t crashed"; failed=$((failed + 1))
		grep -E 'ERROR|SUMMARY|#0 |#1 |#2 |#3 ' "$build/$t.log" | head -n 20 | sed 's/^/#   /'
	fi
done
echo "1..$n"
[ $failed -eq 0 ]
