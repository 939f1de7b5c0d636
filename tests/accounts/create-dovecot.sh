#!/bin/bash
# Accounts from files (passwd+shadow at the uid edges, a vpopmail tree with
# hashed directories) created in a Dovecot passwd-file with the same
# hashes, then proved by logging in over POP3 and IMAP with the original
# passwords, for every hash scheme. Idempotent re-run, malformed lines,
# hostile names, the script (0600, every word quoted) and --dry-run.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
. "$top_srcdir/tests/lab/dovecot.sh"
lab_enter "$@"
command -v curl >/dev/null || skip_all "curl is missing"

OLD=$LAB/old
mkdir -p "$OLD/etc" "$OLD/var/qmail/users" "$OLD/var/spool/mail" "$OLD/home"

# crypt SCHEME PASSWORD: a hash made by this machine's libcrypt.
crypt() {
	python3 - "$1" "$2" <<'PY'
import ctypes, sys
c = ctypes.CDLL("libcrypt.so.1")
c.crypt_gensalt.restype = ctypes.c_char_p
c.crypt.restype = ctypes.c_char_p
p = sys.argv[1].encode()
s = b"ab" if p == b"des" else c.crypt_gensalt(p, 0, None, 0)
print(c.crypt(sys.argv[2].encode(), s).decode())
PY
}

# --- the old host: system users (sendmail seed: uid 500..63999) -------
{
	echo "root:x:0:0:root:/root:/bin/bash"
	echo "low:x:499:499::/home/low:/bin/sh"
	echo "udes:x:500:500:DES user:/home/udes:/bin/sh"
	echo "umd5:x:1001:1001::/home/umd5:/bin/sh"
	echo "usha256:x:1002:1002::/home/usha256:/bin/sh"
	echo "usha512:x:1003:1003::/home/usha512:/bin/sh"
	echo "ubcrypt:x:1004:1004::/home/ubcrypt:/bin/sh"
	echo "uyes:x:63999:63999::/home/uyes:/bin/sh"
	echo "high:x:64000:64000::/home/high:/bin/sh"
	echo "ulocked:x:1005:1005::/home/ulocked:/bin/sh"
	echo "ustar:x:1006:1006::/home/ustar:/bin/sh"
	echo "broken:x:1007"
} >"$OLD/etc/passwd"
{
	echo "root:*:19000:0:99999:7:::"
	echo "low:$(crypt '$6$' pw-low):19000:0:99999:7:::"
	echo "udes:$(crypt des pw-des):19000:0:99999:7:::"
	echo "umd5:$(crypt '$1$' pw-md5):19000:0:99999:7:::"
	echo "usha256:$(crypt '$5$' pw-sha256):19000:0:99999:7:::"
	echo "usha512:$(crypt '$6$' 'pw sha512 with spaces'):19000:0:99999:7:::"
	echo "ubcrypt:$(crypt '$2b$' pw-bcrypt):19000:0:99999:7:::"
	echo "uyes:$(crypt '$y$' pw-yescrypt):19000:0:99999:7:::"
	echo "high:$(crypt '$6$' pw-high):19000:0:99999:7:::"
	echo "ulocked:!$(crypt '$6$' pw-locked):19000:0:99999:7:::"
	echo "ustar:*:19000:0:99999:7:::"
} >"$OLD/etc/shadow"
chmod 600 "$OLD/etc/shadow"
echo "users:x:100:" >"$OLD/etc/group"
mkdir -p "$OLD/home/umd5/Maildir/new" "$OLD/home/umd5/Maildir/cur" "$OLD/home/umd5/Maildir/tmp"
: >"$OLD/var/spool/mail/usha256"
printf '&umd5@elsewhere.test\n./Maildir/\n' >"$OLD/home/umd5/.qmail"

run_mx accounts "local:$OLD" --source passwd
is "$rc" 1 "accounts: exit 1 when a malformed line was skipped"
like "$out" "malformed: /etc/passwd line 12: " "the malformed line is named with its file and line"
unlike "$out" "broken" "and never guessed into an account"
for u in udes umd5 usha256 usha512 ubcrypt uyes; do
	like "$out" "^  $u " "uid range: $u is listed"
done
unlike "$out" "  (low|high) " "uid 499 and 64000 are outside the range"
like "$out" "skipped ulocked: locked" "a '!' hash is listed as skipped"
like "$out" "skipped ustar: locked" "a '*' hash is listed as skipped"
like "$out" "umd5 +md5 +\\\$1\\\$.{1,6}\\.\\.\\. .*/home/umd5/Maildir" "umd5: MD5, a hash prefix only, its Maildir"
like "$out" "usha256 .*/var/spool/mail/usha256" "usha256: its mbox spool"
like "$out" "forwards to umd5@elsewhere.test" ".qmail forwards are read"
full=$(grep '^umd5:' "$OLD/etc/shadow" | cut -d: -f2)
case $out in *"$full"*) ok 1 "no full hash is printed";; *) ok 0 "no full hash is printed";; esac
run_mx accounts "local:$OLD" --source passwd --uid-min 400 --uid-max 70000
like "$out" "^  low " "--uid-min/--uid-max widen the range"

