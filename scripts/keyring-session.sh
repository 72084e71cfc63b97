#!/usr/bin/env bash
# keyring-session.sh COMMAND [ARG...] runs COMMAND beside a real, unlocked Secret Service of its
# own, for the OS keyring tests (make test-keyring): a private D-Bus session bus with
# gnome-keyring-daemon on it. Everything the two write is in one temporary directory, none of
# it under $HOME. Afterwards both are stopped by process ID and waited for, the directory is
# removed, and the script checks that no process of theirs and no file is left.
#
# COMMAND sees
#   DBUS_SESSION_BUS_ADDRESS        the private bus
#   LDACCESS_TEST_KEYRING           the same address: the keyring tests run only when the two
#                                   match, so that they never touch a desktop's own keyring
#   LDACCESS_TEST_KEYRING_PASSWORD  the login keyring's throwaway password (a test locks the
#                                   keyring, then unlocks it with this)
# Where a program is missing, COMMAND runs without them and LDACCESS_TEST_KEYRING_SKIP says why,
# so that the keyring tests skip. The exit status is COMMAND's, or 1 if something was left.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARG...]" >&2; exit 2; }

missing=
for p in dbus-daemon dbus-send gnome-keyring-daemon secret-tool; do
	command -v "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
	reason="keyring-session: not installed:$missing (make deps-keyring installs them with apt-get)"
	echo "$reason; the keyring tests skip" >&2
	LDACCESS_TEST_KEYRING_SKIP=$reason exec "$@"
fi

# gnome-keyring's place under $HOME, checked at the end not to have been made.
home_keyrings="${HOME:-/nonexistent}/.local/share/keyrings"
had_home_keyrings=false
[ -e "$home_keyrings" ] && had_home_keyrings=true

dir=$(mktemp -d "${TMPDIR:-/tmp}/ldaccess-keyring.XXXXXX")
bus= daemon=
# stop stops what was started, by process ID, and waits for it, so that nothing outlives the
# script, not even as a zombie.
stop() {
	local pid
	for pid in $daemon $bus; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	daemon= bus=
}
trap 'stop; rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM

# A bus of our own: its socket in $dir, and no service directories, so that D-Bus activation
# starts nothing behind our back (a second keyring daemon, a prompter). dbus-run-session would
# not do: it does not wait for its bus, which lingers as a zombie.
cat >"$dir/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=$dir</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF
dbus-daemon --nofork --config-file="$dir/bus.conf" --print-address=3 3>"$dir/address" 2>"$dir/bus.log" &
bus=$!

# fail says why the Secret Service could not be started, with what the daemons said.
fail() {
	echo "keyring-session: $1" >&2
	cat "$dir/bus.log" "$dir/daemon.log" 2>/dev/null >&2 || true
	exit 1
}
for i in $(seq 50); do
	[ -s "$dir/address" ] && break
	kill -0 "$bus" 2>/dev/null && [ "$i" != 50 ] || fail "dbus-daemon did not start"
	sleep 0.1
done
DBUS_SESSION_BUS_ADDRESS=$(head -n 1 "$dir/address")
export DBUS_SESSION_BUS_ADDRESS

mkdir -m 700 "$dir/home" "$dir/data" "$dir/config" "$dir/cache" "$dir/run"
password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
# --unlock reads the login keyring's password on stdin and creates or unlocks it with it.
printf '%s' "$password" | env HOME="$dir/home" XDG_DATA_HOME="$dir/data" XDG_CONFIG_HOME="$dir/config" \
	XDG_CACHE_HOME="$dir/cache" XDG_RUNTIME_DIR="$dir/run" \
	gnome-keyring-daemon --foreground --unlock --components=secrets >"$dir/daemon.log" 2>&1 &
daemon=$!
# A call before the daemon owns its name would find no Secret Service.
for i in $(seq 100); do
	if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; then
		break
	fi
	kill -0 "$daemon" 2>/dev/null && [ "$i" != 100 ] || fail "gnome-keyring-daemon did not serve org.freedesktop.secrets"
	sleep 0.1
done
pids="$bus $daemon"
echo "keyring-session: dbus-daemon (pid $bus) and gnome-keyring-daemon (pid $daemon) serve an unlocked login keyring in $dir" >&2

status=0
LDACCESS_TEST_KEYRING=$DBUS_SESSION_BUS_ADDRESS LDACCESS_TEST_KEYRING_PASSWORD=$password "$@" || status=$?
stop

# Nothing may be left: not the two daemons, nothing whose command line names $dir (the bus,
# anything D-Bus started), no file.
left=
for pid in $pids $(pgrep -f -- "$dir" || true); do
	if kill -0 "$pid" 2>/dev/null; then
		left="$left $(ps -o pid=,args= -p "$pid")"
		kill "$pid" 2>/dev/null || true
	fi
done
[ -z "$left" ] || { echo "keyring-session: left running, now stopped:$left" >&2; status=1; }
rm -rf "$dir"
trap - EXIT
[ ! -e "$dir" ] || { echo "keyring-session: could not remove $dir" >&2; status=1; }
if ! $had_home_keyrings && [ -e "$home_keyrings" ]; then
	echo "keyring-session: $home_keyrings was created" >&2
	status=1
fi
[ "$status" != 0 ] || echo "keyring-session: both stopped; no process and no file left" >&2
exit "$status"
