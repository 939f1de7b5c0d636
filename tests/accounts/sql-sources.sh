#!/bin/bash
# Accounts from MySQL (a real MariaDB): vpopmail's MySQL back-end, the
# qmail MySQL patch tables and Plesk's psa database with users/poppasswd.
# Credentials only in an option file; malformed rows named by table and
# key; Plesk accounts created in Dovecot and logged in over POP3 and IMAP
# with their original passwords.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
. "$top_srcdir/tests/lab/mariadb.sh"
. "$top_srcdir/tests/lab/dovecot.sh"
lab_enter "$@"

crypt() {
	python3 - "$1" "$2" <<'PY'
import ctypes, sys
c = ctypes.CDLL("libcrypt.so.1")
c.crypt_gensalt.restype = ctypes.c_char_p
c.crypt.restype = ctypes.c_char_p
print(c.crypt(sys.argv[2].encode(), c.crypt_gensalt(sys.argv[1].encode(), 0, None, 0)).decode())
PY
}

lab_start_mariadb || bail "MariaDB did not start"
SECRET='rd-S3cret;$(id)'
lab_mysql <<SQL
CREATE DATABASE vpopmail; CREATE DATABASE qmail; CREATE DATABASE psa;
CREATE USER 'mxread'@'localhost' IDENTIFIED BY 'rd-S3cret;\$(id)';
GRANT SELECT ON vpopmail.* TO 'mxread'@'localhost';
GRANT SELECT ON qmail.* TO 'mxread'@'localhost';
GRANT SELECT ON psa.* TO 'mxread'@'localhost';
USE vpopmail;
CREATE TABLE vpopmail (pw_name char(32) NOT NULL, pw_domain char(96) NOT NULL,
  pw_passwd char(128), pw_uid int, pw_gid int, pw_gecos char(48),
  pw_dir char(160), pw_shell char(20), pw_clear_passwd char(16),
  PRIMARY KEY (pw_name, pw_domain));
INSERT INTO vpopmail VALUES
  ('sqlann', 'example.test', '$(crypt '$6$' pw-sqlann)', 1, 0, 'Ann', '/home/vpopmail/domains/example.test/sqlann', '2000000S', ''),
  ('sqlben', 'example.test', '$(crypt '$1$' pw-sqlben)', 1, 8, 'Ben', '/home/vpopmail/domains/example.test/3/sqlben', 'NOQUOTA', 'pw-sqlben'),
  ('badrow', 'example.test', '$(crypt '$1$' x)', 1, 0, '', 'relative/dir', 'NOQUOTA', ''),
  ('sqlcy', 'other.test', '$(crypt '$5$' pw-sqlcy)', 1, 0, '', '/home/vpopmail/domains/other.test/sqlcy', 'NOQUOTA', '');
CREATE TABLE valias (alias char(32), domain char(96), valias_line text);
INSERT INTO valias VALUES ('sales', 'example.test', '&sqlann@example.test'),
  ('sales', 'example.test', '&sqlben@example.test');
USE qmail;
CREATE TABLE mailbox (username char(32) PRIMARY KEY, uid int, gid int, home char(160), password char(128), password_type char(16));
INSERT INTO mailbox VALUES ('qdan', 1101, 1101, '/mail/qdan', '$(crypt '$1$' pw-qdan)', 'crypt'),
  ('qeve', 1102, 1102, '/mail/qeve/', 'pw-qeve', 'plain'),
  ('qbad', NULL, 1103, '/mail/qbad', 'x', 'crypt');
CREATE TABLE alias (username char(32), alias char(32), alias_username char(32), alias_host char(96));
INSERT INTO alias VALUES ('qdan', 'lists', 'qeve', '');
CREATE TABLE virtual (username char(32), virtual_username char(32), virtual_host char(96));
INSERT INTO virtual VALUES ('qdan', 'dan', 'example.org');
CREATE TABLE rcpthosts (host char(96));
INSERT INTO rcpthosts VALUES ('example.org');
USE psa;
CREATE TABLE domains (id int PRIMARY KEY, name varchar(255));
CREATE TABLE accounts (id int PRIMARY KEY, type varchar(16), password text);
CREATE TABLE mail (id int PRIMARY KEY, mail_name varchar(245), perm_id int,
  postbox enum('false','true'), account_id int, redirect enum('false','true'),
  redir_addr varchar(255), mail_group enum('false','true'),
  autoresponder enum('false','true'), mbox_quota bigint, dom_id int);
