#!/usr/bin/env bash
# Starts or stops a throwaway Redis for the Upsonic.Memory.Redis tests.
#
#   eval "$(eng/test-servers/redis.sh start)"   # prints: export UPSONIC_TEST_REDIS=127.0.0.1:PORT
#   eng/test-servers/redis.sh stop              # stops only a server this script started
#
# Each "start" that finds the server this script launched still running counts one more user; "stop" stops it only when the last
# user stops, so a test run (test.sh) never kills a server someone else started earlier with this script and still uses.
#
# Port: UPSONIC_REDIS_PORT (default 6390). If a Redis already answers on 127.0.0.1:PORT it is reused; one this script did not
# start is never stopped.
# To point the tests at another server, skip this script and set UPSONIC_TEST_REDIS yourself (host:port or a
# StackExchange.Redis configuration string). Only the export line goes to stdout; everything else goes to stderr.
set -euo pipefail

port="${UPSONIC_REDIS_PORT:-6390}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
state="$repo/.test-servers/redis"
pidfile="$state/redis-$port.pid"
logfile="$state/redis-$port.log"
usersfile="$state/redis-$port.users"

log() { echo "redis.sh: $*" >&2; }

answers() {
  command -v redis-cli >/dev/null 2>&1 || return 1
  [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null || true)" = "PONG" ]
}

install_redis() {
  if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then
    return 0
  fi
  command -v apt-get >/dev/null 2>&1 || { log "redis-server is missing and apt-get is not available; install Redis or set UPSONIC_TEST_REDIS"; exit 1; }
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  log "installing redis-server with apt-get"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server </dev/null >&2
}

users() { cat "$usersfile" 2>/dev/null || echo 0; }

start() {
  if answers; then
    if [ -f "$pidfile" ]; then
      echo $(( $(users) + 1 )) > "$usersfile"
      log "reusing the redis-server this script started on 127.0.0.1:$port ($(users) users)"
    else
      log "reusing the Redis that answers on 127.0.0.1:$port (not started here: stop will leave it alone)"
    fi
    echo "export UPSONIC_TEST_REDIS=127.0.0.1:$port"
    return 0
  fi
  install_redis
  mkdir -p "$state"
  # No persistence (save "" and appendonly no): the data is throwaway and restarts must not reload it.
  redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
    --daemonize yes --pidfile "$pidfile" --logfile "$logfile" --dir "$state" </dev/null >&2
  for _ in $(seq 1 100); do
    if answers; then
      echo 1 > "$usersfile"
      log "started redis-server on 127.0.0.1:$port (pid $(cat "$pidfile" 2>/dev/null || echo '?'), log $logfile)"
      echo "export UPSONIC_TEST_REDIS=127.0.0.1:$port"
      return 0
    fi
    sleep 0.1
  done
  log "redis-server did not answer PING on 127.0.0.1:$port within 10 s; see $logfile"
  exit 1
}

stop() {
  if [ ! -f "$pidfile" ]; then
    log "no redis-server started by this script on port $port"
    return 0
  fi
  local pid remaining
  remaining=$(( $(users) - 1 ))
  if [ "$remaining" -gt 0 ]; then
    echo "$remaining" > "$usersfile"
    log "redis-server on port $port is still used by $remaining other start(s); not stopping it"
    return 0
  fi
  pid="$(cat "$pidfile")"
  # Only a redis-server: the pid may have been reused if that server died meanwhile.
  if kill -0 "$pid" 2>/dev/null && [ "$(ps -p "$pid" -o comm= 2>/dev/null)" = "redis-server" ]; then
    kill "$pid"
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  rm -f "$pidfile" "$usersfile"
  log "stopped redis-server on port $port"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
