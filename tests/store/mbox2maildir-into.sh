#!/bin/bash
# mbox2maildir --into: many mboxes in one run, each into DIR/BASENAME, on
# --jobs threads (a thread syncs and links what they convert); the same
# files as one run per mbox; one bad mbox never stops the others; a
# second run adds nothing; clashing names refused.
. "$top_srcdir/tests/lib.sh"

T=$(mktemp -d /tmp/mx-m2mi.XXXXXX) || bail "mktemp"
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/src" "$T/src2"

# mbox NAME COUNT: COUNT messages, every other one read, one X-UIDL each.
mbox() {
	local i
	for i in $(seq 1 "$2"); do
		printf 'From u%d@example.org Mon Nov  2 10:%02d:%02d 2026\n' "$i" $((i / 60 % 60)) $((i % 60))
		printf 'Subject: %s %d\nX-UIDL: %s-%d\n' "$1" "$i" "$1" "$i"
		[ $((i % 2)) -eq 1 ] && printf 'Status: RO\n'
		printf '\nbody %s %d\n>From quoted\n\n' "$1" "$i"
	done >"$T/src/$1"
}
mbox alpha 5
mbox beta 7
mbox gamma 1
for k in $(seq 1 12); do mbox "many$k" "$k"; done
printf 'junk\nFrom a Mon Nov  2 10:00:00 2026\nSubject: good\n\nok\n' >"$T/src/damaged"
mkdir "$T/src/adir"		# not an mbox: a failing one

run_mx mbox2maildir --jobs 3 --into "$T/out" "$T/src/alpha" "$T/src/missing" \
    "$T/src/beta" "$T/src/adir" "$T/src/damaged" "$T/src/gamma"
is "$rc" 1 "a missing, an unreadable and a damaged mbox: status 1"
like "$out" "src/alpha: 5 messages .* converted" "alpha converted"
like "$out" "src/beta: 7 messages .* converted" "beta converted"
like "$out" "src/gamma: 1 messages .* converted" "gamma converted"
like "$out" "src/missing: No such file" "the missing mbox is named with its error"
like "$out" "src/adir: Is a directory" "an mbox that is a directory is named with its error"
ok "$([ ! -e "$T/out/adir" ]; echo $?)" "and gets no Maildir"
like "$out" "src/damaged: byte offset 0: 5 bytes" "the damage is reported with its mbox"
like "$out" "src/damaged: 1 messages .* converted" "and its good message still converted"
is "$(find "$T/out/alpha" "$T/out/beta" "$T/out/gamma" -type f | wc -l)" 13 \
    "every message of the good mboxes is in its Maildir"
is "$(ls "$T/out/alpha/cur" | wc -l) $(ls "$T/out/alpha/new" | wc -l)" "3 2" \
    "read messages in cur/, unread in new/"
ok "$([ ! -e "$T/out/missing" ]; echo $?)" "no Maildir for the missing mbox"
is "$(ls -A "$T/out/alpha/tmp" "$T/out/beta/tmp" | grep -vc ':$\|^$')" 0 "tmp/ left empty"

# The same files, names, flags and mtimes as the one-mbox form.
"$MXMOVE" mbox2maildir "$T/src/beta" "$T/single-beta" >/dev/null 2>&1
listing() { (cd "$1" && find . -type f -printf '%P %s %T@ %m\n' | sort); }
is "$(listing "$T/out/beta")" "$(listing "$T/single-beta")" \
    "--into writes what the one-mbox form writes (names, sizes, mtimes, modes)"
ok "$(diff -r "$T/out/beta" "$T/single-beta" >/dev/null; echo $?)" "byte for byte"

# A second run adds nothing.
run_mx mbox2maildir --into "$T/out" "$T/src/alpha" "$T/src/beta" "$T/src/gamma"
is "$rc" 0 "a second run over clean mboxes: status 0"
is "$(printf '%s\n' "$out" | grep -c ' 0 messages (0 bytes) converted')" 3 \
    "converts nothing in any of them"
like "$out" "src/beta: 0 messages .* 7 already there" "and counts what is there"
is "$(find "$T/out/alpha" "$T/out/beta" "$T/out/gamma" -type f | wc -l)" 13 \
    "no duplicate written"

# Many mboxes on many threads: the same result as one thread.
many=$(for k in $(seq 1 12); do echo "$T/src/many$k"; done)
# shellcheck disable=SC2086
run_mx mbox2maildir --jobs 5 --into "$T/m5" $many
is "$rc" 0 "12 mboxes on 5 threads: status 0"
is "$(printf '%s\n' "$out" | grep -c 'converted, 0 already')" 12 "one report line each"
# shellcheck disable=SC2086
"$MXMOVE" mbox2maildir --jobs 1 --into "$T/m1" $many >/dev/null 2>&1
is "$(find "$T/m5" -type f | wc -l)" 78 "1 + 2 + ... + 12 messages"
is "$(listing "$T/m5")" "$(listing "$T/m1")" "the same files as with --jobs 1"

