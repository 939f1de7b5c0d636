#!/bin/bash
# tests/bench/transfer.sh - figures, printed side by side, never asserted.
#
#   sudo top_srcdir=. MXMOVE=./mxmove bash tests/bench/transfer.sh
#   BENCH_MB=1024 (default): corpus size; 200 Maildirs (median message
#   near 4 KB, a long tail to several MB) and 50 mboxes (a tenth of it).
#
# In the lab (sshd on old and new): mxmove's full pass (--jobs 2) against
# `tar c | ssh tar x` and `rsync -a` over ssh; a catch-up pass with nothing
# new (twice: right after the copy, and again)
# and with 1 % new mail against rsync; mbox conversion against mb2md
# and `doveadm import`. Peak RSS of mxmove from /usr/bin/time.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
lab_enter "$@"
. "$top_srcdir/tests/lab/sshd.sh"

MB=${BENCH_MB:-1024}
RO=$(lab_root old) RN=$(lab_root new)
mkdir -p "$RO/home" "$RN/home"
lab_start_sshd old "$LAB_OLD"
lab_start_sshd new "$LAB_NEW"

echo "# generating a corpus of $MB MiB ..."
python3 - "$RO" "$MB" "$LAB/map" "$LAB/mbox" <<'PY'
import math, os, random, sys
root, mb, mapf, mboxd = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
random.seed(1)
block = os.urandom(4 << 20).hex().encode()          # 8 MiB of text
def body(n):
    o = random.randrange(0, len(block) - n)
    return block[o:o + n]
def size():
    return min(int(random.lognormvariate(math.log(4096), 1.25)) + 300, 6 << 20)
budget = mb << 20
maildir_budget, mbox_budget = budget * 9 // 10, budget // 10
os.makedirs(mboxd, exist_ok=True)
with open(mapf, "w") as m:
    per = maildir_budget // 200
    for u in range(200):
        md = os.path.join(root, "home/u%03d/Maildir" % u)
        for d in ("new", "cur", "tmp", ".Sent/new", ".Sent/cur", ".Sent/tmp"):
            os.makedirs(os.path.join(md, d), exist_ok=True)
        used, i = 0, 0
        while used < per:
            n = size(); i += 1
            folder = ".Sent/" if i % 9 == 0 else ""
            sub, info = ("new", "") if i % 4 == 0 else ("cur", ":2,S")
            name = "%d.M%dP%d.old.example.test,S=%d%s" % (1600000000 + i, i, u, n, info)
            with open(os.path.join(md, folder + sub, name), "wb") as f:
                f.write(b"Subject: %d\n\n" % i); f.write(body(n - 14 - len(str(i))))
            used += n
        os.chown(os.path.join(root, "home/u%03d" % u), 3000 + u, 3000 + u)
        m.write("u%03d /home/u%03d/Maildir /home/u%03d/Maildir %d %d\n" % (u, u, u, 3000 + u, 3000 + u))
    per = mbox_budget // 50
    for k in range(50):
        with open(os.path.join(mboxd, "m%02d" % k), "wb") as f:
            used, i = 0, 0
            while used < per:
                n = size(); i += 1
                f.write(b"From a@example.test Mon Nov  2 10:%02d:%02d 2026\nSubject: %d\n%s\n"
                        % (i // 60 % 60, i % 60, i, b"Status: RO\n" if i % 2 else b""))
                f.write(body(n).replace(b"\n", b" ") + b"\n\n")
                used += n
PY
for u in $(seq -f 'u%03.0f' 0 199); do mkdir -p "$RN/home/$u"; done
awk '{print $4, $1}' "$LAB/map" | while read -r id u; do chown "$id:$id" "$RN/home/$u"; done
# The old host's root may ssh to new (rsync's own transport).
mkdir -p "$RO/root/.ssh" && chmod 700 "$RO/root/.ssh"
cp "$LAB_SSH_KEY" "$RO/root/.ssh/id_ed25519"
cp "$LAB_KNOWN_HOSTS" "$RO/root/.ssh/known_hosts"
printf 'Host new\n  HostName %s\n  User root\n  IdentityFile /root/.ssh/id_ed25519\n  UserKnownHostsFile /root/.ssh/known_hosts\n  BatchMode yes\n' \
    "$LAB_NEW" >"$RO/root/.ssh/config"
echo "# corpus: $(du -sm "$RO/home" | cut -f1) MiB in Maildirs ($(find "$RO/home" -type f | wc -l) messages), $(du -sm "$LAB/mbox" | cut -f1) MiB in 50 mboxes"

# Each timed run starts with the dirty pages of the one before written out
# (sync), so that no tool pays for another's writes.
t() {	# t LABEL CMD...: wall seconds, or "fail" (the reason on stderr)
	local s e
	sync
	s=$(date +%s.%N)
	shift
	if ! "$@" >"$LAB/t.out" 2>&1; then
		tail -n 5 "$LAB/t.out" | sed 's/^/#   failed: /' >&2
		echo fail
		return
	fi
	e=$(date +%s.%N)
	printf '%.2f\n' "$(echo "$e - $s" | bc)"
}
# CPU seconds used on a lab host: its sshd and every command it ran (the
# sessions are over and reaped when a run ends).
hostcpu() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15 + $16 + $17) / hz }' \
    "/proc/$(cat "$LAB/sshd-$1.pid")/stat"; }