# --- a vpopmail tree: assign, hashed domain and user directories -----
VP=$OLD/home/vpopmail
D1=$VP/domains/example.test
D2=$VP/domains/7/hashed.test
mkdir -p "$D1/0/vbob/Maildir/new" "$D1/valice/Maildir/new" "$D1/list/archive" \
    "$D2/vcarol/Maildir/new" "$D1/postmaster/Maildir/new"
cat >"$OLD/var/qmail/users/assign" <<EOF
+example.test-:example.test:89:89:/home/vpopmail/domains/example.test:-::
+hashed.test-:hashed.test:89:89:/home/vpopmail/domains/7/hashed.test:-::
.
EOF
echo "vpopmail:x:89:89::/home/vpopmail:/bin/false" >>"$OLD/etc/passwd"
{
	echo "postmaster:$(crypt '$1$' pw-pm):1:0:Postmaster:/home/vpopmail/domains/example.test/postmaster:NOQUOTA:pw-pm"
	echo "valice:$(crypt '$6$' pw-valice):1:0:Alice V:/home/vpopmail/domains/example.test/valice:5000000S,100C"
	echo "vbob:$(crypt des pw-vbob):2:0::/home/vpopmail/domains/example.test/0/vbob:NOQUOTA:"
	echo "vclear::1:0::/home/vpopmail/domains/example.test/vclear:NOQUOTA:pw-clear"
	echo "evil\$(touch /tmp/mx-pwned):$(crypt '$1$' x):1:0::/home/vpopmail/domains/example.test/evil:NOQUOTA"
	echo "-rf:$(crypt '$1$' x):1:0::/home/vpopmail/domains/example.test/rf:NOQUOTA"
	echo "short:line"
} >"$D1/vpasswd"
echo "vcarol:$(crypt '$5$' pw-vcarol):1:0::/home/vpopmail/domains/7/hashed.test/vcarol:NOQUOTA" >"$D2/vpasswd"
echo "| /home/vpopmail/bin/vdelivermail '' bounce-no-mailbox" >"$D1/.qmail-default"
printf '&valice@example.test\n&vbob@example.test\n' >"$D1/.qmail-info"
echo "|/usr/bin/autorespond 86400 3 $D1/valice/vacation/message $D1/valice/vacation" >"$D1/.qmail-valice"
echo "|/usr/bin/ezmlm/ezmlm-send '$D1/list'" >"$D1/.qmail-list"
echo "|/usr/bin/ezmlm/ezmlm-manage '$D1/list'" >"$D1/.qmail-list-default"

run_mx accounts "local:$OLD"
like "$out" "^source vpopmail: 2 domains" "auto-detected as vpopmail, both domains (one in a bucket)"
like "$out" "vcarol@hashed.test .*/domains/7/hashed.test/vcarol/Maildir" "the hashed domain's user and Maildir"
like "$out" "vbob@example.test +des .*/example.test/0/vbob/Maildir" "a bucketed user dir is read from vpasswd"
like "$out" "valice@example.test .*5000000S,100C" "the quota field"
like "$out" "autoresponder: /usr/bin/autorespond" "the autoresponder is found"
like "$out" "alias info@example.test -> &valice@example.test &vbob@example.test" ".qmail-info is an alias"
like "$out" "mailing list list@example.test in $D1/list|mailing list list@example.test in /home/vpopmail/domains/example.test/list" "the ezmlm list is listed"
unlike "$out" "alias list-default" "the list's own .qmail files are not aliases"
like "$out" "vclear@example.test +plain +\\(plain text\\)" "clear text only: marked plain, never shown"
unlike "$out" "pw-clear" "the clear-text field is never printed"
like "$out" "malformed: .*example.test/vpasswd line 7" "a short vpasswd line is reported with its line"
is "$("$MXMOVE" accounts "local:$OLD" --json 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["accounts"]), len(d["aliases"]), len(d["lists"]), len(d["malformed"]))')" \
    "7 1 1 1" "--json: 7 accounts, 1 alias, 1 list, 1 malformed line"

# --- create them in a Dovecot passwd-file on "new" (this namespace) ---
USERS=$LAB/dovecot/users
mkdir -p "$LAB/dovecot"
: >"$USERS"
chgrp dovecot "$USERS" && chmod 640 "$USERS"	# as an admin sets it up for Dovecot's auth
run_mx create-accounts --from "local:$OLD" --to local: --target dovecot \
    --target-users "$USERS" --mail-root "$LAB/vmail" --owner 5000:5000 --dry-run
