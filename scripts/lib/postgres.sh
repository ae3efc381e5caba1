# A throwaway PostgreSQL 15 for the tests of the PostgreSQL store and of many hosts on
# one database. Sourced by scripts/test (after common.sh); `start_test_postgres` starts
# a server whose data directory and unix socket live in a fresh temporary directory,
# with trust authentication, listening only on 127.0.0.1 on a free port, and exports
# SLOTGUARD_TEST_PG_URL. The server and its directory go away when the script exits.
#
# initdb and postgres refuse to run as root, so as root the server runs as the
# `postgres` user (Debian's package creates it) through runuser; as anyone else it
# runs as that user.

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
TEST_PG_DIR=""

# Runs a PostgreSQL binary as the user the server belongs to.
_pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

stop_test_postgres() {
  [ -n "$TEST_PG_DIR" ] || return 0
  if [ -f "$TEST_PG_DIR/data/postmaster.pid" ]; then
    _pg_as_owner "$PG_BIN/pg_ctl" -D "$TEST_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$TEST_PG_DIR"
  TEST_PG_DIR=""
}

start_test_postgres() {
  if [ ! -x "$PG_BIN/initdb" ]; then
    echo "PostgreSQL 15 is not installed ($PG_BIN/initdb is missing): apt-get install postgresql-15" >&2
    exit 1
  fi
  # As root, under /tmp: the postgres user must reach it, and $TMPDIR may be private.
  local parent="${TMPDIR:-/tmp}"
  [ "$(id -u)" -eq 0 ] && parent=/tmp
  TEST_PG_DIR="$(mktemp -d "$parent/slotguard-pg.XXXXXX")"
  # Chained onto whatever EXIT trap the caller has, so neither is lost.
  local previous
  previous="$(trap -p EXIT | sed -e "s/^trap -- '//" -e "s/' EXIT\$//")"
  # shellcheck disable=SC2064
  trap "stop_test_postgres${previous:+; $previous}" EXIT
  mkdir -p "$TEST_PG_DIR/data" "$TEST_PG_DIR/socket"
  [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$TEST_PG_DIR"

  # A port nobody listens on now (the kernel picks it; the server takes it a moment later).
  local port
  port="$(node -e 'const s = require("node:net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')"

  _pg_as_owner "$PG_BIN/initdb" -D "$TEST_PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$TEST_PG_DIR/initdb.log" 2>&1 || {
    cat "$TEST_PG_DIR/initdb.log" >&2
    exit 1
  }
  # Durability settings off: the data dies with the run, and the tests measure the
  # store's locking, not the disk. Enough connections for 4 hosts, their pools and the
  # tests' own.
  _pg_as_owner "$PG_BIN/pg_ctl" -D "$TEST_PG_DIR/data" -l "$TEST_PG_DIR/server.log" -w -t 60 \
    -o "-k $TEST_PG_DIR/socket -p $port -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || {
    cat "$TEST_PG_DIR/server.log" >&2
    exit 1
  }
  export SLOTGUARD_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
  log "throwaway PostgreSQL 15 on 127.0.0.1:$port (data in $TEST_PG_DIR)"
}
