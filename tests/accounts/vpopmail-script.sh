#!/bin/bash
# The vpopmail target. vpopmail is not packaged for Debian, so it is
# tested through what mxmove generates: the script read back (vadddomain,
# vadduser -e HASH -q QUOTA, vmoduser for flags, vuserinfo -d read-back,
# hostile names refused), and the commands' words checked by stand-in
# programs that only record the argv they receive (proof of the quoting,
# NOT of vpopmail's behaviour) and answer vuserinfo -d with a hashed
# directory different from the source's (the vpopmail seed).
. "$top_srcdir/tests/lib.sh"
T=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$T"' EXIT

OLD=$T/old
D=$OLD/home/vpopmail/domains/example.test
mkdir -p "$OLD/etc" "$OLD/var/qmail/users" "$D"
echo "vpopmail:x:89:89::/home/vpopmail:/bin/false" >"$OLD/etc/passwd"
echo "+example.test-:example.test:89:89:/home/vpopmail/domains/example.test:-::" >"$OLD/var/qmail/users/assign"
H1='$6$saltsalt$Zq1l/EbJ0mSZ4mCnrX8l5sT4y8X9b2FQm2e3b7H0K9m0g6Pp1sGvYQ0h7p1dN0Qe3lT4r1lF8hCkQ5xj0zAx.'
H2='$1$abcdefgh$0123456789abcdefghijkl'
cat >"$D/vpasswd" <<EOF
jdoe:$H1:1:0:John O'Doe "JD":/home/vpopmail/domains/example.test/jdoe:5000000S,100C:
noimap:$H2:1:10::/home/vpopmail/domains/example.test/1/noimap:NOQUOTA
bad;rm:$H2:1:0::/home/vpopmail/domains/example.test/bad:NOQUOTA
EOF

# Stand-ins in a private vpopmail dir: record argv, remember added users.
V=$T/vpop
mkdir -p "$V/bin" "$V/state"
for p in vadddomain vadduser vmoduser; do
	cat >"$V/bin/$p" <<EOF
#!/bin/sh
{ printf '%s' "$p"; for a in "\$@"; do printf ' [%s]' "\$a"; done; echo; } >>"$V/argv.log"
[ "$p" = vadduser ] && eval "last=\\\${\$#}" && : >"$V/state/\$last"
exit 0
EOF
done
cat >"$V/bin/vdominfo" <<EOF
#!/bin/sh
[ -e "$V/state/domain-\$2" ] && exit 0
: >"$V/state/domain-\$2"; exit 1
EOF
cat >"$V/bin/vuserinfo" <<EOF
#!/bin/sh
[ -e "$V/state/\$2" ] || exit 1
u=\${2%@*}; echo "/home/vpopmail/domains/example.test/7/\$u"
EOF
chmod +x "$V"/bin/*

run_mx create-accounts --from "local:$OLD" --to local: --target vpopmail \
    --target-vpopmail-dir "$V" --script "$T/vpop.sh"
is "$rc" 0 "--script exits 0"
is "$(stat -c %a "$T/vpop.sh")" 600 "the script is 0600"
s=$(cat "$T/vpop.sh")
sh -n "$T/vpop.sh"
ok $? "the script is valid sh"
like "$s" "if $V/bin/vdominfo -d example.test >/dev/null 2>&1; then" "the domain is checked first"
like "$s" "elif $V/bin/vadddomain -r example.test" "vadddomain with a random postmaster password"
like "$s" "$V/bin/vadduser -q 5000000 -c 'John O'\\\\''Doe \"JD\"' -e '\\\$6\\\$saltsalt\\\$Zq1l" "vadduser -q QUOTA -c GECOS -e HASH, every word quoted"
like "$s" "printf '%s\\\\t%s\\\\n' jdoe@example.test \"\\\$\\($V/bin/vuserinfo -d jdoe@example.test\\)\"" "the directory vpopmail chose is read back"
like "$s" "$V/bin/vmoduser -p -i noimap@example.test" "flags 10 (no POP, no IMAP) are set again with vmoduser"
like "$s" "# refused: the name holds characters" "the name with ';' is refused"
is "$(grep -v '^#' "$T/vpop.sh" | grep bad)" "echo refused: 'bad;rm@example.test' >&2" \
    "outside comments it appears only once, quoted, in the refusal message"

out=$(sh "$T/vpop.sh" 2>&1)
is "$?" 1 "running it: exit 1 (one refused)"
like "$out" "created: jdoe@example.test" "created (stand-ins)"
like "$out" "jdoe@example.test	/home/vpopmail/domains/example.test/7/jdoe" "the read-back line records the new directory"
like "$(cat "$V/argv.log")" "vadduser \\[-q\\] \\[5000000\\] \\[-c\\] \\[John O'Doe \"JD\"\\] \\[-e\\] \\[\\\$6\\\$saltsalt\\\$Zq1l[^]]*\\] \\[jdoe@example.test\\]" \
    "each word reaches vadduser intact: the gecos with quotes, the hash with \$"
grep -qF "[$H1]" "$V/argv.log"
ok $? "the hash arrives byte for byte"

# The direct run: the same commands, and the directory read back.
rm -rf "$V/state"/* "$V/argv.log"
run_mx create-accounts --from "local:$OLD" --to local: --target vpopmail \
    --target-vpopmail-dir "$V" --map "$T/map.tsv"
like "$out" "created jdoe@example.test /home/vpopmail/domains/example.test/7/jdoe/Maildir" "the Maildir is where vpopmail said, not where it was"
like "$(cat "$T/map.tsv")" "jdoe@example.test	/home/vpopmail/domains/example.test/jdoe/Maildir	/home/vpopmail/domains/example.test/7/jdoe/Maildir	created" \
    "--map: source and target Maildirs differ (hashing)"
grep -qF "[$H1]" "$V/argv.log"
ok $? "the direct run passes the same hash"
run_mx create-accounts --from "local:$OLD" --to local: --target vpopmail \
    --target-vpopmail-dir "$V"
like "$out" "0 created, 3 already there" "a re-run: the domain and both users exist"
run_mx create-accounts --from "local:$OLD" --to "local:$T" --target vpopmail --target-vpopmail-dir "$V"
like "$out" "script \\(--script FILE\\)" "on a local:ROOT copy the vpopmail target only writes the script"
done_testing