# Two mboxes with the same name: refused before anything is written.
cp "$T/src/alpha" "$T/src2/alpha"
run_mx mbox2maildir --into "$T/dup" "$T/src/gamma" "$T/src/alpha" "$T/src2/alpha"
is "$rc" 2 "two mboxes named alpha: status 2"
like "$out" "src/alpha and .*src2/alpha would both go into" "the error names both"
ok "$([ ! -e "$T/dup" ]; echo $?)" "nothing written (not even DIR)"

# Dry run: counts, writes nothing.
run_mx mbox2maildir --dry-run --into "$T/dry" "$T/src/alpha" "$T/src/beta"
is "$rc" 0 "--dry-run with --into: status 0"
like "$out" "src/alpha: 5 messages .* to convert" "counts what it would convert"
ok "$([ ! -e "$T/dry" ]; echo $?)" "and writes nothing"

# Bad usage.
run_mx mbox2maildir --into "$T/x"
is "$rc" 2 "--into without an mbox: status 2"
# Many holds: 300 mboxes fill ten holds of 32 and more; one thread syncs
# and links each while the converters go on, and waits for them (at most
# two holds queued): every message ends in place, once.
mkdir -p "$T/src3"
for k in $(seq 1 300); do mbox "h$k" $((k % 3 + 1)); mv "$T/src/h$k" "$T/src3/"; done
run_mx mbox2maildir --jobs 4 --into "$T/h4" "$T"/src3/*
is "$rc" 0 "300 mboxes on 4 threads: status 0"
is "$(printf '%s\n' "$out" | grep -c ': [1-3] messages ([0-9]* bytes) converted, 0 already there')" 300 \
    "each mbox reported once"
is "$(ls "$T/h4" | wc -l)" 300 "300 Maildirs"
is "$(find "$T/h4" \( -path '*/new/*' -o -path '*/cur/*' \) -type f | wc -l)" 600 "all 600 messages in place"
is "$(find "$T/h4" -path "$T/h4/*/tmp/*" | wc -l)" 0 "nothing left in tmp/"
"$MXMOVE" mbox2maildir --jobs 1 --into "$T/h1" "$T"/src3/* >/dev/null 2>&1
is "$(listing "$T/h4")" "$(listing "$T/h1")" "the same files as with --jobs 1"

# Few descriptors: smaller holds, each converter settling its own; too
# few even for that: the error says so (not "not a Maildir").
out=$(ulimit -n 32; "$MXMOVE" mbox2maildir --jobs 4 --into "$T/l32" "$T"/src3/* 2>&1); rc=$?
is "$rc" 0 "a limit of 32 descriptors: status 0"
is "$(listing "$T/l32")" "$(listing "$T/h1")" "the same files"
out=$(ulimit -n 10; "$MXMOVE" mbox2maildir --jobs 4 --into "$T/l10" "$T"/src3/h1* 2>&1); rc=$?
is "$rc" 1 "a limit of 10: status 1"
like "$out" 'Too many open files' "the error names the limit"
is "$(printf '%s\n' "$out" | grep 'Too many open files' | grep -vc 'ulimit -n')" 0 \
    "and each such error says what to do"
unlike "$out" 'not a Maildir' "not a wrong cause"

run_mx mbox2maildir --jobs 2 "$T/src/alpha" "$T/y"
is "$rc" 2 "--jobs without --into: status 2"
run_mx mbox2maildir --jobs 0 --into "$T/x" "$T/src/alpha"
is "$rc" 2 "--jobs 0: status 2"
run_mx mbox2maildir --into "$T/x" "$T/src/.."
is "$rc" 2 "an mbox path without a name: status 2"
ok "$([ ! -e "$T/x" ] && [ ! -e "$T/y" ]; echo $?)" "bad usage writes nothing"
touch "$T/afile"
run_mx mbox2maildir --into "$T/afile" "$T/src/alpha"
is "$rc" 1 "DIR is a file: status 1"
like "$out" "afile: exists and is not a directory" "and says so"

# An mbox its reader may not read (as nobody, root only): the others
# still convert.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	mkdir "$T/nb" && cp "$T/src/alpha" "$T/src/beta" "$T/nb/" &&
	    cp "$T/src/gamma" "$T/nb/secret" && chmod 000 "$T/nb/secret" &&
	    chmod 755 "$T" && chmod 777 "$T/nb" && chmod 644 "$T/nb/alpha" "$T/nb/beta"
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$MXMOVE" mbox2maildir --into "$T/nb/out" "$T/nb/alpha" "$T/nb/secret" "$T/nb/beta" 2>&1)
	rc=$?
	chmod 700 "$T"
	is "$rc" 1 "an unreadable mbox: status 1"
	like "$out" "nb/secret: Permission denied" "it is named with its error"
	is "$(find "$T/nb/out/alpha" "$T/nb/out/beta" -type f | wc -l)" 12 \
	    "the mboxes before and after it are converted"
fi

# Owner option (root only): DIR, the Maildirs and the files.
if [ "$(id -u)" -eq 0 ]; then
	run_mx mbox2maildir --owner 1234:2345 --into "$T/owned" "$T/src/alpha" "$T/src/beta"
	is "$(find "$T/owned" -printf '%U:%G\n' | sort -u)" "1234:2345" \
	    "--owner sets the owner of DIR, the Maildirs and the files"
fi
done_testing