CREATE TABLE mail_aliases (id int, mn_id int, alias varchar(245));
INSERT INTO domains VALUES (1, 'plesk.test');
INSERT INTO accounts VALUES (1, 'plain', 'pw-pfred'), (2, 'plain', 'pw-pgina'),
  (3, 'plain', '\$AES-128-CBC\$aXZpdml2aXZpdml2aQ==\$Y2lwaGVy'),
  (4, 'crypt', '$(crypt '$6$' pw-pkim)');
INSERT INTO mail VALUES
  (1, 'pfred', 0, 'true', 1, 'false', '', 'false', 'false', -1, 1),
  (2, 'pgina', 0, 'true', 2, 'true', 'gina@elsewhere.test', 'false', 'true', 10485760, 1),
  (3, 'phal', 0, 'true', 3, 'false', '', 'false', 'false', -1, 1),
  (4, 'pkim', 0, 'true', 4, 'false', '', 'false', 'false', -1, 1),
  (5, 'fwdonly', 0, 'false', NULL, 'true', 'boss@elsewhere.test', 'false', 'false', -1, 1);
INSERT INTO mail_aliases VALUES (1, 1, 'fred.alias');
SQL
ok $? "the vpopmail, qmail and psa tables are loaded"

CNF=$LAB/mxread.cnf
printf '[client]\nsocket=%s\nuser=mxread\npassword=%s\n' "$MARIADB_SOCK" "$SECRET" >"$CNF"
chmod 600 "$CNF"
OLD=$LAB/old
mkdir -p "$OLD/etc/psa" "$OLD/var/qmail/users" "$OLD/var/qmail/control" "$OLD/home/vpopmail/etc" "$OLD/mail/qdan/Maildir/new"
echo "root:x:0:0::/root:/bin/sh" >"$OLD/etc/passwd"
echo "+example.test-:example.test:89:89:/home/vpopmail/domains/example.test:-::" >"$OLD/var/qmail/users/assign"
echo "localhost|0|vpopmail|secret|vpopmail" >"$OLD/home/vpopmail/etc/vpopmail.mysql"

# --- vpopmail MySQL --------------------------------------------------
run_mx accounts "local:$OLD" --defaults-file "$CNF"
like "$out" "^source vpopmail-mysql: 2 domains, 3 accounts" "auto-detected: vpopmail's MySQL back-end, 3 good rows"
like "$out" "sqlann@example.test +sha512 .*2000000S +/home/vpopmail/domains/example.test/sqlann/Maildir" "a row: scheme, quota, Maildir"
like "$out" "sqlben@example.test .*/3/sqlben/Maildir" "a bucketed pw_dir is kept as the table says"
like "$out" "alias sales@example.test -> &sqlann@example.test &sqlben@example.test" "valias rows become one alias"
like "$out" "malformed: vpopmail.vpopmail \\(badrow, example.test\\): pw_dir" "a bad row is named by table and key"
unlike "$out" "pw-sqlben" "the clear-text column is never printed"
is "$rc" 1 "exit 1: a row was skipped"
"$MXMOVE" accounts "local:$OLD" --defaults-file "$CNF" --json 2>/dev/null |
    python3 -c 'import json,sys; d=json.load(sys.stdin); a=[x for x in d["accounts"] if x["local"]=="sqlann"][0]; print(a["uid"], a["gid"])' >"$LAB/ids"
is "$(cat "$LAB/ids")" "89 89" "the domain's uid/gid come from users/assign"

# Credentials: never argv, never printed.
run_mx accounts "local:$OLD" --source vpopmail-mysql
like "$out" "MySQL: .*--defaults-file FILE" "without an option file: told where credentials go"
sed "s/^password=.*/password=wrong-pw/" "$CNF" >"$LAB/bad.cnf"
run_mx accounts "local:$OLD" --defaults-file "$LAB/bad.cnf"
like "$out" "Access denied for user 'mxread'" "a wrong password: MySQL's refusal"
unlike "$out" "wrong-pw" "the password is not in the message"

