#!/bin/bash
# Fault run: MariaDB restarted while mxmove reads the accounts from
# vpopmail's MySQL back-end (1000 accounts). Another session holds a
# table lock, so mxmove's SELECT is certainly waiting inside the server
# when mariadbd is killed by its PID (no timing guesses). Each time:
# `mxmove accounts` and `create-accounts` fail with a clear error naming
# the server, the MySQL user, the table and the cause; nothing is created
# on the target; the old host is unchanged; and once the server is back,
# a re-run completes with every account.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
. "$top_srcdir/tests/lab/mariadb.sh"
lab_enter "$@"
command -v mariadb >/dev/null || skip_all "the mariadb client is missing"

N=1000
lab_start_mariadb || bail "MariaDB did not start"
{
	echo "CREATE DATABASE vpopmail;"
	echo "CREATE USER 'mxread'@'localhost' IDENTIFIED BY 'rd-secret';"
	echo "GRANT SELECT ON vpopmail.* TO 'mxread'@'localhost';"
	echo "USE vpopmail;"
	echo "CREATE TABLE vpopmail (pw_name char(32) NOT NULL, pw_domain char(96) NOT NULL,"
	echo "  pw_passwd char(128), pw_uid int, pw_gid int, pw_gecos char(48),"
	echo "  pw_dir char(160), pw_shell char(20), pw_clear_passwd char(16),"
	echo "  PRIMARY KEY (pw_name, pw_domain)) ENGINE=InnoDB;"
	echo "CREATE TABLE valias (alias char(32), domain char(96), valias_line text) ENGINE=InnoDB;"
	echo "INSERT INTO valias VALUES ('sales', 'example.test', '&u00001@example.test');"
	# One hash for all: crypt() for each would only slow the test.
	h='$1$abcdefgh$0123456789abcdefghijkl'
	i=1
	while [ $i -le $N ]; do
		[ $((i % 500)) -eq 1 ] && printf 'INSERT INTO vpopmail VALUES\n'
		u=$(printf 'u%05d' $i)
		printf "('%s', 'example.test', '%s', 1, 0, '', '/home/vpopmail/domains/example.test/%s', 'NOQUOTA', '')" "$u" "$h" "$u"
		if [ $((i % 500)) -eq 0 ] || [ $i -eq $N ]; then echo ";"; else echo ","; fi
		i=$((i + 1))
	done
} | lab_mysql
ok $? "the vpopmail tables hold $N accounts"

CNF=$LAB/mxread.cnf
printf '[client]\nsocket=%s\nuser=mxread\npassword=rd-secret\n' "$MARIADB_SOCK" >"$CNF"
chmod 600 "$CNF"
OLD=$LAB/old NEW=$LAB/new
mkdir -p "$OLD/var/qmail/users" "$OLD/home/vpopmail/etc" "$NEW"
echo "+example.test-:example.test:89:89:/home/vpopmail/domains/example.test:-::" >"$OLD/var/qmail/users/assign"
echo "localhost|0|vpopmail|secret|vpopmail" >"$OLD/home/vpopmail/etc/vpopmail.mysql"
USERS=$NEW/users
: >"$USERS"
fp() { (cd "$1" && find . -printf '%p %s %T@ %m\n' | sort; find . -type f -exec sha256sum {} + | sort) | sha256sum; }
old_before=$(fp "$OLD")
new_before=$(fp "$NEW")

# hold_lock TABLE: a session holding a write lock on TABLE until the
# server dies (its PID in $holder).
hold_lock() {
	mariadb --no-defaults --socket="$MARIADB_SOCK" -uroot vpopmail \
	    -e "LOCK TABLES $1 WRITE; SELECT SLEEP(600);" >/dev/null 2>&1 &
	holder=$!
	lab_wait 100 "the lock on $1" eval "[ \"\$(lab_mysql \"SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE 'SELECT SLEEP(600)%'\")\" = 1 ]"
}

