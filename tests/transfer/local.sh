#!/bin/bash
# transfer and verify between two rooted local hosts (the same pipeline an
# ssh pair gets): owners and modes, mtimes, folders, flags in names,
# incremental passes, dry run, maildirsize, mbox sources, a map file,
# parallel users, and verify naming the messages that differ.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
lab_enter "$@"

OLD=$LAB/old NEW=$LAB/new ST=$LAB/state
mkdir -p "$OLD/home" "$NEW/home"
A=$OLD/home/alice/Maildir
put_msg "$A" new/1700000001.1234.old.example.test "new one" 1700000001
put_msg "$A" cur/1700000002.M5P6.old.example.test:2,S "seen" 1700000002
put_msg "$A" cur/1700000003.M7P8.old.example.test,S=60:2,FRS "flagged replied" 1700000003
put_msg "$A" cur/1700000004.M9P1.old.example.test:2,DT "draft trashed" 1700000004
put_msg "$A" .Sent/cur/1700000005.M2P3.old.example.test:2,S "sent" 1700000005
put_msg "$A" .Lists.qmail/new/1700000006.M4P5.old.example.test "list mail" 1700000006
put_msg "$A" tmp/1700000007.M6P7.old.example.test "half delivered" 1700000007
echo "not a message" >"$A/courierimapsubscribed"
mkdir -p "$NEW/home/alice" && chown 2001:2001 "$NEW/home/alice"

mx() { run_mx "$1" --from "local:$OLD" --to "local:$NEW" --state "$ST" "${@:2}"; }
keys() {	# the message keys of a Maildir, sorted: FOLDER/UNIQUE
	(cd "$1" && find . -mindepth 2 -maxdepth 3 -type f \( -path './new/*' -o \
	    -path './cur/*' -o -path './.*/new/*' -o -path './.*/cur/*' \) |
	    sed -e 's|^\./||' -e 's|:.*||' -e 's|/new/|/|; s|/cur/|/|; s|^new/|/|; s|^cur/|/|' | sort)
}

mx transfer --dry-run --user alice
is "$rc" 0 "dry run exits 0"
like "$out" 'alice: would copy 6 of 6 messages' "dry run counts six messages (tmp/ is not mail)"
ok "$([ ! -e "$NEW/home/alice/Maildir" ]; echo $?)" "dry run writes nothing"

mx transfer --user alice
is "$rc" 0 "transfer exits 0"
like "$out" 'alice: verified: 6 copied' "six messages copied and verified"
B=$NEW/home/alice/Maildir
is "$(keys "$B")" "$(keys "$A")" "the target holds exactly the source's messages"
is "$(cd "$B" && find . -type f -path '*/cur/*' | sort | tr '\n' ' ')" \
    "$(cd "$A" && find . -type f -path '*/cur/*' | sort | tr '\n' ' ')" \
    "names kept, flags and ,S= included"
is "$(find "$B" -type f ! -name maildirfolder -printf '%U:%G %m\n' | sort -u)" "2001:2001 600" \
    "files owned by the target user, mode 0600"
is "$(find "$B" -type d -printf '%U:%G %m\n' | sort -u)" "2001:2001 700" \
    "directories owned by the target user, mode 0700"
is "$(stat -c %Y "$B/.Sent/cur/1700000005.M2P3.old.example.test:2,S")" 1700000005 \
    "mtimes kept (IMAP INTERNALDATE)"
ok "$(cmp -s "$A/cur/1700000004.M9P1.old.example.test:2,DT" "$B/cur/1700000004.M9P1.old.example.test:2,DT"; echo $?)" \
    "content byte for byte"
ok "$([ -f "$B/.Lists.qmail/maildirfolder" ] && [ -d "$B/.Lists.qmail/tmp" ]; echo $?)" \
    "Maildir++ folders made complete"
ok "$([ ! -e "$B/mxmove-stage" ]; echo $?)" "the stage directory is gone"
ok "$([ ! -e "$B/tmp/1700000007.M6P7.old.example.test" ]; echo $?)" "tmp/ not copied"
like "$(cat "$ST/journal")" "alice	done	6 6 0" "the journal records the user as done"

