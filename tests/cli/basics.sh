#!/bin/bash
# The command line: --help, --version, verbs, errors.
. "$top_srcdir/tests/lib.sh"

run_mx --help
is "$rc" 0 "--help exits 0"
like "$out" '^Usage: mxmove' "--help starts with Usage"
for verb in check dns dns-update probe queue accounts create-accounts \
    transfer verify mbox2maildir freeze thaw accept-for forward run status; do
	like "$out" "^  $verb " "--help lists the verb $verb"
done

run_mx --version
is "$rc" 0 "--version exits 0"
like "$out" '^mxmove [0-9]+\.[0-9]+' "--version names mxmove's version"
for lib in ncursesw libssh ldns libarchive 'MySQL client'; do
	like "$out" "^  $lib +[0-9a-zA-Z]" "--version shows the $lib version"
done

run_mx frobnicate
is "$rc" 2 "an unknown verb exits 2"
like "$out" "unknown verb 'frobnicate'" "an unknown verb is named"

run_mx --bogus
is "$rc" 2 "an unknown option exits 2"

done_testing