# --- the qmail MySQL patch tables -----------------------------------
run_mx accounts "local:$OLD" --source qmail-mysql --defaults-file "$CNF"
like "$out" "qdan +md5 .* /mail/qdan/Maildir" "mailbox: hash and Maildir under home"
like "$out" "qeve +plain +\\(plain text\\) .* /mail/qeve/Maildir" "password_type plain is marked plain"
like "$out" "alias dan@example.org -> qdan" "virtual rows: the address delivered to the mailbox"
like "$out" "alias qdan-lists -> &qeve" "alias rows"
like "$out" "malformed: qmail.mailbox \\(username qbad\\): uid or gid" "a NULL uid is reported, not guessed"

# --- Plesk: psa + users/poppasswd -------------------------------------
echo "PLESK_MAILNAMES_D	/var/qmail/mailnames" >"$OLD/etc/psa/psa.conf"
mkdir -p "$OLD/var/qmail/mailnames/plesk.test/pfred/Maildir/new"
chown 1200:1200 "$OLD/var/qmail/mailnames/plesk.test/pfred/Maildir"
PHAL=$(crypt '$1$' pw-phal)
printf 'phal@plesk.test:%s\nnot a line\n' "$PHAL" >"$OLD/var/qmail/users/poppasswd"
run_mx accounts "local:$OLD" --defaults-file "$CNF"
like "$out" "^source plesk: 1 domains, 4 accounts" "auto-detected: Plesk, four mailboxes"
like "$out" "pfred@plesk.test +plain .* /var/qmail/mailnames/plesk.test/pfred/Maildir" "a plain psa password, the mail root from psa.conf"
like "$out" "pgina@plesk.test .*10485760S" "mbox_quota"
like "$out" "forwards to gina@elsewhere.test \\(and keeps a copy\\)" "a redirect with a mailbox"
like "$out" "autoresponder: psa.mail_resp" "the autoresponder flag"
like "$out" "phal@plesk.test +md5" "poppasswd's hash replaces an encrypted psa password"
like "$out" "pkim@plesk.test +sha512" "a crypt psa password"
like "$out" "alias fwdonly@plesk.test -> boss@elsewhere.test" "a forward-only address is an alias"
like "$out" "alias fred.alias@plesk.test -> &pfred@plesk.test" "mail_aliases"
like "$out" "malformed: .*poppasswd line 2" "a bad poppasswd line is named"
"$MXMOVE" accounts "local:$OLD" --defaults-file "$CNF" --json 2>/dev/null |
    python3 -c 'import json,sys; d=json.load(sys.stdin); a=[x for x in d["accounts"] if x["local"]=="pfred"][0]; print(a["uid"], a["gid"])' >"$LAB/ids"
is "$(cat "$LAB/ids")" "1200 1200" "the Maildir's owner is the account's uid/gid"

# An AES password without a poppasswd hash is refused on the target.
: >"$OLD/var/qmail/users/poppasswd"
USERS=$LAB/dovecot/users
mkdir -p "$LAB/dovecot" && : >"$USERS" && chgrp dovecot "$USERS" && chmod 640 "$USERS"
run_mx create-accounts --from "local:$OLD" --defaults-file "$CNF" --to local: \
    --target dovecot --target-users "$USERS" --mail-root "$LAB/vmail" --owner 5000:5000
like "$out" "3 created, 0 already there .*1 refused" "three created, the encrypted one refused"
like "$out" "refused: the password is encrypted with Plesk's key.* phal@plesk.test" "and told why"
grep -q '^pfred@plesk.test:{CRYPT}\$6\$' "$USERS"
ok $? "a plain psa password is stored as a SHA-512 hash"
grep -q 'pw-pfred' "$USERS"
ok $((! $?)) "never as clear text"

lab_start_dovecot
for t in pfred:pw-pfred pgina:pw-pgina pkim:pw-pkim; do
	u=${t%%:*}@plesk.test pw=${t#*:}
	curl -s --max-time 10 "pop3://$LAB_DOVECOT_ADDR/" -u "$u:$pw" >/dev/null
	ok $? "POP3 login for $u with its original password"
	curl -s --max-time 10 "imap://$LAB_DOVECOT_ADDR/" -u "$u:$pw" >/dev/null
	ok $? "IMAP login for $u with its original password"
done
done_testing
