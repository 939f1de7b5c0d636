#!/bin/bash
# The lab's core: a private PID, network and mount namespace per test,
# servers by recorded PID, bounded waits, and nothing left behind.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
lab_enter "$@"

is "$$" 1 "the test runs as PID 1 of its own PID namespace"
links=$(ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')
is "$links" "lo " "the lab's network holds only its own loopback"
like "$(ip -o addr show lo)" 'inet 127\.0\.0\.1/8' "the loopback is up"

# A server on the old host's address, started by recorded PID.
lab_spawn listener python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("'"$LAB_OLD"'", 2525)); s.listen(1)
c, _ = s.accept(); c.sendall(b"220 lab ready\r\n"); c.close()'
lab_wait 50 "the listener" lab_tcp_open "$LAB_OLD" 2525
ok $? "a server on $LAB_OLD is reached by polling its port"
pid=$(cat "$LAB/listener.pid")
ok $? "its PID is recorded"
lab_stop listener
kill -0 "$pid" 2>/dev/null
ok $((! $?)) "lab_stop ends it by that PID"
lab_tcp_open "$LAB_DEAD" 25
ok $((! $?)) "nothing listens on the dead address $LAB_DEAD"

# Bind mounts stay inside the test's mount namespace.
mkdir -p "$LAB/etc-probe"
echo "lab only" >"$LAB/etc-probe/motd"
mount --bind "$LAB/etc-probe/motd" /etc/motd 2>/dev/null
is "$(cat /etc/motd)" "lab only" "a bind mount shows the lab's file"



# A bounded wait gives up.
lab_wait 3 "something that never comes" false
ok $((! $?)) "lab_wait gives up after its bound"
done_testing