is "$rc" 0 "--dry-run exits 0"
is "$(wc -c <"$USERS")" 0 "--dry-run changes nothing"
vfull=$(grep '^valice:' "$D1/vpasswd" | cut -d: -f2)
case $out in *"$vfull"*) ok 1 "--dry-run never prints a full hash";; *) ok 0 "--dry-run never prints a full hash";; esac
like "$out" "valice@example.test:\\{CRYPT\\}\\\$6\\\$" "--dry-run shows the passwd-file line with a hash prefix"

run_mx create-accounts --from "local:$OLD" --to local: --target dovecot \
    --target-users "$USERS" --mail-root "$LAB/vmail" --owner 5000:5000 --script "$LAB/make.sh"
is "$rc" 0 "--script exits 0"
is "$(stat -c %a "$LAB/make.sh")" 600 "the script is written 0600 (it holds hashes)"
is "$(wc -c <"$USERS")" 0 "--script changes nothing"
sh -n "$LAB/make.sh"
ok $? "the script is valid sh"
grep -qF "$vfull" "$LAB/make.sh"
ok $? "the script holds the real hash"
like "$(cat "$LAB/make.sh")" "# refused: the name holds characters" "hostile names are refused in the script"
[ ! -e /tmp/mx-pwned ]
ok $? "a name with \$(...) was never executed"

run_mx create-accounts --from "local:$OLD" --to local: --target dovecot \
    --target-users "$USERS" --mail-root "$LAB/vmail" --owner 5000:5000 --map "$LAB/map.tsv"
is "$rc" 1 "create-accounts exits 1 when some names were refused"
like "$out" "5 created, 0 already there .*2 refused, 0 failed" "5 created, 2 hostile names refused"
like "$out" "refused: the name holds characters that are not safe.* evil" "the \$(...) name is refused"
[ ! -e /tmp/mx-pwned ]
ok $? "and never executed"
is "$(stat -c %a:%G "$USERS")" 640:dovecot "the passwd-file keeps its mode and group (not world-readable)"
is "$(stat -c %u:%g "$LAB/vmail/example.test/valice/Maildir/new")" 5000:5000 "Maildir made and owned by --owner"
like "$(cat "$LAB/map.tsv")" "valice@example.test	/home/vpopmail/domains/example.test/valice/Maildir	$LAB/vmail/example.test/valice/Maildir	created" \
    "--map records source and target Maildirs"
before=$(md5sum <"$USERS")
run_mx create-accounts --from "local:$OLD" --to local: --target dovecot \
    --target-users "$USERS" --mail-root "$LAB/vmail" --owner 5000:5000
like "$out" "0 created, 5 already there" "a re-run leaves every account as it is"
is "$(md5sum <"$USERS")" "$before" "and the passwd-file is unchanged"

# System users too, into the same passwd-file (their own name, no domain).
run_mx create-accounts --from "local:$OLD" --source passwd --to local: --target dovecot \
    --target-users "$USERS" --mail-root "$LAB/vmail" --owner 5000:5000
like "$out" "6 created" "the six system users are created"

# --- Dovecot: log in with the original passwords -------------------
lab_start_dovecot
login() {	# login PROTO USER PASSWORD: LIST (POP3) or LIST "" * (IMAP)
	curl -s --max-time 10 "$1://$LAB_DOVECOT_ADDR/" -u "$2:$3" >/dev/null 2>&1
}
while IFS='|' read -r u pw scheme; do
	login pop3 "$u" "$pw"
	ok $? "POP3 login for $u ($scheme) with the original password"
	login imap "$u" "$pw"
	ok $? "IMAP login for $u ($scheme) with the original password"
done <<'EOF'
udes|pw-des|DES
umd5|pw-md5|MD5
usha256|pw-sha256|SHA-256
usha512|pw sha512 with spaces|SHA-512
ubcrypt|pw-bcrypt|bcrypt
uyes|pw-yescrypt|yescrypt
valice@example.test|pw-valice|vpopmail, SHA-512
vbob@example.test|pw-vbob|vpopmail, DES
vcarol@hashed.test|pw-vcarol|vpopmail, SHA-256
postmaster@example.test|pw-pm|vpopmail, MD5
vclear@example.test|pw-clear|vpopmail, clear text only
EOF
login pop3 umd5 wrong-password
ok $((! $?)) "a wrong password is refused"
grep -q '^vclear@example.test:{CRYPT}\$6\$' "$USERS"
ok $? "clear text became a SHA-512 hash, never stored plain"
done_testing
