# tests/lab/dovecot.sh - Dovecot serving Maildirs over POP3 and IMAP on
# the new host's address, with qmail-pop3d's UIDLs (pop3_uidl_format = %f).
#
# Use (after lab.sh and lab_enter):
#     . "$top_srcdir/tests/lab/dovecot.sh"
#     lab_dovecot_user alice secret 1001 1001 /path/to/home   # Maildir: HOME/Maildir
#     lab_start_dovecot
#     lab_dovecot_uidl alice secret         # "1 UIDL" lines, as POP3 shows them
#
# lab_dovecot_user USER PASSWORD UID GID HOME
#     Adds a passwd-file user ({PLAIN} password; UID >= 1000: Dovecot
#     refuses mail owned by root). Users may be added after the start
#     (the passwd-file is read again when it changes).
# lab_dovecot_conf DIR ADDR USERS FIRST_UID [NAME]
#     Writes DIR/dovecot.conf for a Dovecot of one's own (tests/e2e).
# lab_start_dovecot [ADDR]
#     Writes $LAB/dovecot/dovecot.conf (POP3 on 110, IMAP on 143, on ADDR,
#     default $LAB_NEW), starts `dovecot -F` and waits until both ports
#     answer. Exports LAB_DOVECOT_CONF (for doveadm -c) and LAB_DOVECOT_ADDR.
# lab_dovecot_uidl USER PASSWORD: the POP3 UIDL listing, "N UIDL" per line.
# lab_dovecot_imap_count USER PASSWORD [MAILBOX]: messages in a mailbox
#     (IMAP STATUS through doveadm).

_lab_dovecot_dir() {
	LAB_DOVECOT_DIR=$LAB/dovecot
	mkdir -p "$LAB_DOVECOT_DIR/run" "$LAB_DOVECOT_DIR/state" ||
	    bail "mkdir $LAB_DOVECOT_DIR"
	[ -f "$LAB_DOVECOT_DIR/users" ] || : >"$LAB_DOVECOT_DIR/users"
}

lab_dovecot_user() {
	_lab_dovecot_dir
	printf '%s:{PLAIN}%s:%s:%s::%s::\n' "$1" "$2" "$3" "$4" "$5" \
	    >>"$LAB_DOVECOT_DIR/users"
	mkdir -p "$5" && chown "$3:$4" "$5"
}

# lab_dovecot_conf DIR ADDR USERS FIRST_UID [NAME]: DIR/dovecot.conf
# (and DIR/run, DIR/state): POP3 on 110 and IMAP on 143 on ADDR, users
# from the passwd-file USERS (passwords {SCHEME}-prefixed or crypt),
# mail owned by FIRST_UID and up, qmail-pop3d's UIDLs.
lab_dovecot_conf() {
	mkdir -p "$1/run" "$1/state" || bail "mkdir $1"
	chmod 755 "$1" "$1/run" "$1/state"
	cat >"$1/dovecot.conf" <<CONF
base_dir = $1/run
state_dir = $1/state
instance_name = ${5:-mxlab}
protocols = pop3 imap
listen = $2
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = $LAB/dovecot.log
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = $4
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = $3
}
userdb {
  driver = passwd-file
  args = $3
}
service pop3-login {
  inet_listener pop3 {
    port = 110
  }
}
service imap-login {
  inet_listener imap {
    port = 143
  }
}
protocol pop3 {
  # qmail-pop3d's UIDL: the file name before ':' (2.4: %{filename}).
  pop3_uidl_format = %f
}
CONF
}

lab_start_dovecot() {
	local _addr=${1:-$LAB_NEW} _d
	_lab_dovecot_dir
	_d=$LAB_DOVECOT_DIR
	lab_dovecot_conf "$_d" "$_addr" "$_d/users" 1000
	lab_spawn dovecot /usr/sbin/dovecot -F -c "$_d/dovecot.conf"
	lab_wait 50 "Dovecot POP3 on $_addr:110" lab_tcp_open "$_addr" 110 ||
	    bail "Dovecot did not start (see $LAB/dovecot.log)"
	lab_wait 50 "Dovecot IMAP on $_addr:143" lab_tcp_open "$_addr" 143 ||
	    bail "Dovecot IMAP did not start"
	LAB_DOVECOT_CONF=$_d/dovecot.conf
	LAB_DOVECOT_ADDR=$_addr
	export LAB_DOVECOT_CONF LAB_DOVECOT_ADDR
}

lab_dovecot_uidl() {
	curl -s --max-time 10 "pop3://$LAB_DOVECOT_ADDR/" -u "$1:$2" -X UIDL |
	    tr -d '\r'
}

lab_dovecot_imap_count() {
	doveadm -c "$LAB_DOVECOT_CONF" -f flow mailbox status -u "$1" messages \
	    "${3:-INBOX}" 2>/dev/null | sed -n 's/.*messages=\([0-9]*\).*/\1/p'
}
