# tests/lab/sendmail.sh - a sendmail per lab host, from the unpacked
# Debian packages (sendmail-bin conflicts with postfix, so it is never
# installed: lab.md).
#
# Use:
#     . "$top_srcdir/tests/lib.sh"
#     . "$top_srcdir/tests/lab/lab.sh"
#     . "$top_srcdir/tests/lab/sendmail.sh"
#     lab_sendmail_fetch            # BEFORE lab_enter: may need the network
#     lab_enter "$@"
#     lab_start_sendmail old "$LAB_OLD"
#
# lab_sendmail_fetch
#     Finds the four .debs (sendmail-bin sendmail-cf sendmail-base
#     liblockfile1) in $MX_SENDMAIL_DEBS (default /var/cache/mxmove-lab/
#     sendmail), fetching them there with "apt-get download" when missing;
#     skip_all when they cannot be had. Call it before lab_enter (the lab
#     has no network).
# lab_start_sendmail NAME ADDR
#     Unpacks the .debs into $LAB/sendmail-root (once), builds
#     $LAB/NAME/sendmail/{etc,mqueue,run}: sendmail.cf from an m4 .mc
#     (cf.m4 of the package) with the queue, pid file, local-host-names
#     (NAME.example.test), relay-domains and mailertable (FEATURE
#     mailertable; MapInUnsafeDirPath as the lab lives under /tmp) all in
#     that private tree, no aliases, daemon on ADDR:25
#     only, queue runs every 5 s; runs "sendmail -bD" (foreground) inside
#     `unshare -mu` with its own host name NAME.example.test and an
#     /etc/hosts that knows it (else every start sleeps 60 s), recorded as
#     NAME-sendmail, until ADDR:25 answers (bounded).
#     Exports LAB_SM_BIN (the package's /usr/libexec/sendmail, with
#     makemap) and puts it first in PATH, its libraries in
#     LD_LIBRARY_PATH: mxmove's makemap step then finds it.
# lab_sendmail_dir NAME: the directory holding sendmail.cf (--sendmail-dir).
# lab_sendmail_queue NAME: the queue directory (--sendmail-queue).

: "${MX_SENDMAIL_DEBS:=/var/cache/mxmove-lab/sendmail}"
_LAB_SM_PKGS="sendmail-bin sendmail-cf sendmail-base liblockfile1"

lab_sendmail_fetch() {
	local _p _missing=
	[ "${MX_IN_LAB:-}" = 1 ] && return 0
	for _p in $_LAB_SM_PKGS; do
		ls "$MX_SENDMAIL_DEBS/${_p}"_*.deb >/dev/null 2>&1 || _missing="$_missing $_p"
	done
	[ -z "$_missing" ] && return 0
	command -v apt-get >/dev/null || skip_all "no sendmail .debs in $MX_SENDMAIL_DEBS and no apt-get"
	mkdir -p "$MX_SENDMAIL_DEBS" 2>/dev/null ||
	    skip_all "cannot create $MX_SENDMAIL_DEBS for the sendmail .debs"
	(cd "$MX_SENDMAIL_DEBS" && timeout 120 apt-get download $_missing) \
	    >/dev/null 2>&1 ||
	    skip_all "sendmail .debs not available (apt-get download$_missing failed; put them in $MX_SENDMAIL_DEBS)"
}

lab_sendmail_dir() {
	echo "$LAB/$1/sendmail/etc"
}

lab_sendmail_queue() {
	echo "$LAB/$1/sendmail/mqueue"
}

_lab_sendmail_unpack() {
	local _d
	LAB_SM_ROOT=$LAB/sendmail-root
	if [ ! -x "$LAB_SM_ROOT/usr/libexec/sendmail/sendmail" ]; then
		mkdir -p "$LAB_SM_ROOT" || bail "mkdir $LAB_SM_ROOT"
		for _d in "$MX_SENDMAIL_DEBS"/*.deb; do
			dpkg -x "$_d" "$LAB_SM_ROOT" || bail "dpkg -x $_d"
		done
	fi
	LAB_SM_BIN=$LAB_SM_ROOT/usr/libexec/sendmail
	[ -x "$LAB_SM_BIN/sendmail" ] || bail "no sendmail in the unpacked .debs"
	case ":$PATH:" in *":$LAB_SM_BIN:"*) ;; *) PATH=$LAB_SM_BIN:$PATH ;; esac
	LD_LIBRARY_PATH=$LAB_SM_ROOT/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
	export LAB_SM_ROOT LAB_SM_BIN PATH LD_LIBRARY_PATH
}

lab_start_sendmail() {
	local _name=$1 _addr=$2 _s _cf
	command -v m4 >/dev/null || skip_all "m4 is missing"
	_lab_sendmail_unpack
	_s=$LAB/$_name/sendmail
	mkdir -p "$_s/etc" "$_s/mqueue" "$_s/run" || bail "mkdir $_s"
	chmod 700 "$_s/mqueue"
	_cf=$LAB_SM_ROOT/usr/share/sendmail/cf
	cat >"$_s/etc/sendmail.mc" <<EOF
divert(-1)
# mxmove lab: $_name on $_addr
divert(0)dnl
include(\`$_cf/m4/cf.m4')dnl
VERSIONID(\`mxmove lab $_name')dnl
OSTYPE(\`linux')dnl
define(\`confDOMAIN_NAME', \`$_name.example.test')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
define(\`QUEUE_DIR', \`$_s/mqueue')dnl
define(\`confPID_FILE', \`$_s/run/sendmail.pid')dnl
define(\`confCW_FILE', \`-o $_s/etc/local-host-names')dnl
define(\`confCR_FILE', \`-o $_s/etc/relay-domains')dnl
define(\`ALIAS_FILE', \`')dnl
define(\`confDELIVERY_MODE', \`background')dnl
define(\`confHOST_STATUS_DIRECTORY', \`')dnl
define(\`confSTATUS_FILE', \`')dnl
define(\`confTO_QUEUEWARN', \`1d')dnl
define(\`confDONT_BLAME_SENDMAIL', \`MapInUnsafeDirPath')dnl
FEATURE(\`no_default_msa')dnl
FEATURE(\`use_cw_file')dnl
FEATURE(\`nocanonify')dnl
FEATURE(\`accept_unresolvable_domains')dnl
FEATURE(\`mailertable', \`hash -o $_s/etc/mailertable')dnl
DAEMON_OPTIONS(\`Port=25,Addr=$_addr,Name=MTA')dnl
MAILER(\`local')dnl
MAILER(\`smtp')dnl
EOF
	m4 "$_s/etc/sendmail.mc" >"$_s/etc/sendmail.cf" 2>"$LAB/$_name-m4.log" ||
	    bail "m4 $_s/etc/sendmail.mc"
	echo "$_name.example.test" >"$_s/etc/local-host-names"
	: >"$_s/etc/relay-domains"
	printf '127.0.0.1\tlocalhost\n%s\t%s.example.test %s\n' "$_addr" \
	    "$_name" "$_name" >"$_s/hosts"
	lab_spawn "$_name-sendmail" unshare -mu sh -c '
		mount --bind "$1" /etc/hosts || exit 1
		hostname "$2.example.test" || exit 1
		exec "$3/sendmail" -C "$4" -bD -q5s' sh "$_s/hosts" "$_name" \
	    "$LAB_SM_BIN" "$_s/etc/sendmail.cf"
	lab_wait 100 "sendmail $_name on $_addr:25" lab_tcp_open "$_addr" 25 ||
	    bail "sendmail $_name did not start (see $LAB/$_name-sendmail.log)"
}
