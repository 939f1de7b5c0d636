# tests/lab/mariadb.sh - a private MariaDB for a lab test: its own datadir
# and socket under $LAB, no TCP (--skip-networking), no system option file
# (--no-defaults first, always), stopped by its recorded PID.
#
#     . "$top_srcdir/tests/lab/mariadb.sh"
#     lab_start_mariadb            # sets MARIADB_SOCK, MARIADB_ROOT_CNF
#     lab_mysql 'CREATE DATABASE x'   # SQL as root (stdin works too)
#
# MARIADB_ROOT_CNF is a [client] option file (socket, user root) for
# programs that take --defaults-file. lab_stop mariadb stops it
# (SIGTERM, then waits for the PID: shutdown takes ~1.3 s). Calling
# lab_start_mariadb again after a stop or a kill restarts the server on the
# same datadir (InnoDB recovers what a crash left).

lab_start_mariadb() {
	MARIADB_DIR="$LAB/mariadb"
	MARIADB_SOCK="$MARIADB_DIR/mysqld.sock"
	MARIADB_ROOT_CNF="$MARIADB_DIR/root.cnf"
	command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] ||
		bail "mariadbd is missing (apt-get install mariadb-server)"
	mkdir -p "$MARIADB_DIR/data" || return 1
	# Started again after a stop or a crash: the same datadir, no install.
	[ -d "$MARIADB_DIR/data/mysql" ] ||
	mariadb-install-db --no-defaults --datadir="$MARIADB_DIR/data" \
	    --user=root --auth-root-authentication-method=normal \
	    --skip-test-db --skip-name-resolve --innodb-log-file-size=8M \
	    >"$MARIADB_DIR/install.log" 2>&1 ||
		{ tail -n 20 "$MARIADB_DIR/install.log" | sed 's/^/# /'; return 1; }
	lab_spawn mariadb /usr/sbin/mariadbd --no-defaults --user=root \
	    --datadir="$MARIADB_DIR/data" --socket="$MARIADB_SOCK" \
	    --pid-file="$MARIADB_DIR/mysqld.pid" \
	    --log-error="$MARIADB_DIR/mysqld.err" --skip-networking \
	    --skip-name-resolve --innodb-log-file-size=8M \
	    --innodb-buffer-pool-size=32M
	printf '[client]\nsocket=%s\nuser=root\n' "$MARIADB_SOCK" >"$MARIADB_ROOT_CNF"
	chmod 600 "$MARIADB_ROOT_CNF"
	lab_wait 150 "MariaDB on $MARIADB_SOCK" \
	    mariadb-admin --no-defaults --socket="$MARIADB_SOCK" -uroot ping ||
		{ tail -n 20 "$MARIADB_DIR/mysqld.err" | sed 's/^/# /'; return 1; }
}

# lab_mysql [SQL]: run SQL (or stdin) as root; batch output (-N -B).
lab_mysql() {
	if [ $# -gt 0 ]; then
		mariadb --no-defaults --socket="$MARIADB_SOCK" -uroot -N -B -e "$*"
	else
		mariadb --no-defaults --socket="$MARIADB_SOCK" -uroot -N -B
	fi
}
