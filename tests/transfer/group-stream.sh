#!/bin/bash
# Users copied in groups through shared streams (one tar c on the old
# host, one tar x on the new host putting each user's files in its own
# stage, one command to link them into place): every message whole, owned and verified; a group
# that fails runs again user by user; a name that appears on the target
# during the move is not taken for the copy; kill -9 then a re-run ends
# with exactly the source's set.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
lab_enter "$@"
command -v python3 >/dev/null || skip_all "python3 is missing"

OLD=$LAB/old NEW=$LAB/new ST=$LAB/state
: >"$LAB/map"
python3 - "$OLD/home" <<'PY'
import os, random, sys
random.seed(3)
for u in range(12):
    root = os.path.join(sys.argv[1], "u%02d/Maildir" % u)
    for d in ("new", "cur", "tmp", ".Sent/new", ".Sent/cur", ".Sent/tmp"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    for i in range(20 + u):
        folder = ".Sent/" if i % 5 == 0 else ""
        sub, info = ("new", "") if i % 3 == 0 else ("cur", ":2,%s" % ("S", "RS", "FS")[i % 3])
        name = "%d.M%dP%d.old.example.test%s" % (1700000000 + i, i, u, info)
        with open(os.path.join(root, folder + sub, name), "w") as f:
            f.write("Subject: %d/%d\n\n" % (u, i) + ("x%d " % i) * random.choice([10, 300, 3000]) + "\n")
PY
for i in $(seq -w 0 11); do
	mkdir -p "$NEW/home/u$i"
	chown "30$i:30$i" "$NEW/home/u$i"
	echo "u$i /home/u$i/Maildir /home/u$i/Maildir 30$i 30$i" >>"$LAB/map"
done
# u03's target already holds half its mailbox: its missing files are
# named one by one in the group's tar c (the others' whole Maildirs).
mkdir -p "$NEW/home/u03/Maildir"
(cd "$OLD/home/u03/Maildir" && find . -type f | sort | head -n 14 | cpio -pdm --quiet "$NEW/home/u03/Maildir")
chown -R 3003:3003 "$NEW/home/u03/Maildir"

mx() { run_mx transfer --from "local:$OLD" --to "local:$NEW" --via-tar \
    --state "$ST" --map "$LAB/map" --jobs 1 "$@"; }
all_equal() {	# every user's Maildir on the target: "N 0" each
	local i bad=0
	for i in $(seq -w 0 11); do
		set -- $(maildir_compare "$OLD/home/u$i/Maildir" "$NEW/home/u$i/Maildir")
		n=$(find "$OLD/home/u$i/Maildir" -type f -path '*/cur/*' -o -type f -path '*/new/*' | wc -l)
		[ "$1" = "$n" ] && [ "$2" = 0 ] || bad=$((bad + 1))
	done
	echo "$bad"
}

mx --audit "$LAB/audit.1"
is "$rc" 0 "12 users: exit 0"
is "$(echo "$out" | grep -c ': verified: ')" 12 "every user verified"
like "$out" 'u03: verified: 9 copied .* 14 already there' "u03: only what it missed"
is "$(all_equal)" 0 "every message whole, none twice, none missing"
is "$(grep -c 'tar cf - -C /' "$LAB/audit.1")" 4 "one tar c per group of 3 users (4 groups)"
is "$(grep -c 'exec tar --numeric-owner --strip-components=1 -xpf' "$LAB/audit.1")" 4 "one tar x per group"
is "$(find "$NEW/home" -name 'mxmove-stage*' | wc -l)" 0 "no stage left"
is "$(find "$NEW/home/u07/Maildir" -type f ! -user 3007 | wc -l)" 0 "u07's files are u07's"
is "$(find "$NEW/home/u07/Maildir" -type f ! -perm 600 | wc -l)" 0 "mode 0600"
is "$(find "$NEW/home/u07/Maildir" -type d ! -user 3007 | wc -l)" 0 "and its directories"
is "$(stat -c %Y "$NEW/home/u05/Maildir/cur/1700000001.M1P5.old.example.test:2,RS")" \
    "$(stat -c %Y "$OLD/home/u05/Maildir/cur/1700000001.M1P5.old.example.test:2,RS")" "mtimes kept"
ok "$([ -f "$NEW/home/u05/Maildir/.Sent/maildirfolder" ]; echo $?)" "the folder marked as one"
mx
is "$(echo "$out" | grep -c ': verified: 0 copied')" 12 "a second pass copies nothing"

# A group that fails (u09's folder is a symbolic link on the target: its
# preparation refuses it) runs again user by user: only u09 fails.
for i in $(seq -w 0 11); do
	echo "late $i" >"$OLD/home/u$i/Maildir/new/1800000000.M1P$i.late"
done
mkdir -p "$LAB/elsewhere"
rm -rf "$NEW/home/u09/Maildir/.Sent"
ln -s "$LAB/elsewhere" "$NEW/home/u09/Maildir/.Sent"
echo "sent late" >"$OLD/home/u09/Maildir/.Sent/new/1800000001.M2P9.late"
mx
is "$rc" 1 "u09 fails: exit 1"
like "$out" "u09: failed: .*symbolic link: refused" "u09's reason is named"
is "$(echo "$out" | grep -cE '^u(0[0-8]|1[01]): verified: 1 copied')" 11 "its group's others copied their new mail"
is "$(ls "$LAB/elsewhere" | wc -l)" 0 "nothing written through the link"
rm "$NEW/home/u09/Maildir/.Sent"

# A message of the same name appears on the target while the group is
# linked into place (a cp on the target that plants it first): the
# staged file stays unlinked, and verify reads the target's own file.
mkdir -p "$LAB/plant"
cat >"$LAB/plant/cp" <<'CP'
#!/bin/sh
# PLANT: a file to make first; then cp answers as coreutils 9.2 does
# when -n skips a name (status 1). NOCP: cp fails, links nothing.
[ -n "$NOCP" ] && { echo "cp: cannot create hard link: Permission denied" >&2; exit 1; }
if [ -n "$PLANT" ] && [ ! -e "$PLANT" ] && [ -d "$(dirname "$PLANT")" ]; then
	echo "LATER 02" >"$PLANT"	# the size of the real one
fi
/usr/bin/cp "$@" || exit
[ -z "$PLANT" ] || { echo "cp: not replacing '$PLANT'" >&2; exit 1; }
CP
chmod 755 "$LAB/plant/cp"
for i in 00 01 02 03; do
	echo "later $i" >"$OLD/home/u$i/Maildir/new/1800000002.M3P$i.later"
done
PLANT="$NEW/home/u02/Maildir/new/1800000002.M3P02.later" PATH="$LAB/plant:$PATH" mx --audit "$LAB/audit.2"
is "$(grep -c 'tar cf - -C [^ ]*/home/u0[012]/Maildir' "$LAB/audit.2")" 0 "cp's status 1 for a name skipped does not fail the group"
like "$out" "u02: failed: u02: 1 message does not match" "the planted file is found out"
like "$out" "content differs \\(SHA-256\\): new/1800000002.M3P02.later" "and named"
is "$(cat "$NEW/home/u02/Maildir/new/1800000002.M3P02.later")" "LATER 02" "the target's file left as it was"
is "$(echo "$out" | grep -cE '^u0[013]: verified: 1 copied')" 3 "the others' new mail verified"

# A cp that links nothing fails the users it was to put in place, with
# its reason; nothing is half there.
for i in 04 05 06; do
	echo "cp $i" >"$OLD/home/u$i/Maildir/new/1800000003.M4P$i.cp"
done
NOCP=1 PATH="$LAB/plant:$PATH" mx
is "$(echo "$out" | grep -cE '^u0[456]: failed: ')" 3 "the three fail"
is "$(echo "$out" | grep -cE 'not put in place.*new/1800000003\.M4P0[456]\.cp')" 3 \
    "each file not put in place is named"
like "$out" "Permission denied" "with cp's reason"
is "$(ls "$NEW"/home/u0[456]/Maildir/new/*.cp 2>/dev/null | wc -l)" 0 "nothing in place"
mx
is "$(echo "$out" | grep -cE '^u0[456]: verified: 1 copied')" 3 "the next pass puts them in place"

# kill -9 at a few moments of a pass with new mail for everyone, then a
# full re-run: exactly the source's set everywhere.
rm -f "$NEW/home/u02/Maildir/new/1800000002.M3P02.later"
for t in 0.05 0.2 0.4; do
	for i in $(seq -w 0 11); do
		python3 -c "import sys; open(sys.argv[1], 'w').write('k\n' * 20000)" \
		    "$OLD/home/u$i/Maildir/cur/1900000000.M$RANDOM.kill:2,S"
	done
	"$MXMOVE" transfer --from "local:$OLD" --to "local:$NEW" --via-tar \
	    --state "$ST" --map "$LAB/map" --jobs 1 >/dev/null 2>&1 &
	pid=$!
	sleep "$t"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
done
mx
is "$rc" 0 "the re-run after kill -9: exit 0"
is "$(all_equal)" 0 "every message whole, none twice, none missing"
is "$(find "$NEW/home" -name 'mxmove-stage*' | wc -l)" 0 "no stage left"
done_testing