cpu_mark() { c_old=$(hostcpu old) c_new=$(hostcpu new); }
cpu_since() { echo "$(echo "$(hostcpu old) - $c_old" | bc) / $(echo "$(hostcpu new) - $c_new" | bc)"; }
echo 0 >"$LAB/mxn"
mxt() {	# mxt ARGS: mxmove under /usr/bin/time: "secs rss_kib"; the
	# output of run N is kept in $LAB/mx-N.out
	local out MXN
	MXN=$(( $(cat "$LAB/mxn") + 1 )); echo $MXN >"$LAB/mxn"
	out=$LAB/mx-$MXN.out
	sync
	/usr/bin/time -f "%e %M %U %S" -o "$LAB/time" "$MXMOVE" "$@" >"$out" 2>&1 ||
	    { echo "# mxmove $1 (run $MXN) failed ($(head -n 1 "$LAB/time")):" >&2
	      grep -v ': verified: ' "$out" | tail -n 5 | sed 's/^/#   /' >&2; }
	tail -n 1 "$LAB/time"
}
MX=(transfer --from old --to new --map "$LAB/map" --jobs 2 --state "$LAB/state")
cpu_mark
read -r mx_full mx_rss mx_u mx_s <<<"$(mxt "${MX[@]}")"
mx_cpu="$(cpu_since) / $(echo "$mx_u + $mx_s" | bc)"
# The copies of tar and rsync go under the new host's /home (inside the
# lab, removed with it), beside the users'.
cpu_mark
tar_full=$(t tar /usr/bin/time -f "%U %S" -o "$LAB/time.tar" sh -c "ssh old 'tar cf - -C /home .' | ssh new 'mkdir /home/.bench-tar && tar xf - -C /home/.bench-tar'")
tar_cpu="$(cpu_since) / $(awk '{ print $1 + $2 }' "$LAB/time.tar")"
rs_full=$(t rsync ssh old "rsync -a /home/ new:/home/.bench-rsync/")
# Catch-up with nothing new, twice: right after the copy (whose pass
# recorded the directories' times) and again; neither lists a Maildir.
read -r mx_noop mx_rss2 _ _ <<<"$(mxt "${MX[@]}")"
read -r mx_noop2 mx_rss2b _ _ <<<"$(mxt "${MX[@]}")"
rs_noop=$(t rsync ssh old "rsync -a /home/ new:/home/.bench-rsync/")
python3 - "$RO/home" <<'PY'
import os, random, sys
random.seed(2)
for u in sorted(os.listdir(sys.argv[1])):
    md = os.path.join(sys.argv[1], u, "Maildir")
    if not os.path.isdir(os.path.join(md, "cur")):
        continue
    n = len(os.listdir(os.path.join(md, "cur"))) + len(os.listdir(os.path.join(md, "new")))
    st = os.stat(os.path.join(sys.argv[1], u))
    for i in range(max(1, n // 100)):
        p = os.path.join(md, "new", "1800000000.M%dP9.old.example.test" % i)
        with open(p, "w") as f:
            f.write("Subject: late\n\n" + "x" * random.choice([2000, 4000, 9000]) + "\n")
        # New mail is the user's; the rest of the Maildir is left alone
        # (a chown -R would touch every file's ctime: mxmove would then
        # read every message again, rightly).
        os.chown(p, st.st_uid, st.st_gid)
PY
read -r mx_one mx_rss3 _ _ <<<"$(mxt "${MX[@]}")"
rs_one=$(t rsync ssh old "rsync -a /home/ new:/home/.bench-rsync/")

# mbox conversion, on this machine: mxmove converts the 50 mboxes in one
# run (--into, 2 threads); mb2md and doveadm one run per mbox, as admins
# run them. A sync before each, so no tool pays for another's writes;
# mxmove and mb2md: the best of 3 (each into a new directory).
mkdir -p "$LAB/conv"
best() { printf '%s\n' "$@" | grep -v fail | sort -n | head -n 1 | grep . || echo fail; }
mx_runs=() mb_runs=() rss=0
for i in 1 2 3; do
	sync
	read -r secs r _ _ <<<"$(mxt mbox2maildir --jobs 2 --into "$LAB/conv/mx$i" "$LAB"/mbox/*)"
	mx_runs+=("$secs"); [ "$r" -gt "$rss" ] 2>/dev/null && rss=$r
	sync
	mkdir -p "$LAB/conv/mb2md$i"
	mb_runs+=("$(t mb2md sh -c "for f in $LAB/mbox/*; do HOME=$LAB/conv mb2md -s \$f -d $LAB/conv/mb2md$i/\$(basename \$f) >/dev/null || exit 1; done")")
done
mx_mbox=$(best "${mx_runs[@]}") mb_mbox=$(best "${mb_runs[@]}")
# mb2md writes nothing to the disk before it exits; mxmove has synced
# when it reports. mb2md then sync(1), as durable: once, for reference.
mkdir -p "$LAB/conv/mb2mds"
mb_sync=$(t mb2md sh -c "for f in $LAB/mbox/*; do HOME=$LAB/conv mb2md -s \$f -d $LAB/conv/mb2mds/\$(basename \$f) >/dev/null || exit 1; done; sync")
# For reference: one mxmove process per mbox (process start included).
sync
mkdir -p "$LAB/conv/mx1p"
mx_mbox1=$(t mxmove sh -c "for f in $LAB/mbox/*; do $MXMOVE mbox2maildir \$f $LAB/conv/mx1p/\$(basename \$f) >/dev/null || exit 1; done")
mkdir -p "$LAB/conv/dv" "$LAB/conv/dvsrc" && cp "$LAB"/mbox/* "$LAB/conv/dvsrc/"
chown -R 1000:1000 "$LAB/conv/dv" "$LAB/conv/dvsrc"
printf 'base_dir = %s/dvrun\nstate_dir = %s/dvstate\nlog_path = %s/dv.log\n' "$LAB" "$LAB" "$LAB" >"$LAB/dv.conf"
sync
dv_mbox=$(t doveadm sh -c "for f in $LAB/conv/dvsrc/*; do b=\$(basename \$f); USER=bench HOME=$LAB/conv doveadm -c $LAB/dv.conf -o mail_uid=1000 -o mail_gid=1000 -o first_valid_uid=1000 -o mail_location=maildir:$LAB/conv/dv/\$b import mbox:$LAB/conv/dvsrc:INBOX=\$f '' all || exit 1; done")

ratio() { case "$1$2" in *fail*) echo n/a ;; *) echo "scale=2; $1 / $2" | bc ;; esac; }
cat <<TABLE
# ---------------------------------------------------------------------
# $MB MiB corpus                 mxmove     usual tool        ratio (goal)
# full pass (jobs 2)       ${mx_full} s   tar|ssh ${tar_full} s   $(ratio "$mx_full" "$tar_full") (<= 0.8)
#                                     rsync ${rs_full} s    $(ratio "$mx_full" "$rs_full")
#   CPU s, old host / new host / this side: mxmove ${mx_cpu}, tar|ssh ${tar_cpu}
# catch-up, nothing new    ${mx_noop} s   rsync ${rs_noop} s    $(ratio "$mx_noop" "$rs_noop") (<= 0.5)  (the first after the copy)
#   and again             ${mx_noop2} s   rsync ${rs_noop} s    $(ratio "$mx_noop2" "$rs_noop") (<= 0.5)  (again)
# catch-up, 1 % new        ${mx_one} s   rsync ${rs_one} s    $(ratio "$mx_one" "$rs_one")
# mbox conversion          ${mx_mbox} s   mb2md ${mb_mbox} s    x$(ratio "$mb_mbox" "$mx_mbox") faster (>= 10)
#                                     doveadm import ${dv_mbox} s  x$(ratio "$dv_mbox" "$mx_mbox") faster (>= 2)
#   best of 3: mxmove ${mx_runs[*]} s, mb2md ${mb_runs[*]} s; one mxmove per mbox ${mx_mbox1} s
#   mb2md then sync (as durable as mxmove): ${mb_sync} s, x$(ratio "$mb_sync" "$mx_mbox") faster
#   messages: mxmove $(find "$LAB/conv/mx1" -path '*/[nc][eu][wr]/*' -type f | wc -l), mb2md $(find "$LAB/conv/mb2md1" -path '*/[nc][eu][wr]/*' -type f | wc -l)
# peak RSS mxmove: transfer $((mx_rss / 1024)) MiB, no-op $((mx_rss2 / 1024)) and $((mx_rss2b / 1024)) MiB, 1 % $((mx_rss3 / 1024)) MiB, mbox2maildir $((rss / 1024)) MiB (<= 32)
# ---------------------------------------------------------------------
TABLE
done_testing
