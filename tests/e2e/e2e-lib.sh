# SPDX-License-Identifier: GPL-3.0-or-later
# What the end-to-end scripts share (bash, sourced): helpers, and the
# desktop each run brings up for itself (e2e_stack: Xvfb on a free
# display, dunst recording every notification into
# $tmp/notifications.log, its context menu answered from $tmp/pick,
# an OpenURI monitor). The caller sets top, build, out, tmp, app_id,
# logs (the files dump_logs prints), and keeps its processes in pids.

log() { printf '# %s\n' "$*" >&2; }

dump_logs() { # the run's logs named in $logs, after a failure
  local f
  for f in $logs; do
    [ -s "$tmp/$f" ] || continue
    printf '# ---- %s\n' "$f" >&2
    sed 's/^/#   /' "$tmp/$f" >&2
  done
}

stop_pids() {
  local pid
  for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 30); do
    local alive=0
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive -eq 0 ] && break
    sleep 0.1
  done
  for pid in "$@"; do kill -KILL "$pid" 2>/dev/null || true; done
}

cleanup() {
  local rc=$?
  # Newest first: the app and its peers before the display they draw on.
  local reversed=() i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do reversed+=("${pids[i]}"); done
  [ ${#reversed[@]} -eq 0 ] || stop_pids "${reversed[@]}"
  wait 2>/dev/null || true
  if [ $rc -ne 0 ]; then
    [ -n "$planned" ] || echo "Bail out! the test desktop did not come up"
    dump_logs
  fi
  rm -rf "$tmp"
  exit $rc
}

# wait_until SECONDS WHAT COMMAND...: polls COMMAND every 0.1 s.
wait_until() {
  local seconds=$1 what=$2; shift 2
  local deadline=$(( $(date +%s%N) + seconds * 1000000000 ))
  until "$@"; do
    if [ "$(date +%s%N)" -gt $deadline ]; then
      log "timed out after ${seconds} s waiting for $what"
      return 1
    fi
    sleep 0.1
  done
}

has_name() {
  timeout 5 gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
    --method org.freedesktop.DBus.NameHasOwner "$1" 2>/dev/null | grep -q true
}

actions_call() { # OBJECT-PATH METHOD ARGS...
  local path=$1 method=$2; shift 2
  timeout 10 gdbus call --session --timeout 8 --dest "$app_id" --object-path "$path" \
    --method "org.gtk.Actions.$method" "$@"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

file_uri() { python3 -c 'import pathlib, sys; print(pathlib.Path(sys.argv[1]).as_uri())' "$1"; }

# A window's id by its exact title, once it is mapped.
window_id() {
  timeout 10 xdotool search --sync --onlyvisible --name "^$1\$" | head -1
}

shot() { # NAME: the whole screen, as the person sees it
  mkdir -p "$out"
  timeout 20 import -window root "$out/$1.png"
  log "screenshot $out/$1.png"
}

window_shot() { # NAME: the Posthouse window alone, for data/screenshots/
  mkdir -p "$out"
  timeout 20 import -window "$(window_id Posthouse)" "$out/window-$1.png"
}

notified() { grep -q -F -- "$1" "$tmp/notifications.log"; }
saved_line() { grep -q "^saved .*/$1\$" "$tmp/cli.out"; }
file_present() { [ -f "$1" ]; }

same_bytes() { # EXPECTED ACTUAL
  if ! cmp -s "$1" "$2"; then
    log "$2 differs from $1"
    return 1
  fi
}

e2e_stack() {
  export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/config XDG_DATA_HOME=$tmp/data
  export XDG_CACHE_HOME=$tmp/cache XDG_RUNTIME_DIR=$tmp/runtime
  # Local files only: no gvfs daemons activated on this bus.
  export GIO_USE_VFS=local
  mkdir -p "$HOME" "$XDG_CONFIG_HOME/gtk-4.0" "$XDG_DATA_HOME/applications" \
           "$XDG_CACHE_HOME" "$tmp/files" "$tmp/cli-in" "$HOME/Downloads"
  mkdir -m 0700 "$XDG_RUNTIME_DIR"

  Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$tmp/display" >"$tmp/xvfb.log" 2>&1 &
  pids+=($!)
  display_ready() { [ -s "$tmp/display" ]; }
  wait_until 15 "Xvfb" display_ready
  export DISPLAY=":$(tr -d '[:space:]' <"$tmp/display")" GDK_BACKEND=x11
  unset WAYLAND_DISPLAY
  log "display $DISPLAY, bus $DBUS_SESSION_BUS_ADDRESS"

  # Notifications stay up a while so that screenshots show them.
  export PH_NOTIFY_LOG=$tmp/notifications.log
  : >"$PH_NOTIFY_LOG"
  # dunst's context menu (dunstctl context) runs pick-action as its dmenu:
  # it chooses the action whose label the test wrote into $tmp/pick.
  cat >"$tmp/pick-action" <<EOF
#!/bin/sh
tee -a "$tmp/menu.log" | grep -m 1 -F "#\$(cat "$tmp/pick") ("
EOF
  chmod +x "$tmp/pick-action"
  sed -e "s|@LOG@|$top/tests/record-notification|" -e 's/timeout = 2/timeout = 10/' \
    -e "s|^\[global\]|[global]\n    dmenu = $tmp/pick-action|" \
    "$top/tests/dunstrc.in" >"$tmp/dunstrc"
  dunst -config "$tmp/dunstrc" >"$tmp/dunst.log" 2>&1 &
  pids+=($!)
  wait_until 10 "dunst on the bus" has_name org.freedesktop.Notifications
  # Which portal calls the app makes (Show in Folder goes through OpenURI).
  dbus-monitor --session "interface='org.freedesktop.portal.OpenURI'" >"$tmp/openuri.log" 2>&1 &
  pids+=($!)
}
