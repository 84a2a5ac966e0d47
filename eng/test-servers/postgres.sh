#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL cluster for the Upsonic.Memory.Postgres tests.
#
#   eng/test-servers/postgres.sh start   prints "export UPSONIC_TEST_POSTGRES='...'" on stdout (everything else on stderr)
#   eng/test-servers/postgres.sh stop    stops the cluster this script started (never any other server)
#
# Usage: eval "$(eng/test-servers/postgres.sh start)"
#
# Environment:
#   UPSONIC_TEST_POSTGRES   when set, "start" just echoes it back (use an existing server; nothing is started)
#   UPSONIC_POSTGRES_PORT   the loopback port of the throwaway cluster (default 5439)
#   PG_BIN                  the PostgreSQL bin directory (default: the newest /usr/lib/postgresql/*/bin)
#
# The cluster listens on 127.0.0.1 only with trust auth and runs with fsync=off: it is for tests only and its data is
# disposable. As a normal user its data and log live in <repo>/.test-servers/postgres/ (git-ignored). As root the server runs as
# the "postgres" OS user, which may not be able to enter the checkout (a clone under /root or in a `mktemp -d` folder is mode
# 0700), so the data and log live in /var/tmp/upsonic-memory-postgres-<hash of repo path and port>/, owned by postgres, and
# "stop" removes that directory. The password file and the lock stay in <repo>/.test-servers/postgres/ either way.
# Works with no stdin (CI=true).
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BASE_DIR="$REPO_ROOT/.test-servers/postgres"
PASSWORD_FILE="$BASE_DIR/upsonic.password"
PORT="${UPSONIC_POSTGRES_PORT:-5439}"
if [[ "$(id -u)" == 0 ]]; then
  # Outside the checkout, where the postgres OS user can reach it; one directory per checkout and port.
  CLUSTER_DIR="/var/tmp/upsonic-memory-postgres-$(printf '%s:%s' "$REPO_ROOT" "$PORT" | sha256sum | cut -c1-16)"
else
  CLUSTER_DIR="$BASE_DIR"
fi
DATA_DIR="$CLUSTER_DIR/data"
LOG_FILE="$CLUSTER_DIR/postgres.log"
HOST=127.0.0.1
DATABASE=upsonic_test
ROLE=upsonic

find_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then echo "$PG_BIN"; return; fi
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  echo "$dir"
}

ensure_binaries() {
  BIN="$(find_bin)"
  if [[ -n "$BIN" && -x "$BIN/initdb" ]]; then return; fi
  [[ "$(id -u)" == 0 ]] || die "PostgreSQL binaries not found; install the 'postgresql' package (apt-get install postgresql) or set PG_BIN."
  log "installing postgresql with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq </dev/null >&2
  apt-get install -y -qq --no-install-recommends postgresql </dev/null >&2
  BIN="$(find_bin)"
  [[ -n "$BIN" && -x "$BIN/initdb" ]] || die "apt-get installed postgresql but no initdb was found under /usr/lib/postgresql/*/bin"
}

# Runs a server binary as the cluster owner: the "postgres" OS user when we are root (PostgreSQL refuses to run as root),
# from "/" because that user may not be able to enter the current directory.
as_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

is_ready() { as_owner "$BIN/pg_isready" -q -h "$HOST" -p "$PORT" -t 2 </dev/null >/dev/null 2>&1; }