# A second pass copies nothing; then new mail, a client read on the target.
mx transfer --user alice
like "$out" 'alice: verified: 0 copied .*, 6 already there' "a second pass copies nothing"
mv "$B/new/1700000001.1234.old.example.test" "$B/cur/1700000001.1234.old.example.test:2,S"
put_msg "$A" new/1700000010.M1P1.old.example.test "late mail" 1700000010
put_msg "$A" .Sent/cur/1700000011.M1P1.old.example.test:2,S "late sent" 1700000011
mx transfer --user alice
is "$rc" 0 "catch-up pass exits 0"
like "$out" 'alice: verified: 2 copied .*, 6 already there' "only the two new messages are copied"
is "$(keys "$B")" "$(keys "$A")" "no duplicate of the message the client renamed"
is "$(ls "$B/cur" | grep -c '^1700000001')" 1 "the read message is there once, with its new flags"

# maildirsize: definition kept, totals recomputed.
printf '5000000S,1000C\n12 1\n' >"$B/maildirsize"
chown 2001:2001 "$B/maildirsize"
put_msg "$A" new/1700000012.M1P1.old.example.test "quota" 1700000012
mx transfer --user alice
total=$(cd "$B" && find . -type f -path '*/[nc][eu][wr]/*' -printf '%s\n' | awk '{s+=$1} END {print s}')
n=$(cd "$B" && find . -type f -path '*/[nc][eu][wr]/*' | wc -l)
# the S= size (60) counts instead of the file size for the one message carrying it
real=$(stat -c %s "$B"/cur/1700000003.M7P8.old.example.test,S=60:2,FRS)
is "$(cat "$B/maildirsize")" "$(printf '5000000S,1000C\n%s %s' $((total - real + 60)) "$n")" \
    "maildirsize: definition kept, one line of totals"
is "$(stat -c %u:%g "$B/maildirsize")" "2001:2001" "maildirsize keeps its owner"

# verify: equal, then a changed and a missing message are named.
mx verify --user alice
is "$rc" 0 "verify exits 0 when both sides match"
like "$out" 'alice: verified: source 9 messages' "verify counts the source's messages"
echo tampered >>"$B/.Sent/cur/1700000005.M2P3.old.example.test:2,S"
printf 'From: x@example.test\nSubject: new one\n\nNEW ONE\n' >"$B/cur/1700000001.1234.old.example.test:2,S"
rm "$B/.Lists.qmail/new/1700000006.M4P5.old.example.test"
mx verify --user alice
is "$rc" 1 "verify exits 1 on a difference"
like "$out" 'size differs: \.Sent/cur/1700000005' "a changed size is named"
like "$out" 'content differs \(SHA-256\): cur/1700000001\.1234' "a changed content of the same size is named"
like "$out" 'missing on the target: \.Lists\.qmail/new/1700000006' "a missing message is named"
mx transfer --user alice
like "$out" 'NOT verified: 1 copied' "transfer restores the missing one but does not hide the others"
is "$rc" 1 "and exits 1"

# Through `tar x` (what an ssh target gets), several users at once, a map
# file, an mbox source converted on the way.
for u in bob carol; do
	for i in 1 2 3; do
		put_msg "$OLD/home/$u/Maildir" "cur/17000001$i$i.M${i}P1.old.example.test:2,S" "$u $i"
	done
	mkdir -p "$NEW/srv/$u"
done
mkdir -p "$OLD/var/spool/mail"
cat >"$OLD/var/spool/mail/dave" <<'MBOX'
From a@example.test Tue Nov  3 11:00:00 2026
Subject: read
Status: RO

one

From b@example.test Wed Nov  4 12:00:00 2026
Subject: unread

