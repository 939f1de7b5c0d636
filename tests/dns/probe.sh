#!/bin/bash
# mxmove probe: a listening port (open, with its 220 greeting), a refusing
# port (the dead IP), and a filtered one: an address routed through a veth
# pair into a network namespace that has no such address, so every SYN is
# silently dropped (no kernel packet filter needed). The neighbour entry is
# permanent so that no ARP failure turns it into "unreachable".
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
lab_enter "$@"
command -v python3 >/dev/null || skip_all "python3 is missing"
command -v nsenter >/dev/null || skip_all "nsenter (util-linux) is missing"

# A tiny SMTP greeter on the new host's address, port 25 and 587.
cat >"$LAB/greeter.py" <<'EOF'
import socket, sys, threading
def serve(port):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((sys.argv[1], port)); s.listen(16)
    while True:
        c, _ = s.accept()
        c.sendall(b"220-mx.example.test ESMTP lab\r\n220 ready\r\n"); c.close()
for p in (25, 587):
    threading.Thread(target=serve, args=(p,), daemon=True).start()
threading.Event().wait()
EOF
lab_spawn greeter python3 "$LAB/greeter.py" "$LAB_NEW"
lab_wait 50 "the greeter" lab_tcp_open "$LAB_NEW" 587 || bail "no greeter"

# The filtered network: 198.18.0.0/24 through a veth into a silent namespace.
FILTERED=198.18.0.2
lab_spawn blackhole unshare -n sleep 600
bh=$(cat "$LAB/blackhole.pid")
other_ns() { [ "$(readlink /proc/$bh/ns/net)" != "$(readlink /proc/self/ns/net)" ]; }
lab_wait 50 "the silent namespace" other_ns || bail "no namespace"
ip link add mxv0 type veth peer name mxv1 || bail "cannot make a veth pair"
ip link set mxv1 netns "$bh" && nsenter -t "$bh" -n ip link set mxv1 up &&
ip addr add 198.18.0.1/24 dev mxv0 && ip link set mxv0 up &&
ip neigh replace "$FILTERED" lladdr 02:00:00:00:00:02 dev mxv0 nud permanent ||
    bail "cannot set up the filtered network"

run_mx probe "$LAB_NEW"
is "$rc" 0 "a listening port: exit 0"
like "$out" "^$LAB_NEW:25 open \([0-9.]+ ms\): 220-mx\.example\.test ESMTP lab 220 ready$" \
    "open, with the whole multi-line 220 greeting"
run_mx probe "$LAB_NEW:587" --json
is "$rc" 0 "port 587 --json: exit 0"
is "$(printf '%s' "$out" | python3 -c 'import json,sys
r=json.load(sys.stdin)[0]; print(r["status"], r["port"], r["greeting"][:3])')" \
    "open 587 220" "--json: status, port, greeting"

run_mx probe "$LAB_DEAD:25"
is "$rc" 1 "a refusing port: exit 1"
like "$out" "^$LAB_DEAD:25 refused \(Connection refused\)$" "refused"

run_mx probe "$FILTERED:25" --timeout 1
is "$rc" 1 "a filtered port: exit 1"
like "$out" "^$FILTERED:25 timeout \(no answer within 1000 ms \(filtered\?\)\)$" \
    "a dropped SYN is a timeout"

run_mx probe 203.0.113.7 --timeout 1
is "$rc" 1 "no route: exit 1"
like "$out" "^203\.0\.113\.7:25 unreachable " "no route at all is unreachable"

run_mx probe "$LAB_DEAD" --mail-ports --timeout 1
is "$(printf '%s\n' "$out" | grep -c ' refused ')" 6 "--mail-ports: 25 110 143 587 993 995"
like "$out" "^$LAB_DEAD:995 refused" "... up to 995"

# --- --expect, as the cutover windows ask
run_mx probe "$LAB_DEAD" --expect closed
is "$rc" 0 "the dead IP refuses: --expect closed exits 0"
run_mx probe "$FILTERED" --expect closed --timeout 0.5
is "$rc" 0 "a filtered dead IP: --expect closed exits 0"
run_mx probe "$LAB_NEW" --expect closed
is "$rc" 1 "a live IP: --expect closed exits 1"
run_mx probe "$LAB_NEW" --expect 220
is "$rc" 0 "the live IP greets: --expect 220 exits 0"
run_mx probe "$LAB_DEAD" --expect 220
is "$rc" 1 "the dead IP: --expect 220 exits 1"
run_mx probe "$LAB_NEW" --expect maybe
is "$rc" 2 "--expect maybe: exit 2"

run_mx probe
is "$rc" 2 "no address: exit 2"
run_mx probe mail.example.test:25
is "$rc" 2 "a name: exit 2"
like "$out" "not an IPv4 or IPv6 address" "... explained"
run_mx probe "$LAB_NEW:99999"
is "$rc" 2 "a bad port: exit 2"

done_testing
