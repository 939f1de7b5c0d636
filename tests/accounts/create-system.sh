#!/bin/bash
# System users read from an old host over ssh (its own /etc/passwd and
# /etc/shadow in its own mount namespace) and created with useradd
# --prefix inside a local:ROOT copy of the new host: the same hashes, home
# and Maildir owned by the user, this machine's accounts untouched, a
# re-run changing nothing, a uid clash refused, and the --script run by sh
# giving the same result as the direct run.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
. "$top_srcdir/tests/lab/sshd.sh"
lab_enter "$@"
command -v useradd >/dev/null || skip_all "useradd (passwd) is missing"

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
# verify PASSWORD HASH: exit 0 when crypt(PASSWORD, HASH) == HASH
verify() {
	python3 - "$1" "$2" <<'PY'
import ctypes, sys
c = ctypes.CDLL("libcrypt.so.1")
c.crypt.restype = ctypes.c_char_p
sys.exit(0 if c.crypt(sys.argv[1].encode(), sys.argv[2].encode()).decode() == sys.argv[2] else 1)
PY
}

# --- the old host, over ssh --------------------------------------------
lab_host_user old sdes 1001 1001 /home/sdes "$(crypt des pw-sdes)"
lab_host_user old smd5 1002 1002 /home/smd5 "$(crypt '$1$' pw-smd5)"
echo "users:x:100:" >>"$(lab_root old)/etc/group"
lab_host_user old ssha 1003 100 /home/ssha "$(crypt '$6$' pw-ssha)"
lab_host_user old syes 1004 1004 /home/syes "$(crypt '$y$' pw-syes)"
lab_host_user old sclash 1005 1005 /home/sclash "$(crypt '$6$' pw-sclash)"
lab_host_user old slocked 1006 1006 /home/slocked '!'
ROLD=$(lab_root old)
mkdir -p "$ROLD/home/smd5/Maildir/new" "$ROLD/var/spool/mail"
: >"$ROLD/var/spool/mail/ssha"
lab_start_sshd old "$LAB_OLD"

run_mx accounts old --source passwd
is "$rc" 0 "accounts over ssh: exit 0"
like "$out" "source passwd: .*6 accounts \\(1 skipped\\)" "six users read over ssh, the locked one skipped"
like "$out" "smd5 +md5 .*/home/smd5/Maildir" "the old host's own Maildir (its mount namespace)"
like "$out" "ssha .*/var/spool/mail/ssha" "and its mbox spool"

# --- the new host: a local:ROOT copy ----------------------------------
mknew() {
	mkdir -p "$1/etc" "$1/home"
	printf 'root:x:0:0:root:/root:/bin/bash\nother:x:1005:1005::/home/other:/bin/sh\n' >"$1/etc/passwd"
	printf 'root:*:19000:0:99999:7:::\nother:*:19000:0:99999:7:::\n' >"$1/etc/shadow"
	printf 'root:x:0:\nother:x:1005:\n' >"$1/etc/group"
	printf 'root:*::\nother:!::\n' >"$1/etc/gshadow"
	chmod 600 "$1/etc/shadow" "$1/etc/gshadow"
}
NEW=$LAB/newroot
mknew "$NEW"
mine=$(md5sum /etc/passwd /etc/shadow /etc/group)
run_mx create-accounts --from old --to "local:$NEW" --target system
is "$rc" 1 "exit 1: one account was refused"
like "$out" "4 created, 0 already there .*1 refused, 0 failed" "four created, one refused"
like "$out" "refused: uid 1005 belongs to other on the target.* sclash" "a uid clash is refused and named"
like "$out" "skipped slocked: locked" "the locked account is listed as skipped"
is "$(md5sum /etc/passwd /etc/shadow /etc/group)" "$mine" "this machine's own accounts are untouched"
for t in sdes:pw-sdes smd5:pw-smd5 ssha:pw-ssha syes:pw-syes; do
	u=${t%%:*} pw=${t#*:}
	old=$(grep "^$u:" "$ROLD/etc/shadow" | cut -d: -f2)
	new=$(grep "^$u:" "$NEW/etc/shadow" | cut -d: -f2)
	is "$new" "$old" "$u: the same hash in the new shadow"
	verify "$pw" "$new"
	ok $? "$u: the original password checks against it"
done
like "$(grep '^ssha:' "$NEW/etc/passwd")" "^ssha:x:1003:100::/home/ssha:/bin/sh$" "uid, gid, home and shell kept"
grep -q '^users:x:100:' "$NEW/etc/group"
ok $? "the missing group is created with the source's name and gid"
is "$(stat -c '%u:%g %a' "$NEW/home/smd5/Maildir/new")" "1002:1002 700" "Maildir made and owned by the user"
is "$(stat -c '%u:%g %a' "$NEW/home/smd5")" "1002:1002 700" "home owned by the user, not writable by others"
snap=$(cd "$NEW" && find . -printf '%p %u %g %m\n' | sort; md5sum etc/*)
run_mx create-accounts --from old --to "local:$NEW" --target system
like "$out" "0 created, 4 already there" "a re-run leaves every account as it is"
is "$(cd "$NEW" && find . -printf '%p %u %g %m\n' | sort; md5sum etc/*)" "$snap" "and changes nothing in the new root"

# --- the same through the script ----------------------------------------
NEW2=$LAB/newroot2
mknew "$NEW2"
run_mx create-accounts --from old --to "local:$NEW2" --target system --script "$LAB/sys.sh"
is "$(stat -c %a "$LAB/sys.sh")" 600 "the script is 0600"
is "$(grep -c '^[^:]*:' "$NEW2/etc/passwd")" 2 "--script changes nothing"
out=$(sh "$LAB/sys.sh" 2>&1)
is "$?" 1 "the script exits 1 (one account refused)"
like "$out" "created: sdes" "the script creates the accounts"
for u in sdes smd5 ssha syes; do
	is "$(grep "^$u:" "$NEW2/etc/shadow" | cut -d: -f2)" "$(grep "^$u:" "$NEW/etc/shadow" | cut -d: -f2)" "$u: the script gives the same hash as the direct run"
done
is "$(stat -c '%u:%g %a' "$NEW2/home/syes/Maildir/cur")" "1004:1004 700" "and the same Maildir owner"
out=$(sh "$LAB/sys.sh" 2>&1)
like "$out" "exists: sdes" "running the script again: each account exists"
done_testing
