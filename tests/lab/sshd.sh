# tests/lab/sshd.sh - an OpenSSH sshd per lab host, each with its own view
# of the filesystem (its own /etc/passwd, /home, /var ...).
#
# Use (after lab.sh and lab_enter):
#     . "$top_srcdir/tests/lab/sshd.sh"
#     lab_start_sshd old "$LAB_OLD"
#     lab_start_sshd new "$LAB_NEW"
#     ssh old cat /etc/passwd          # verified host key, key auth as root
#
# lab_start_sshd NAME ADDR
#     Builds the host's root $LAB/NAME/root (see lab_root) with
#       etc/passwd etc/shadow etc/group   root, sshd, nobody (+ lab_host_user)
#       home/                             over /home
#       root/                             over /root (root's own, empty
#                                         home: no dotfiles of this machine)
#       var/                              over /var: var/qmail, var/spool/mail,
#                                         var/vpopmail, var/mail -> spool/mail,
#                                         var/tmp, var/log; var/lib and
#                                         var/cache are this machine's
#     and runs sshd -D on ADDR:22 inside `unshare -mu` (own mount namespace,
#     own host name NAME.example.test) with those bind-mounted over the
#     real paths. Files put under $(lab_root NAME) before or after the start
#     are seen by the host at the same path without the prefix. The same
#     tree is reachable as the rooted local host "local:$(lab_root NAME)".
#     Extra binds: LAB_SSHD_BINDS="SRC=DST ..." (DST must exist).
#     Password authentication is on (users' hashes decide).
#     LAB_SSHD_EXTRA_PORT=N: listen on port N too (known_hosts is only
#     written for port 22).
#
# Exported after the first lab_start_sshd:
#   LAB_SSH_DIR      the test client's ~/.ssh (a lab dir bind-mounted over
#                    /root/.ssh: ssh and libssh take ~ from passwd, not $HOME)
#   LAB_SSH_KEY      the client's private key (ed25519, no passphrase),
#                    = $LAB_SSH_DIR/id_ed25519, authorized as root and
#                    every lab_host_user on every lab host
#   LAB_KNOWN_HOSTS  = $LAB_SSH_DIR/known_hosts: every started host's key,
#                    under its address and its NAME
#   LAB_SSH_CONFIG   = $LAB_SSH_DIR/config: "Host NAME" aliases (HostName
#                    ADDR, User root, the key, the known_hosts, strict)
#   LAB_AUTH_KEYS    the authorized_keys file all lab sshds read
# and per host (NAME as given: old, new):
#   LAB_SSH_FP_NAME  its host key's fingerprint, "SHA256:..."
#   LAB_SSH_HOSTKEY_NAME  its host key's private file
# lab_start_agent: runs ssh-agent holding a second key ($LAB_AGENT_KEY, not
#   in ~/.ssh, authorized too) and exports SSH_AUTH_SOCK.
# lab_host_user NAME USER UID GID HOME [HASH] [SHELL]: add a user to a lab
#   host (passwd, shadow, group), create HOME owned by UID:GID.
# lab_sshd_sessions NAME: PIDs of the sshd processes serving connections
#   (children of the listener), e.g. to cut a connection mid-stream.
# lab_sshd_rekey NAME: give NAME a new host key (restart: a "changed key").

lab_root() {
	echo "$LAB/$1/root"
}

_lab_ssh_client() {
	[ -n "${LAB_SSH_DIR:-}" ] && return 0
	LAB_SSH_DIR=$LAB/client-ssh
	mkdir -p "$LAB_SSH_DIR" && chmod 700 "$LAB_SSH_DIR" || bail "mkdir $LAB_SSH_DIR"
	LAB_SSH_KEY=$LAB_SSH_DIR/id_ed25519
	LAB_KNOWN_HOSTS=$LAB_SSH_DIR/known_hosts
	LAB_SSH_CONFIG=$LAB_SSH_DIR/config
	LAB_AUTH_KEYS=$LAB/authorized_keys
	ssh-keygen -q -t ed25519 -N '' -C lab-client -f "$LAB_SSH_KEY" ||
	    bail "ssh-keygen (client)"
	cp "$LAB_SSH_KEY.pub" "$LAB_AUTH_KEYS"
	: >"$LAB_KNOWN_HOSTS"
	: >"$LAB_SSH_CONFIG"
	# The private ~/.ssh, in this test's mount namespace only.
	if [ ! -d /root/.ssh ]; then
		mkdir -m 700 /root/.ssh || bail "mkdir /root/.ssh"
	fi
	mount --bind "$LAB_SSH_DIR" /root/.ssh || bail "bind-mount over /root/.ssh"
	# The privilege separation directory sshd insists on.
	[ -d /run/sshd ] || mkdir -m 755 /run/sshd
	export LAB_SSH_DIR LAB_SSH_KEY LAB_KNOWN_HOSTS LAB_SSH_CONFIG LAB_AUTH_KEYS
}

