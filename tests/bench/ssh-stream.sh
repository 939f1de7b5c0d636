#!/bin/bash
# Benchmark (not a test): the throughput of an exec-channel stream through
# the host layer (libssh) against OpenSSH's "ssh host cat" on the same
# bytes, side by side. Goal: at least 0.9 of OpenSSH's rate.
# Run as root from the build tree:
#   top_srcdir=. top_builddir=. bash tests/bench/ssh-stream.sh [MB] [ROUNDS]
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
lab_enter "$@"
. "$top_srcdir/tests/lab/sshd.sh"

MB=${1:-256}
ROUNDS=${2:-3}
HC=$top_builddir/tests/host/hostctl
[ -x "$HC" ] || bail "build tests/host/hostctl first (make check)"
lab_start_sshd old "$LAB_OLD"
R=$(lab_root old)
head -c $((MB * 1048576)) /dev/urandom >"$R/var/tmp/bench"

now() { date +%s.%N; }
rate() { awk -v mb="$MB" -v t0="$1" -v t1="$2" 'BEGIN { printf "%.1f", mb / (t1 - t0) }'; }

echo "# $MB MiB from old (lab sshd on loopback), best of $ROUNDS rounds, MiB/s"
best_mx=0 best_ssh=0
for i in $(seq "$ROUNDS"); do
	t0=$(now); ssh old cat /var/tmp/bench >/dev/null; t1=$(now)
	r_ssh=$(rate "$t0" "$t1")
	t0=$(now); "$HC" old cat cat /var/tmp/bench >/dev/null; t1=$(now)
	r_mx=$(rate "$t0" "$t1")
	printf '# round %d: ssh cat %8s   mxmove exec stream %8s\n' "$i" "$r_ssh" "$r_mx"
	best_ssh=$(awk -v a="$best_ssh" -v b="$r_ssh" 'BEGIN { print (b > a ? b : a) }')
	best_mx=$(awk -v a="$best_mx" -v b="$r_mx" 'BEGIN { print (b > a ? b : a) }')
done
printf '%-24s %10s\n' "ssh old cat (OpenSSH)" "$best_ssh MiB/s"
printf '%-24s %10s\n' "mxmove exec stream" "$best_mx MiB/s"
awk -v a="$best_mx" -v b="$best_ssh" 'BEGIN { printf "ratio: %.2f of OpenSSH (goal 0.90)\n", a / b }'
rm -f "$R/var/tmp/bench"
