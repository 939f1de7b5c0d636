# tests/lab/postfix.sh - a Postfix instance per lab host, each on a
# private config and spool (no /etc/postfix, no /var/spool/postfix).
#
# Use (after lab.sh and lab_enter):
#     . "$top_srcdir/tests/lab/postfix.sh"
#     lab_start_postfix old "$LAB_OLD" "mydestination=example.test, localhost"
#     mxmove queue local: --mta postfix --postfix-config "$(lab_postfix_conf old)"
#
# lab_start_postfix NAME ADDR [PARAM=VALUE]...
#     Builds $LAB/NAME/postfix/{conf,spool,data} from the system's main.cf
#     and master.cf (recipe in lab.md): myhostname NAME.example.test,
#     mynetworks 127.0.0.0/8, no TLS, no DNS, no aliases, the log in
#     $LAB/NAME/postfix/maillog, smtpd only on ADDR:25, no chroot; then the
#     PARAM=VALUE pairs (postconf -e), and runs "postfix start-fg" (recorded
#     as NAME-postfix) until ADDR:25 answers (bounded).
# lab_postfix_virtual NAME DOMAIN USER...
#     Makes NAME deliver DOMAIN's USERs into Maildirs under
#     $LAB/NAME/postfix/mail/DOMAIN/USER/ (virtual(8), uid/gid 65534).
#     Call before lab_start_postfix (or reload after).
#     LAB_POSTFIX_IN=HOST: run it inside the mount and UTS namespaces of
#     the lab host HOST's sshd (its /etc/passwd, /home, /var ...: local(8)
#     then delivers to that host's users); the config directory gets the
#     rest of /etc/postfix (postfix-files, dynamicmaps.cf) so that it can
#     stand as that host's /etc/postfix (LAB_SSHD_BINDS).
# lab_postfix_conf NAME: the config directory (give it as -c / --postfix-config).
# lab_postfix_maildir NAME DOMAIN USER: the Maildir of a virtual user.
# lab_postfix_stop NAME: "postfix stop" and wait for the master to go.

lab_postfix_conf() {
	echo "$LAB/$1/postfix/conf"
}

lab_postfix_maildir() {
	echo "$LAB/$1/postfix/mail/$2/$3"
}

_lab_postfix_tree() {
	local _p=$LAB/$1/postfix
	if [ ! -d "$_p/conf" ]; then
		mkdir -p "$_p/conf" "$_p/spool" "$_p/data" "$_p/mail" ||
		    bail "mkdir $_p"
		cp /etc/postfix/main.cf /etc/postfix/master.cf "$_p/conf/" ||
		    bail "no /etc/postfix/main.cf: install postfix"
		chown postfix "$_p/data" || bail "chown postfix $_p/data"
		chown 65534:65534 "$_p/mail"
	fi
}

lab_postfix_virtual() {
	local _name=$1 _dom=$2 _u _p _c
	shift 2
	_lab_postfix_tree "$_name"
	_p=$LAB/$_name/postfix
	_c=$_p/conf
	for _u in "$@"; do
		echo "$_u@$_dom $_dom/$_u/" >>"$_c/vmailbox"
	done
	postmap "hash:$_c/vmailbox" || bail "postmap $_c/vmailbox"
	postconf -c "$_c" -e "virtual_mailbox_domains=$_dom" \
	    "virtual_mailbox_base=$_p/mail" "virtual_mailbox_maps=hash:$_c/vmailbox" \
	    "virtual_uid_maps=static:65534" "virtual_gid_maps=static:65534" \
	    "virtual_minimum_uid=100" || bail "postconf (virtual)"
}

lab_start_postfix() {
	local _hn=$1 _addr=$2 _p _c _in=()
	shift 2
	command -v postfix >/dev/null || skip_all "postfix is missing"
	_lab_postfix_tree "$_hn"
	_p=$LAB/$_hn/postfix
	_c=$_p/conf
	if [ -n "${LAB_POSTFIX_IN:-}" ]; then
		_in=(nsenter -t "$(cat "$LAB/sshd-$LAB_POSTFIX_IN.pid")" -m -u --)
		cp -an /etc/postfix/. "$_c/" || bail "cp /etc/postfix to $_c"
	fi
	postconf -c "$_c" -e "queue_directory=$_p/spool" "data_directory=$_p/data" \
	    "inet_interfaces=loopback-only" "inet_protocols=ipv4" \
	    "myhostname=$_hn.example.test" "mydestination=localhost" \
	    "mynetworks=127.0.0.0/8" "maillog_file=$_p/maillog" \
	    "maillog_file_prefixes=/var, /dev/stdout, $_p" \
	    "alias_maps=" "alias_database=" "compatibility_level=3.6" \
	    "smtpd_tls_security_level=none" "smtp_tls_security_level=none" \
	    "smtp_dns_support_level=disabled" "relayhost=" \
	    "smtp_bind_address=$_addr" || bail "postconf -c $_c"
	if [ $# -gt 0 ]; then
		postconf -c "$_c" -e "$@" || bail "postconf -c $_c $*"
	fi
	postconf -c "$_c" -M# smtp/inet
	postconf -c "$_c" -M "$_addr:25/inet=$_addr:25 inet n - n - - smtpd" ||
	    bail "postconf -M smtpd"
	postconf -c "$_c" -M "postlog/unix-dgram=postlog unix-dgram n - n - 1 postlogd"
	postconf -c "$_c" -F '*/*/chroot = n'
	"${_in[@]}" postfix -c "$_c" check >>"$LAB/$_hn-postfix.log" 2>&1 ||
	    bail "postfix -c $_c check (see $LAB/$_hn-postfix.log)"
	lab_spawn "$_hn-postfix" "${_in[@]}" postfix -c "$_c" start-fg
	lab_wait 100 "postfix $_hn on $_addr:25" lab_tcp_open "$_addr" 25 ||
	    bail "postfix $_hn did not start"
}

lab_postfix_stop() {
	local _c
	_c=$(lab_postfix_conf "$1")
	postfix -c "$_c" stop >/dev/null 2>&1
	lab_stop "$1-postfix"
}