ours_running() { [[ -f "$DATA_DIR/postmaster.pid" ]] && as_owner "$BIN/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1; }

# Reads its SQL from stdin (a here-document at the call site).
psql_admin() { as_owner "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$HOST" -p "$PORT" -U postgres -d postgres "$@"; }

# As root: creates CLUSTER_DIR owned by postgres (mode 0700), or checks that an existing one is a real directory owned by
# postgres, so nobody else can plant files or a symlink in the shared /var/tmp path.
ensure_cluster_dir() {
  [[ "$(id -u)" == 0 ]] || { mkdir -p "$CLUSTER_DIR"; return; }
  id postgres >/dev/null 2>&1 || die "the 'postgres' OS user does not exist (install the postgresql package)"
  if [[ ! -e "$CLUSTER_DIR" && ! -L "$CLUSTER_DIR" ]]; then
    (umask 077 && mkdir "$CLUSTER_DIR")
    chown postgres: "$CLUSTER_DIR"
  fi
  [[ -d "$CLUSTER_DIR" && ! -L "$CLUSTER_DIR" && "$(stat -c %U "$CLUSTER_DIR")" == postgres ]] \
    || die "$CLUSTER_DIR exists but is not a directory owned by postgres; remove it and run '$0 start' again"
  chmod 700 "$CLUSTER_DIR"
}

init_cluster() {
  log "creating a throwaway cluster in $DATA_DIR"
  ensure_cluster_dir
  rm -rf "$DATA_DIR"
  as_owner mkdir -m 700 "$DATA_DIR"
  as_owner "$BIN/initdb" -D "$DATA_DIR" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync </dev/null >&2 \
    || as_owner "$BIN/initdb" -D "$DATA_DIR" -U postgres -A trust -E UTF8 --locale=C --no-sync </dev/null >&2
  # Loopback only, trust auth, tuned for disposable test data (no durability).
  as_owner tee -a "$DATA_DIR/postgresql.conf" >/dev/null <<CONF

# --- Upsonic.Memory test cluster (eng/test-servers/postgres.sh) ---
listen_addresses = '$HOST'
port = $PORT
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 32MB
max_connections = 200
CONF
  as_owner tee "$DATA_DIR/pg_hba.conf" >/dev/null <<HBA
# TYPE  DATABASE  USER  ADDRESS       METHOD
host    all       all   $HOST/32  trust
HBA
}

start() {
  if [[ -n "${UPSONIC_TEST_POSTGRES:-}" ]]; then
    log "UPSONIC_TEST_POSTGRES is set; using that server"
    printf "export UPSONIC_TEST_POSTGRES='%s'\n" "$UPSONIC_TEST_POSTGRES"
    return
  fi

  ensure_binaries
  mkdir -p "$BASE_DIR"
  exec 9>"$BASE_DIR/.lock"
  flock -w 120 9 || die "another postgres.sh is still running"

  if ours_running && is_ready; then
    log "reusing the running cluster on $HOST:$PORT"
  else
    if ours_running; then
      die "our cluster in $DATA_DIR runs but does not answer on $HOST:$PORT (another UPSONIC_POSTGRES_PORT?); run '$0 stop' first"
    fi
    if is_ready; then
      die "something else already listens on $HOST:$PORT; set UPSONIC_POSTGRES_PORT to a free port or UPSONIC_TEST_POSTGRES to use that server"
    fi
    if [[ ! -f "$DATA_DIR/PG_VERSION" || ! -f "$PASSWORD_FILE" ]] || ! grep -q "^port = $PORT\$" "$DATA_DIR/postgresql.conf"; then
      init_cluster
    fi
    log "starting PostgreSQL on $HOST:$PORT (log: $LOG_FILE)"
    as_owner touch "$LOG_FILE"
    as_owner "$BIN/pg_ctl" -D "$DATA_DIR" -l "$LOG_FILE" -w -t 60 -o "-p $PORT" start </dev/null >&2 9>&- \
      || { tail -n 20 "$LOG_FILE" >&2 || true; die "the server did not start"; }
    local tries=0
    until is_ready; do
      tries=$((tries + 1))
      (( tries < 60 )) || die "the server did not become ready within 60 s (see $LOG_FILE)"
      sleep 1
    done
  fi

  if [[ ! -f "$PASSWORD_FILE" ]]; then
    head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$PASSWORD_FILE"
    chmod 600 "$PASSWORD_FILE"
  fi
  local password
  password="$(cat "$PASSWORD_FILE")"
  # Idempotent: the role's password is (re)set and the database created only when missing.
  psql_admin -v role="$ROLE" -v pw="$password" >&2 <<'SQL' || die "could not create the role"
SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN PASSWORD :'pw';
SQL
  psql_admin -v role="$ROLE" -v db="$DATABASE" >&2 <<'SQL' || die "could not create the database"
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SQL
  log "ready"
  printf "export UPSONIC_TEST_POSTGRES='Host=%s;Port=%s;Username=%s;Password=%s;Database=%s'\n" "$HOST" "$PORT" "$ROLE" "$password" "$DATABASE"
}

stop() {
  if [[ -f "$DATA_DIR/postmaster.pid" ]]; then
    ensure_binaries
    log "stopping the cluster in $DATA_DIR"
    as_owner "$BIN/pg_ctl" -D "$DATA_DIR" -m fast -w -t 60 stop </dev/null >&2
  else
    log "no cluster of ours is running"
  fi
  if [[ "$CLUSTER_DIR" != "$BASE_DIR" && -d "$CLUSTER_DIR" && ! -L "$CLUSTER_DIR" ]]; then
    log "removing $CLUSTER_DIR"
    rm -rf "$CLUSTER_DIR"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
