# tests/lib.sh - TAP helpers for the shell tests of the real binary.
# Source it first; the test ends with "done_testing".
# MXMOVE, top_srcdir and top_builddir come from the test environment
# (Makefile.am's AM_TESTS_ENVIRONMENT).

: "${top_srcdir:=.}" "${top_builddir:=.}"
: "${MXMOVE:=$top_builddir/mxmove}"
export LC_ALL="${LC_ALL:-C.UTF-8}"
_tap_n=0
_tap_failed=0

ok() {		# ok COND-STATUS DESCRIPTION
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_failed=$((_tap_failed + 1))
	fi
}

is() {		# is GOT WANT DESCRIPTION
	if [ "$1" = "$2" ]; then ok 0 "$3"; else
		ok 1 "$3"
		printf '#   got:  %s\n#   want: %s\n' "$1" "$2" | sed '3,$s/^/#   /'
	fi
}

like() {	# like TEXT EXTENDED-REGEX DESCRIPTION
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then ok 0 "$3"; else
		ok 1 "$3"
		printf '%s\n' "$1" | head -n 20 | sed 's/^/#   | /'
		printf '#   did not match: %s\n' "$2"
	fi
}

unlike() {	# unlike TEXT EXTENDED-REGEX DESCRIPTION
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok 1 "$3"
		printf '#   matched: %s\n' "$2"
	else ok 0 "$3"; fi
}

diag() { printf '# %s\n' "$*"; }

bail() { echo "Bail out! $*"; exit 1; }

# skip_all REASON: the whole file cannot run here (never used to hide a
# failure: only for a missing privilege or tool a developer may lack).
skip_all() { echo "1..0 # SKIP $*"; exit 0; }

done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
}

# run_mx ARGS...: run the binary; sets $out (stdout+stderr) and $rc.
# maildir_compare SRC DST: prints "N BAD": the messages in DST's new/ and
# cur/ (folders too; a stage is no folder: no client sees it), and how
# many are not whole copies of SRC's message of the same unique name or
# are there twice. A missing DST counts 0.
maildir_compare() {
	python3 - "$1" "$2" <<'PY'
import os, sys
def msgs(root):
    out = {}
    for dp, dn, fn in os.walk(root):
        parts = os.path.relpath(dp, root).split(os.sep)
        if parts[-1] not in ("new", "cur") or len(parts) > 2 or \
                (len(parts) == 2 and not parts[0].startswith(".")):
            continue
        folder = parts[0] if len(parts) == 2 else ""
        for f in fn:
            out.setdefault(folder + "/" + f.split(":")[0], []).append(os.path.join(dp, f))
    return out
src = msgs(sys.argv[1])
dst = msgs(sys.argv[2]) if os.path.isdir(sys.argv[2]) else {}
bad = [k for k, v in dst.items() if len(v) > 1 or k not in src or
       open(v[0], "rb").read() != open(src[k][0], "rb").read()]
print("%d %d" % (len(dst), len(bad)))
PY
}

# put_msg DIR NAME TEXT [MTIME]: a message DIR/NAME (its directories
# made), subject and body TEXT, modified at MTIME (default 1700000000).
put_msg() {
	mkdir -p "$(dirname "$1/$2")"
	printf 'From: x@example.test\nSubject: %s\n\n%s\n' "$3" "$3" >"$1/$2"
	touch -d "@${4:-1700000000}" "$1/$2"
}

# gen_maildir ROOT COUNT SEED SIZE...: a Maildir of COUNT messages, one
# in 7 in .Sent, one in 3 unread in new/ (the others :2,S in cur/), each
# about a SIZE picked at random (the same files for the same SEED).
gen_maildir() {
	python3 - "$@" <<'PY'
import os, random, sys
root, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
sizes = [int(s) for s in sys.argv[4:]]
random.seed(seed)
for d in ("new", "cur", "tmp", ".Sent/new", ".Sent/cur", ".Sent/tmp"):
    os.makedirs(os.path.join(root, d), exist_ok=True)
for i in range(count):
    folder = ".Sent/" if i % 7 == 0 else ""
    sub, info = ("new", "") if i % 3 == 0 else ("cur", ":2,S")
    name = "%d.M%dP%d.old.example.test%s" % (1700000000 + i, i, 4242, info)
    with open(os.path.join(root, folder + sub, name), "w") as f:
        f.write("Subject: %d\n\n" % i + ("%d " % i) * (random.choice(sizes) // 4) + "\n")
PY
}

# slow_tar DIR: DIR/tar, a tar whose "tar c" streams at about 800 KB/s
# (16 KB every 20 ms), for an old host's PATH: a transfer then takes
# long enough to be killed or cut in the middle.
slow_tar() {
	mkdir -p "$1" && cat >"$1/tar" <<'FAKE' && chmod 755 "$1/tar"
#!/bin/sh
case "$1" in
c*) /usr/bin/tar "$@" | python3 -c '
import sys, time
i, o = sys.stdin.buffer, sys.stdout.buffer
while True:
    b = i.read(16384)
    if not b: break
    o.write(b); o.flush(); time.sleep(0.02)' ;;
*) exec /usr/bin/tar "$@" ;;
esac
FAKE
}

run_mx() {
	out=$("$MXMOVE" "$@" 2>&1)
	rc=$?
}
