#!/bin/bash
# Fault run: the new host's mail filesystem fills up during a transfer
# over ssh (a 2 MiB tmpfs over the new host's /home, about 5 MiB of mail).
# The transfer fails with an error naming the host, the user and the
# cause; nothing partial is in new/ or cur/ (only the stage may hold a
# cut file); the old host is unchanged. Then the tmpfs is remounted
# bigger and the re-run ends with exactly the source's set.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
lab_enter "$@"
. "$top_srcdir/tests/lab/sshd.sh"
command -v /usr/sbin/sshd >/dev/null || skip_all "openssh-server is missing"
command -v python3 >/dev/null || skip_all "python3 is missing"

RO=$(lab_root old) RN=$(lab_root new)
# The new host's /home: a small tmpfs, mounted before its sshd binds it
# (a remount changes the same superblock: the new host sees it too).
mkdir -p "$RN/home"
mount -t tmpfs -o size=2m,mode=755 mxfull "$RN/home" || bail "mount tmpfs"
lab_host_user old alice 1001 1001 /home/alice
lab_host_user new alice 2101 2101 /home/alice

SRC=$RO/home/alice/Maildir DST=$RN/home/alice/Maildir
python3 - "$SRC" <<'PY'
import os, random, sys
root = sys.argv[1]; random.seed(9)
for d in ("new", "cur", "tmp", ".Sent/new", ".Sent/cur", ".Sent/tmp"):
    os.makedirs(os.path.join(root, d), exist_ok=True)
for i in range(60):
    folder = ".Sent/" if i % 5 == 0 else ""
    sub, info = ("new", "") if i % 3 == 0 else ("cur", ":2,S")
    name = "%d.M%dP%d.old.example.test%s" % (1700000000 + i, i, 4242, info)
    body = "".join(random.choice("abcdefghij \n") for _ in range(80000 + 1000 * i))
    with open(os.path.join(root, folder + sub, name), "w") as f:
        f.write("Subject: message %d\n\n%s\n" % (i, body))
PY
chown -R 1001:1001 "$RO/home/alice"
lab_start_sshd old "$LAB_OLD"
lab_start_sshd new "$LAB_NEW"

# check [DST]: "N BAD" of DST (default $DST) against $SRC (tests/lib.sh).
check() { maildir_compare "$SRC" "${1:-$DST}"; }
fp_old() { (cd "$RO" && find home -printf '%p %s %T@ %m %u:%g\n' | sort; \
    find home -type f -exec sha256sum {} + | sort) | sha256sum; }
before=$(fp_old)

# Chunks of 1 MB: some messages are moved in before the disk is full.
run_mx transfer --from old --to new --state "$LAB/state" --chunk 1000000 --user alice
diag "the full run said: $(printf '%s' "$out" | grep -v '^alice: copying' | head -n 4)"
is "$rc" 1 "a full disk: exit 1"
like "$out" "^alice: failed: new: /home/alice/Maildir: no space left on the filesystem \\([0-9]+ KiB free; make room, then run again\\): new: tar x failed" \
    "the error names the user, the host, the Maildir and the cause"
like "$out" "^alice: stopped: [0-9]+ messages .* sent before the failure" \
    "the summary says the pass stopped (not a verification failure)"
r=$(check)
diag "after the failure: $r (messages in new/ and cur/, bad)"
is "${r#* }" 0 "nothing partial or foreign in new/ or cur/"
ok "$([ "${r% *}" -lt 60 ]; echo $?)" "the target holds less than the source (the disk did fill)"
like "$(tail -n 1 "$LAB/state/journal")" 'alice	failed	new: /home/alice/Maildir: no space left' "the journal records the failure and its cause"
is "$(fp_old)" "$before" "the old host is unchanged"

# Room made: the re-run completes.
mount -o remount,size=64m "$RN/home" || bail "remount"
run_mx transfer --from old --to new --state "$LAB/state" --chunk 1000000 --user alice
is "$rc" 0 "after the remount, the re-run exits 0"
like "$out" "alice: verified: [0-9]+ copied .*source 60 messages" "the re-run copies the rest and verifies"
is "$(check)" "60 0" "exactly the source's 60 messages on the target, each whole, none twice"
ok "$([ ! -e "$DST/mxmove-stage" ]; echo $?)" "no stage left"
is "$(find "$DST/tmp" "$DST/.Sent/tmp" -type f | wc -l)" 0 "nothing left in tmp/"
is "$(find "$DST" -printf '%u:%g\n' | sort -u)" "2101:2101" "everything owned by alice on the new host"
run_mx verify --from old --to new --state "$LAB/state" --user alice
is "$rc" 0 "verify (every digest) agrees"
is "$(fp_old)" "$before" "the old host is still unchanged"

# The same into a local target (libarchive writes each file into the
# stage, then renames it in; its error is only "Write failed").
L=$LAB/local
mkdir -p "$L/home"
mount -t tmpfs -o size=2m,mode=755 mxfull2 "$L/home" || bail "mount tmpfs (local)"
mkdir -p "$L/home/alice" && chown 2101:2101 "$L/home/alice"
LD=$L/home/alice/Maildir
run_mx transfer --from old --to "local:$L" --state "$LAB/state2" --user alice
is "$rc" 1 "local target, full disk: exit 1"
like "$out" "^alice: failed: local:$L: /home/alice/Maildir: no space left on the filesystem" \
    "local target: the error names the user, the target, the Maildir and the cause"
r=$(check "$LD")
diag "local target after the failure: $r (messages in new/ and cur/, bad)"
is "${r#* }" 0 "local target: nothing partial in new/ or cur/"
mount -o remount,size=64m "$L/home" || bail "remount (local)"
run_mx transfer --from old --to "local:$L" --state "$LAB/state2" --user alice
is "$rc" 0 "local target: the re-run exits 0"
is "$(check "$LD")" "60 0" "local target: exactly the source's 60 messages"
is "$(fp_old)" "$before" "the old host is unchanged at the end"
# The lab's directory goes whole when the test ends: no mount left in it.
umount "$L/home" "$RN/home"
done_testing