_lab_sshd_tree() {
	local _r
	_r=$(lab_root "$1")
	mkdir -p "$_r/etc" "$_r/home" "$_r/var/qmail" "$_r/var/spool/mail" \
	    "$_r/var/vpopmail" "$_r/var/log" "$_r/var/lib" "$_r/var/cache" \
	    "$_r/var/tmp" || bail "mkdir $_r"
	chmod 1777 "$_r/var/tmp"
	chmod 2775 "$_r/var/spool/mail"
	ln -sfn spool/mail "$_r/var/mail"
	ln -sfn /run "$_r/var/run"
	ln -sfn /run/lock "$_r/var/lock"
	# root logs in with /bin/sh: this machine's /root/.bashrc (sourced
	# by bash for every ssh command) may run slow things (pyenv).
	grep -E '^(root|daemon|sshd|nobody):' /etc/passwd |
	    sed 's|^\(root:.*:\)/bin/bash$|\1/bin/sh|' >"$_r/etc/passwd"
	grep -E '^(root|daemon|nogroup|mail):' /etc/group >"$_r/etc/group"
	# With UsePAM no, "!" would lock root out of key logins too.
	cut -d: -f1 "$_r/etc/passwd" | sed 's/$/:*:19000:0:99999:7:::/' \
	    >"$_r/etc/shadow"
	chmod 640 "$_r/etc/shadow"
}

# lab_host_user NAME USER UID GID HOME [HASH] [SHELL]
lab_host_user() {
	local _r
	_r=$(lab_root "$1")
	[ -f "$_r/etc/passwd" ] || _lab_sshd_tree "$1"
	echo "$2:x:$3:$4::$5:${7:-/bin/sh}" >>"$_r/etc/passwd"
	echo "$2:${6:-*}:19000:0:99999:7:::" >>"$_r/etc/shadow"
	grep -q "^[^:]*:[^:]*:$4:" "$_r/etc/group" ||
	    echo "$2:x:$4:" >>"$_r/etc/group"
	mkdir -p "$_r$5" && chown "$3:$4" "$_r$5" && chmod 755 "$_r$5"
}

_lab_fp() {
	ssh-keygen -l -E sha256 -f "$1" | awk '{print $2}'
}