# waiting TABLE: mxread's SELECT on TABLE waits for the lock.
waiting() {
	[ "$(lab_mysql "SELECT COUNT(*) FROM information_schema.processlist WHERE user = 'mxread' AND info LIKE '%FROM $1%' AND state LIKE 'Waiting for table%'")" = 1 ]
}

# fault TABLE SIGNAL VERB...: run mxmove VERB in the background, kill
# mariadbd with SIGNAL once the read of TABLE waits, wait for mxmove.
fault() {
	local table=$1 sig=$2 mx pid
	shift 2
	hold_lock "$table" || bail "no lock on $table"
	"$MXMOVE" "$@" >"$LAB/fault.out" 2>&1 &
	mx=$!
	lab_wait 300 "mxmove's read of $table to wait" waiting "$table"
	ok $? "$1: the read of $table is under way inside the server"
	pid=$(cat "$LAB/mariadb.pid")
	is "$(cat /proc/"$pid"/comm 2>/dev/null)" mariadbd "the recorded PID is mariadbd's"
	kill -"$sig" "$pid"
	lab_wait_gone "$pid" 300
	lab_wait_gone "$holder" 100
	wait "$holder" 2>/dev/null
	lab_wait_gone "$mx" 300
	wait "$mx"
	rc=$?
	out=$(cat "$LAB/fault.out")
	diag "mxmove $1 said: $(printf "%s" "$out" | head -n 3)"
	# Back up on the same datadir, as an admin's restart would do.
	lab_start_mariadb || bail "MariaDB did not come back"
}

# --- mxmove accounts, SIGTERM (a clean restart) during the first read
fault vpopmail TERM accounts "local:$OLD" --defaults-file "$CNF"
is "$rc" 1 "accounts: exit 1"
like "$out" "MySQL mxread@localhost via .*: vpopmail\\.vpopmail: .*(Lost connection|gone away|shutdown|server closed)" \
    "accounts: the error names the server, the MySQL user, the table and the cause"
unlike "$out" "u0000[0-9]@example.test" "accounts: no half list is printed"
unlike "$out" "rd-secret" "accounts: the password is not in the message"

# --- create-accounts, SIGKILL (a crash) during the second read --------
fault valias KILL create-accounts --from "local:$OLD" --defaults-file "$CNF" \
    --to "local:$NEW" --target dovecot --target-users /users \
    --mail-root /vmail --owner 5000:5000 --map "$LAB/map"
is "$rc" 1 "create-accounts: exit 1"
like "$out" "MySQL mxread@localhost via .*: vpopmail\\.valias: .*(Lost connection|gone away|server closed)" \
    "create-accounts: the error names the server, the MySQL user, the table and the cause"
unlike "$out" "created" "create-accounts: nothing reported as created"
is "$(fp "$NEW")" "$new_before" "create-accounts: nothing was created on the target"
ok "$([ ! -e "$LAB/map" ]; echo $?)" "create-accounts: no account map was written"
is "$(fp "$OLD")" "$old_before" "the old host is unchanged"

# --- the re-runs, with the server back ---------------------------------
run_mx accounts "local:$OLD" --defaults-file "$CNF"
is "$rc" 0 "accounts: the re-run exits 0"
like "$out" "^source vpopmail-mysql: 1 domains, $N accounts \\(0 skipped\\), 1 aliases" \
    "accounts: the re-run lists all $N accounts and the alias"
run_mx create-accounts --from "local:$OLD" --defaults-file "$CNF" \
    --to "local:$NEW" --target dovecot --target-users /users \
    --mail-root /vmail --owner 5000:5000 --map "$LAB/map"
is "$rc" 0 "create-accounts: the re-run exits 0"
like "$out" "^$N created, 0 already there" "create-accounts: the re-run creates all $N"
is "$(grep -c '@example.test:' "$USERS")" "$N" "the target's passwd-file holds $N accounts, each once"
is "$(cut -d: -f1 "$USERS" | sort | uniq -d | wc -l)" 0 "no account twice"
is "$(fp "$OLD")" "$old_before" "the old host is still unchanged"
done_testing
