#!/bin/bash
# The mbox sanity scan: every kind of suspicious spot, with its offset.
. "$top_srcdir/tests/lib.sh"
t=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$t"' EXIT

# A clean mbox: no findings, exit 0.
printf 'From a@example.test Mon Nov  2 10:00:00 2026\nSubject: one\n\nhello\n>From quoted\n\nFrom b@example.test Tue Nov  3 10:00:00 2026\nSubject: two\n\nbye\n' >"$t/clean"
run_mx mbox-check "$t/clean"
is "$rc" 0 "a clean mbox passes"
like "$out" "clean: 2 messages, [0-9]+ bytes, 0 suspicious spots" "it counts two messages"

# The UW-IMAP pseudo message, an unescaped From line, a bad date.
{
	printf 'From MAILER-DAEMON Mon Nov  2 09:00:00 2026\n'
	printf "Subject: DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA\nX-IMAP: 1 2\n\npseudo\n\n"
	printf 'From a@example.test Mon Nov  2 10:00:00 2026\nSubject: one\n\nhello\n'
	printf 'From the desk of the CEO\n\n'
	printf 'From b@example.test Tue Nov  3 10:00:00 2026\nSubject: two\n\nbye\n\n'
	printf 'From nobody on a day that never was\nrest\n'
} >"$t/uw"
off_unescaped=$(grep -bo 'From the desk' "$t/uw" | cut -d: -f1)
off_baddate=$(grep -bo 'From nobody' "$t/uw" | cut -d: -f1)
run_mx mbox-check "$t/uw"
is "$rc" 1 "a suspicious mbox exits 1"
like "$out" "offset 0: UW-IMAP pseudo message" "the pseudo message is reported at offset 0"
like "$out" "offset $off_unescaped \(line [0-9]+\): \"From \" line without a blank line before it: From the desk" \
    "the unescaped From line is reported at its byte offset ($off_unescaped)"
like "$out" "offset $off_baddate \(line [0-9]+\): From_ line whose date does not parse" \
    "the From_ line with a bad date is reported at its byte offset ($off_baddate)"
like "$out" "uw: 3 messages" "three separators are real"

# Content-Length that disagrees (mboxcl2), and mixed line endings.
{
	printf 'From a@example.test Mon Nov  2 10:00:00 2026\nContent-Length: 6\n\nhello\n\n'
	printf 'From b@example.test Tue Nov  3 10:00:00 2026\nContent-Length: 999\n\nshort\n\n'
	printf 'From c@example.test Wed Nov  4 10:00:00 2026\r\nSubject: crlf\r\n\r\nbody\r\n'
} >"$t/cl"
run_mx mbox-check "$t/cl"
off_b=$(grep -bo 'From b@' "$t/cl" | cut -d: -f1)
like "$out" "offset $off_b: Content-Length disagrees" "the wrong Content-Length is reported at its message ($off_b)"
unlike "$out" "offset 0: Content-Length" "the right Content-Length is not"
like "$out" "mixed line endings" "mixed line endings are reported"

# Garbage before the first From_ line; a missing file.
printf 'garbage\nFrom a@example.test Mon Nov  2 10:00:00 2026\n\nx\n' >"$t/garbage"
run_mx mbox-check "$t/garbage"
like "$out" "offset 0 \(line 1\): bytes before the first From_ line" "bytes before the first From_ line"
run_mx mbox-check "$t/missing"
is "$rc" 1 "a missing file exits 1"
like "$out" "missing: No such file or directory" "and says why"
run_mx mbox-check
is "$rc" 2 "no argument is a usage error"
done_testing
