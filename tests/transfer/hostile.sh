#!/bin/bash
# Hostile tar streams from the old host (a fake `tar` serves them):
# absolute paths, "..", symbolic and hard links, device nodes and a
# symlink planted where a directory is expected write nothing outside the
# user's Maildir, are named in the report, and good messages still land.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
lab_enter "$@"
command -v python3 >/dev/null || skip_all "python3 is missing"

OLD=$LAB/old NEW=$LAB/new OUT=$LAB/outside
mkdir -p "$OLD/home/mal/Maildir/new" "$OLD/home/mal/Maildir/cur" \
    "$NEW/home/mal" "$OUT" "$LAB/fakebin"
chown 2001:2001 "$NEW/home/mal"
printf 'Subject: good\n\ngood\n' >"$OLD/home/mal/Maildir/new/1700000001.1.old"

python3 - "$LAB/evil.tar" "$OUT" <<'PY'
import io, sys, tarfile
out, outside = sys.argv[1], sys.argv[2]
t = tarfile.open(out, "w", format=tarfile.GNU_FORMAT)
def reg(name, data=b"Subject: x\n\nevil\n"):
    i = tarfile.TarInfo(name); i.size = len(data); i.mtime = 1700000000
    t.addfile(i, io.BytesIO(data))
def special(name, typ, link=""):
    i = tarfile.TarInfo(name); i.type = typ; i.linkname = link
    i.mtime = 1700000000
    if typ in (tarfile.CHRTYPE, tarfile.BLKTYPE): i.devmajor, i.devminor = 1, 3
    t.addfile(i)
reg("./new/1700000001.1.old", b"Subject: good\n\ngood\n")
reg("./cur/1700000001.1.old:2,S", b"Subject: good\n\ngood\n")  # the same, moved
reg(outside + "/abs-evil")                      # absolute path
reg("../../../../.." + outside + "/dotdot-evil")  # climbing out
reg("./cur/../../../../../.." + outside + "/dotdot2-evil")
special("./cur/link-evil", tarfile.SYMTYPE, outside + "/x")
special("./new", tarfile.SYMTYPE, outside)       # new/ as a link outside...
reg("./new/1700000002.2.old")                    # ...then a file through it
special("./cur/hard-evil", tarfile.LNKTYPE, "/etc/passwd")
special("./cur/dev-evil", tarfile.CHRTYPE)
special("./cur/fifo-evil", tarfile.FIFOTYPE)
t.close()
PY
cat >"$LAB/fakebin/tar" <<FAKE
#!/bin/sh
# The old host's tar, replaced: whatever it is asked, it sends evil.tar.
case "\$1" in c*) exec cat "$LAB/evil.tar" ;; esac
exec /usr/bin/tar "\$@"
FAKE
chmod 755 "$LAB/fakebin/tar"

for via in "" --via-tar; do
	rm -rf "$NEW/home/mal/Maildir"
	out=$(PATH="$LAB/fakebin:$PATH" "$MXMOVE" transfer $via --from "local:$OLD" \
	    --to "local:$NEW" --state "$LAB/state" --user mal 2>&1)
	rc=$?
	diag "$(echo "$out" | head -20)"
	is "$rc" 0 "${via:-disk}: the user still verifies (the good message is there)"
	is "$(ls "$OUT" | wc -l)" 0 "${via:-disk}: nothing written outside the Maildir"
	ok "$(find "$LAB" -name '*-evil' | grep -q .; echo $((!$?)))" \
	    "${via:-disk}: no evil file anywhere in the lab"
	like "$out" 'refused \(absolute path\): .*/abs-evil' "${via:-disk}: absolute path named"
	like "$out" 'refused \("\.\." in the path\): \.\./' "${via:-disk}: .. named"
	like "$out" 'refused \(symbolic link\): cur/link-evil' "${via:-disk}: symlink named"
	like "$out" 'refused \(symbolic link\): new$' "${via:-disk}: a symlink replacing new/ named"
	like "$out" 'refused \(hard link\): cur/hard-evil' "${via:-disk}: hard link named"
	like "$out" 'refused \(device or special file\): cur/dev-evil' "${via:-disk}: device named"
	like "$out" 'refused \(device or special file\): cur/fifo-evil' "${via:-disk}: fifo named"
	like "$out" ' 8 refused' "${via:-disk}: eight entries refused"
	ok "$([ -d "$NEW/home/mal/Maildir/new" ] && [ ! -L "$NEW/home/mal/Maildir/new" ]; echo $?)" \
	    "${via:-disk}: new/ is still a real directory"
	is "$(cat "$NEW/home/mal/Maildir/new/1700000001.1.old")" "$(printf 'Subject: good\n\ngood')" \
	    "${via:-disk}: the good message is there"
	is "$(find "$NEW/home/mal/Maildir" -name '1700000001.1.old*' | wc -l)" 1 \
	    "${via:-disk}: a message in new/ and cur/ of the stream lands once"
	is "$(find "$NEW/home/mal/Maildir" -type f -path '*/new/*' | wc -l)" 2 \
	    "${via:-disk}: the file sent after the new/ link went into the real new/"
done
is "$(stat -c %s /etc/passwd)" "$(wc -c </etc/passwd)" "/etc/passwd untouched"

# A symbolic link planted in the target Maildir where a folder belongs.
mkdir -p "$OLD/home/sym/Maildir/.Sent/cur" "$NEW/home/sym/Maildir/cur"
printf 'Subject: s\n\ns\n' >"$OLD/home/sym/Maildir/.Sent/cur/1700000009.9.old:2,S"
ln -s "$OUT" "$NEW/home/sym/Maildir/.Sent"
out=$("$MXMOVE" transfer --from "local:$OLD" --to "local:$NEW" --state "$LAB/state" \
    --user sym:/home/sym/Maildir:/home/sym/Maildir:2002:2002 2>&1)
rc=$?
is "$rc" 1 "a symlinked folder on the target: status 1"
like "$out" 'Maildir/\.Sent is a symbolic link: refused' "the link is named"
is "$(ls -A "$OUT" | wc -l)" 0 "nothing written through it"
# The same through tar x (what a remote target gets: the preparation
# runs in the round trip of the first tar x, and stops it).
out=$("$MXMOVE" transfer --from "local:$OLD" --to "local:$NEW" --state "$LAB/state" \
    --via-tar --user sym:/home/sym/Maildir:/home/sym/Maildir:2002:2002 2>&1)
rc=$?
is "$rc" 1 "via tar x: a symlinked folder on the target: status 1"
like "$out" 'Maildir/\.Sent is a symbolic link: refused' "via tar x: the link is named"
is "$(ls -A "$OUT" | wc -l)" 0 "via tar x: nothing written through it"
ok "$([ ! -e "$NEW/home/sym/Maildir/mxmove-stage" ]; echo $?)" "via tar x: no stage left"
done_testing