two
MBOX
mkdir -p "$NEW/home/dave"
cat >"$LAB/map" <<MAP
# user  source                  target                 uid  gid
bob     /home/bob/Maildir       /srv/bob/Maildir       3001 3001
carol   /home/carol/Maildir     /srv/carol/Maildir     3002 -
dave    /var/spool/mail/dave    /home/dave/Maildir     3003 3003
MAP
chown 3333:3334 "$NEW/srv/carol"
mx transfer --via-tar --jobs 2 --map "$LAB/map"
is "$rc" 0 "three users in two jobs through tar x"
like "$out" 'bob: verified: 3 copied' "bob copied"
like "$out" 'carol: verified: 3 copied' "carol copied"
like "$out" 'dave: verified: 2 copied' "dave's mbox converted and copied"
is "$(find "$NEW/srv/bob/Maildir" "$NEW/home/dave/Maildir" -printf '%U:%G\n' | sort -u | tr '\n' ' ')" \
    "3001:3001 3003:3003 " "owners from the map"
is "$(stat -c %u:%g "$NEW/srv/carol/Maildir/cur")" "3002:3334" "'-' takes the group of the target's parent"
is "$(ls "$NEW/home/dave/Maildir/cur" | sed 's/.*:2,/:2,/')" ":2,S" "mbox: read message in cur/ with S"
is "$(ls "$NEW/home/dave/Maildir/new" | wc -l)" 1 "mbox: unread message in new/"
is "$(stat -c %Y "$NEW"/home/dave/Maildir/new/*)" 1793793600 "mbox: From_ date as mtime"
mx transfer --map "$LAB/map"
like "$out" 'dave: verified: 0 copied .*, 2 already there' "mbox: a second pass copies nothing"
ok "$([ ! -e "$ST/spool/dave" ]; echo $?)" "the mbox spool is removed"
is "$(stat -c %s "$OLD/var/spool/mail/dave")" "$(wc -c <"$OLD/var/spool/mail/dave")" "the mbox on the old host is untouched"

# Plesk: @attachments beside the Maildir, modes kept, owners fixed, and
# files already on the target left alone.
P=$OLD/var/qmail/mailnames/example.test/info
put_msg "$P/Maildir" cur/1700000200.M1P1.old.example.test:2,S "plesk" 1700000200
mkdir -p "$P/@attachments/a1"
echo attachment-one >"$P/@attachments/a1/0001"
echo attachment-two >"$P/@attachments/0002"
chmod 640 "$P/@attachments/a1/0001"; chmod 750 "$P/@attachments/a1"
chown -R 110:31 "$P"
mkdir -p "$NEW/var/qmail/mailnames/example.test/info"
mx transfer --user "info:/var/qmail/mailnames/example.test/info/Maildir:/var/qmail/mailnames/example.test/info/Maildir:3110:3131"
is "$rc" 0 "a Plesk mailbox with @attachments"
like "$out" '@attachments: 2 files' "@attachments copied"
Q=$NEW/var/qmail/mailnames/example.test/info/@attachments
is "$(find "$Q" -printf '%P %m %u:%g\n' | sort | tr '\n' '|')" \
    " 755 3110:3131|0002 644 3110:3131|a1 750 3110:3131|a1/0001 640 3110:3131|" \
    "@attachments: modes kept, owners fixed"
echo changed-on-target >"$Q/0002"
mx transfer --user "info:/var/qmail/mailnames/example.test/info/Maildir:/var/qmail/mailnames/example.test/info/Maildir:3110:3131"
is "$(cat "$Q/0002")" changed-on-target "@attachments: a file already there is left alone"

# Bad input: clear errors, nothing written.
mx transfer --user 'eve:/home/eve/Maildir'
is "$rc" 1 "a missing source: status 1"
like "$out" 'eve: failed: .*/home/eve/Maildir does not exist' "a missing source is named"
ok "$([ ! -e "$NEW/home/eve" ]; echo $?)" "nothing written for it"
mx transfer --user 'x:relative/path'
is "$rc" 2 "a relative path: status 2"
mx transfer --user alice --jobs 0
is "$rc" 2 "--jobs 0: status 2"
run_mx transfer --to "local:$NEW" --user alice
is "$rc" 2 "no --from: status 2"
printf 'bob /a\n' >"$LAB/badmap"
mx transfer --map "$LAB/badmap"
is "$rc" 2 "a map line with two fields: status 2"
like "$out" 'badmap: line 1: want USER SRC DST' "the map line is named"
done_testing