# lab_start_sshd NAME ADDR
lab_start_sshd() {
	local _sd_n=$1 _sd_a=$2 _d _r _binds _f _b _fp
	_lab_ssh_client
	_d=$LAB/$_sd_n/sshd
	_r=$(lab_root "$_sd_n")
	mkdir -p "$_d" || bail "mkdir $_d"
	[ -f "$_r/etc/passwd" ] || _lab_sshd_tree "$_sd_n"
	[ -f "$_d/hostkey" ] ||
	    ssh-keygen -q -t ed25519 -N '' -C "$_sd_n" -f "$_d/hostkey" ||
	    bail "ssh-keygen (host $_sd_n)"
	cat >"$_d/sshd_config" <<-CONF
	Port 22
	${LAB_SSHD_EXTRA_PORT:+Port $LAB_SSHD_EXTRA_PORT}
	ListenAddress $_sd_a
	HostKey $_d/hostkey
	PidFile $_d/sshd.pid
	AuthorizedKeysFile $LAB_AUTH_KEYS
	PubkeyAuthentication yes
	PasswordAuthentication yes
	KbdInteractiveAuthentication no
	UsePAM no
	PermitRootLogin prohibit-password
	StrictModes no
	UseDNS no
	PrintMotd no
	PrintLastLog no
	X11Forwarding no
	MaxStartups 64
	MaxSessions 64
	LogLevel ${LAB_SSHD_LOGLEVEL:-VERBOSE}
	Subsystem sftp internal-sftp
	CONF
	/usr/sbin/sshd -t -f "$_d/sshd_config" 2>"$_d/check.log" ||
	    bail "sshd -t: $(cat "$_d/check.log")"
	# Mounts done inside the host's own mount namespace; the real /var's
	# lib and cache are bound into the host's /var first.
	_binds="mount --bind /var/lib '$_r/var/lib' &&"
	_binds="$_binds mount --bind /var/cache '$_r/var/cache' &&"
	# The host's own /root: the test machine's root dot files (a .bashrc
	# that runs pyenv, say) stay out of the lab's shells.
	mkdir -p "$_r/root" && chmod 700 "$_r/root"
	for _f in etc/passwd etc/shadow etc/group home var root; do
		_binds="$_binds mount --bind '$_r/$_f' '/$_f' &&"
	done
	for _b in ${LAB_SSHD_BINDS:-}; do
		_binds="$_binds mount --bind '${_b%%=*}' '${_b#*=}' &&"
	done
	lab_spawn "sshd-$_sd_n" unshare -mu --propagation private /bin/sh -c \
	    "$_binds hostname '$_sd_n.example.test' &&
	     exec /usr/sbin/sshd -D -e -f '$_d/sshd_config'"
	lab_wait 100 "sshd $_sd_n on $_sd_a:22" lab_tcp_open "$_sd_a" 22 ||
	    bail "sshd $_sd_n did not start: $(tail -n 5 "$LAB/sshd-$_sd_n.log")"
	_fp=$(_lab_fp "$_d/hostkey.pub")
	printf -v "LAB_SSH_FP_$_sd_n" '%s' "$_fp"
	printf -v "LAB_SSH_HOSTKEY_$_sd_n" '%s' "$_d/hostkey"
	export "LAB_SSH_FP_$_sd_n" "LAB_SSH_HOSTKEY_$_sd_n"
	grep -v "^$_sd_a,$_sd_n " "$LAB_KNOWN_HOSTS" >"$LAB_KNOWN_HOSTS.new"
	echo "$_sd_a,$_sd_n $(cut -d' ' -f1,2 "$_d/hostkey.pub")" \
	    >>"$LAB_KNOWN_HOSTS.new"
	mv "$LAB_KNOWN_HOSTS.new" "$LAB_KNOWN_HOSTS"
	if ! grep -q "^Host $_sd_n\$" "$LAB_SSH_CONFIG"; then
		cat >>"$LAB_SSH_CONFIG" <<-CONF
		Host $_sd_n
		    HostName $_sd_a
		    User root
		    IdentityFile $LAB_SSH_KEY
		    IdentitiesOnly yes
		    UserKnownHostsFile $LAB_KNOWN_HOSTS
		    GlobalKnownHostsFile /dev/null
		    StrictHostKeyChecking yes
		    BatchMode yes
		CONF
	fi
}

# lab_sshd_rekey NAME: a new host key, sshd restarted on the same address
# (known_hosts is NOT updated: clients now see a changed key).
lab_sshd_rekey() {
	local _d=$LAB/$1/sshd _addr _kh
	_addr=$(awk '$1 == "ListenAddress" {print $2}' "$_d/sshd_config")
	lab_stop "sshd-$1"
	lab_wait 50 "port 22 on $_addr to close" eval "! lab_tcp_open $_addr 22"
	rm -f "$_d/hostkey" "$_d/hostkey.pub"
	_kh=$(cat "$LAB_KNOWN_HOSTS")
	lab_start_sshd "$1" "$_addr"
	printf '%s\n' "$_kh" >"$LAB_KNOWN_HOSTS"
}

# lab_sshd_sessions NAME: the per-connection sshd processes.
lab_sshd_sessions() {
	local _lp _s _pp _p
	_lp=$(cat "$LAB/sshd-$1.pid" 2>/dev/null) || return 0
	for _s in /proc/[0-9]*/stat; do
		_pp=$(awk '{print $4}' "$_s" 2>/dev/null) || continue
		[ "$_pp" = "$_lp" ] && { _p=${_s#/proc/}; echo "${_p%/stat}"; }
	done
	return 0
}

# lab_start_agent: an ssh-agent holding its own key, authorized everywhere.
lab_start_agent() {
	_lab_ssh_client
	LAB_AGENT_KEY=$LAB/agent-key
	ssh-keygen -q -t ed25519 -N '' -C lab-agent -f "$LAB_AGENT_KEY" ||
	    bail "ssh-keygen (agent)"
	cat "$LAB_AGENT_KEY.pub" >>"$LAB_AUTH_KEYS"
	SSH_AUTH_SOCK=$LAB/agent.sock
	export SSH_AUTH_SOCK LAB_AGENT_KEY
	lab_spawn ssh-agent ssh-agent -D -a "$SSH_AUTH_SOCK"
	lab_wait 50 "ssh-agent" test -S "$SSH_AUTH_SOCK" || bail "ssh-agent"
	ssh-add -q "$LAB_AGENT_KEY" </dev/null || bail "ssh-add"
	export SSH_AUTH_SOCK LAB_AGENT_KEY
}
