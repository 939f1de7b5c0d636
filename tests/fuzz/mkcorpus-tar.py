#!/usr/bin/env python3
# tests/fuzz/mkcorpus-tar.py DIR - write the seed corpus of fuzz-tar: a
# normal Maildir tar as `tar c` sends it, and the hostile kinds the
# transfer must refuse (absolute paths, "..", symbolic and hard links,
# device nodes and FIFOs, long names in GNU and pax form, a truncated
# stream). Made once and kept in tests/fuzz/corpus/fuzz-tar.
import io, os, sys, tarfile

out = sys.argv[1]
MSG = b"From: a@example.test\nSubject: hello\n\nbody\n"

def entry(name, kind=tarfile.REGTYPE, data=b"", link=""):
    ti = tarfile.TarInfo(name)
    ti.type = kind
    ti.mode = 0o600 if kind != tarfile.DIRTYPE else 0o700
    ti.mtime = 1700000000
    ti.uid = ti.gid = 1001
    ti.linkname = link
    if kind == tarfile.REGTYPE:
        ti.size = len(data)
    if kind in (tarfile.CHRTYPE, tarfile.BLKTYPE):
        ti.devmajor, ti.devminor = 1, 3
    return ti, (io.BytesIO(data) if kind == tarfile.REGTYPE else None)

def write(fname, entries, fmt=tarfile.GNU_FORMAT, cut=None):
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w", format=fmt) as t:
        for e in entries:
            t.addfile(*entry(*e))
    b = bio.getvalue()
    if cut is not None:
        b = b[:cut]
    with open(os.path.join(out, fname), "wb") as f:
        f.write(b)

D = tarfile.DIRTYPE
maildir = [("./", D), ("./new/", D), ("./cur/", D), ("./tmp/", D),
           ("./new/1700000001.4711.old.example.test", tarfile.REGTYPE, MSG),
           ("./cur/1700000002.M1P2.old.example.test:2,S", tarfile.REGTYPE, MSG * 3),
           ("./.Sent/", D), ("./.Sent/cur/", D),
           ("./.Sent/cur/1700000003.4713.old.example.test,S=120:2,RS", tarfile.REGTYPE, MSG),
           ("./courierimapuiddb", tarfile.REGTYPE, b"1 2\n"),
           ("./maildirsize", tarfile.REGTYPE, b"1000S\n120 1\n")]
write("maildir", maildir)
write("maildir-pax", maildir, fmt=tarfile.PAX_FORMAT)
write("absolute", [("/etc/new/1700000001.1.x", tarfile.REGTYPE, MSG),
                   ("/tmp/cur/1700000002.2.x:2,S", tarfile.REGTYPE, MSG)])
write("dotdot", [("./new/../../../outside/new/1700000001.1.x", tarfile.REGTYPE, MSG),
                 ("../cur/1700000002.2.x:2,S", tarfile.REGTYPE, MSG),
                 ("./.Sent/../../cur/1700000003.3.x:2,S", tarfile.REGTYPE, MSG)])
write("symlinks", [("./new/1700000001.1.x", tarfile.SYMTYPE, b"", "/etc/passwd"),
                   ("./.Evil", tarfile.SYMTYPE, b"", "/tmp"),
                   ("./.Evil/new/1700000002.2.x", tarfile.REGTYPE, MSG),
                   ("./cur", tarfile.SYMTYPE, b"", "../../canary")])
write("hardlinks", [("./new/1700000001.1.x", tarfile.REGTYPE, MSG),
                    ("./cur/1700000002.2.x:2,S", tarfile.LNKTYPE, b"", "/etc/shadow"),
                    ("./cur/1700000003.3.x:2,S", tarfile.LNKTYPE, b"", "./new/1700000001.1.x")])
write("devices", [("./new/1700000001.1.x", tarfile.CHRTYPE),
                  ("./cur/1700000002.2.x:2,S", tarfile.BLKTYPE),
                  ("./new/1700000003.3.x", tarfile.FIFOTYPE)])
long = "1700000001.M" + "9" * 300 + "P1.old.example.test"
write("longname-gnu", [("./new/" + long, tarfile.REGTYPE, MSG),
                       ("./." + "F" * 250 + "/cur/1700000002.2.x:2,S", tarfile.REGTYPE, MSG),
                       ("./new/" + "x" * 5000, tarfile.REGTYPE, MSG)])
write("longname-pax", [("./new/" + long, tarfile.REGTYPE, MSG),
                       ("./cur/" + "y" * 4200 + ":2,S", tarfile.REGTYPE, MSG)],
      fmt=tarfile.PAX_FORMAT)
write("truncated", maildir, cut=1800)
write("twice", [("./new/1700000001.1.x", tarfile.REGTYPE, MSG),
                ("./cur/1700000001.1.x:2,S", tarfile.REGTYPE, MSG + b"changed"),
                ("./new/1700000001.1.x", tarfile.REGTYPE, b"again")])
