#!/bin/bash
# The credential preflight: every account's hash judged against the
# target's crypt(), before anything is created.
. "$top_srcdir/tests/lib.sh"
t=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$t"' EXIT
mkdir -p "$t/etc" "$t/home"
c() { perl -e 'print crypt($ARGV[0], $ARGV[1])' "$1" "$2"; }
cat >"$t/etc/passwd" <<EOT
root:x:0:0:root:/root:/bin/bash
alice:x:1000:1000:Alice:/home/alice:/bin/sh
bob:x:1001:1001:Bob:/home/bob:/bin/sh
carol:x:1002:1002:Carol:/home/carol:/bin/sh
dave:x:1003:1003:Dave:/home/dave:/bin/sh
erin:x:1004:1004:Erin:/home/erin:/bin/sh
EOT
cat >"$t/etc/shadow" <<EOT
root:*:19000:0:99999:7:::
alice:$(c pw '$6$abcdefghijklmnop$'):19000:0:99999:7:::
bob:$(c pw ab):19000:0:99999:7:::
carol:{SSHA}c2VjcmV0c2FsdA==:19000:0:99999:7:::
dave:!$(c pw '$6$abcdefghijklmnop$'):19000:0:99999:7:::
erin:$(c pw '$1$abcdefgh$'):19000:0:99999:7:::
EOT
before=$(cd "$t" && find . -type f -exec sha256sum {} + | sort)

run_mx preflight --from "local:$t" --to local: --target system
is "$rc" 1 "a lockout makes the preflight exit 1"
like "$out" '^ok +alice ' "SHA-512 crypt: ok"
like "$out" '^weak +bob .*only the first 8 characters count' "DES crypt: weak, and why"
like "$out" '^lockout +carol .*cannot check' "an unknown scheme: carol would be locked out"
like "$out" '^skipped +dave ' "a locked account: skipped"
like "$out" '^weak +erin .*MD5' "MD5 crypt: weak"
like "$out" '5 accounts: 1 ok, 2 weak, 1 locked out, 0 need a reset, 1 skipped' "the summary adds up"
unlike "$out" "$(c pw '$6$abcdefghijklmnop$' | cut -c 10-)" "no hash is printed in full"
is "$(cd "$t" && find . -type f -exec sha256sum {} + | sort)" "$before" "the source is left as it was"

run_mx preflight --from "local:$t" --to local: --target nonsense
is "$rc" 2 "an unknown target is a usage error"
run_mx preflight --from "local:$t"
is "$rc" 2 "--to is required"
done_testing
