#!/bin/bash
# The lab's MariaDB: starts privately, answers a SQL round-trip (a row
# with quotes and UTF-8 written and read back), stops by its PID.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
. "$top_srcdir/tests/lab/mariadb.sh"
lab_enter "$@"

lab_start_mariadb
ok $? "MariaDB starts on a private socket"
[ -S "$MARIADB_SOCK" ]
ok $? "its socket is in the lab ($MARIADB_SOCK)"
lab_mysql "CREATE DATABASE smoke; CREATE TABLE smoke.t (k VARCHAR(64) PRIMARY KEY, v VARCHAR(255)) DEFAULT CHARSET utf8mb4"
ok $? "create a database and a table"
lab_mysql "INSERT INTO smoke.t VALUES ('o''brien', 'Zoë \$6\$salt\$hash')"
ok $? "insert a row with a quote and UTF-8"
got=$(lab_mysql "SELECT v FROM smoke.t WHERE k = 'o''brien'")
is "$got" 'Zoë $6$salt$hash' "the row reads back byte for byte"
got=$(mariadb --defaults-file="$MARIADB_ROOT_CNF" -N -B -e 'SELECT COUNT(*) FROM smoke.t')
is "$got" 1 "the [client] option file connects"
pid=$(cat "$LAB/mariadb.pid")
lab_stop mariadb
kill -0 "$pid" 2>/dev/null
ok $((! $?)) "lab_stop ends the server by its PID"
done_testing
