# SPDX-License-Identifier: GPL-3.0-or-later
# Computers nearby for the window to list, sourced by tests/e2e/run-e2e and
# data/screenshots/take-screenshots (bash; the caller keeps its processes in
# the array `pids` and kills them at the end).
#
#   nearby_enter "$0" "$@"   first thing: as root, runs the script again in
#                            network, mount and UTS namespaces of its own
#   nearby_start TMP BUILD   loopback with multicast, an address on a veth
#                            pair of the namespace's own (for the receive
#                            panel), a system bus, a stand-in for
#                            systemd-hostnamed ("Workshop PC", this computer's
#                            device name) and an avahi-daemon on loopback;
#                            sets nearby=1 (else nearby= : not root, no
#                            namespaces, or no avahi-daemon / avahi-publish)
#   nearby_publish NAME PORT ID ASK PATHS
#                            a receiver nearby, as Posthouse announces one
#
# Nothing of this reaches the machine's own network or system bus.

nearby=

nearby_enter() {
  if [ -z "${PH_NEARBY_NETNS:-}" ] && [ "$(id -u)" -eq 0 ] && command -v avahi-daemon >/dev/null &&
     command -v avahi-publish >/dev/null && unshare --net --mount --uts true 2>/dev/null; then
    export PH_NEARBY_NETNS=1
    exec unshare --net --mount --uts -- "$@"
  fi
}

_nearby_wait() { # SECONDS FILE PATTERN
  local deadline=$(( $(date +%s) + $1 ))
  until grep -q -- "$3" "$2" 2>/dev/null; do
    [ "$(date +%s)" -lt $deadline ] || { echo "# nearby: no “$3” in $2" >&2; return 1; }
    sleep 0.1
  done
}

nearby_start() { # TMP BUILD
  local tmp=$1 peer=$2/tests/mdns/ph-mdns-peer
  [ -n "${PH_NEARBY_NETNS:-}" ] || { echo "# no computers nearby: needs root and namespaces" >&2; return 0; }
  ip link set lo up && ip link set lo multicast on || return 1
  ip link add "phnb$$a" type veth peer name "phnb$$b" 2>/dev/null &&
    ip address add 192.168.1.7/24 dev "phnb$$a" && ip link set "phnb$$a" up && ip link set "phnb$$b" up
  hostname workshop
  mount -t tmpfs tmpfs /run && mkdir -p /run/dbus "$tmp/avahi-services" || return 1
  [ ! -d /etc/avahi/services ] || mount --bind "$tmp/avahi-services" /etc/avahi/services
  printf '%s\n' \
    '<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"' \
    ' "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">' \
    '<busconfig>' '  <type>system</type>' '  <listen>unix:path=/run/dbus/system_bus_socket</listen>' \
    '  <auth>EXTERNAL</auth>' \
    '  <policy context="default"><allow user="*"/><allow send_destination="*"/><allow receive_sender="*"/></policy>' \
    '  <policy user="root"><allow own="org.freedesktop.Avahi"/><allow own="org.freedesktop.hostname1"/></policy>' \
    '</busconfig>' >"$tmp/system-bus.conf"
  dbus-daemon --config-file="$tmp/system-bus.conf" --nofork --nopidfile --print-address=1 \
    >"$tmp/system-bus.log" 2>&1 &
  pids+=($!)
  _nearby_wait 10 "$tmp/system-bus.log" '^unix:' || return 1
  export DBUS_SYSTEM_BUS_ADDRESS=unix:path=/run/dbus/system_bus_socket
  if [ -x "$peer" ]; then
    "$peer" hostnamed "Workshop PC" >"$tmp/hostnamed.log" 2>&1 &
    pids+=($!)
    _nearby_wait 10 "$tmp/hostnamed.log" '^ready' || return 1
  fi
  printf '%s\n' '[server]' 'host-name=workshop' 'use-ipv6=no' 'allow-interfaces=lo' \
    '[wide-area]' 'enable-wide-area=no' '[publish]' 'publish-hinfo=no' 'publish-workstation=no' \
    >"$tmp/avahi-daemon.conf"
  avahi-daemon -f "$tmp/avahi-daemon.conf" --no-chroot --no-drop-root --no-rlimits >"$tmp/avahi.log" 2>&1 &
  pids+=($!)
  _nearby_wait 10 "$tmp/avahi.log" 'Server startup complete' || return 1
  nearby=1
}

nearby_publish() { # NAME PORT ID ASK PATHS
  avahi-publish -s "$1" _posthouse._tcp "$2" txtvers=1 "id=$3" "ask=$4" "paths=$5" \
    >>"${tmp:-/tmp}/publish.log" 2>&1 &
  pids+=($!)
}
