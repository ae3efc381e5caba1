# A throwaway Radicale (CalDAV and iCalendar over HTTP) for the calendar feed tests.
# Sourced by scripts/test (after common.sh); `start_test_radicale` starts a server whose
# collections live in a fresh temporary directory, listening only on 127.0.0.1 on a free
# port, with no authentication and every collection readable and writable by anyone
# (the tests PUT and DELETE .ics resources, and the host reads the collections as feeds
# without credentials), and exports SLOTGUARD_TEST_RADICALE_URL. The server and its
# directory go away when the script exits.

TEST_RADICALE_DIR=""
TEST_RADICALE_PID=""

stop_test_radicale() {
  [ -n "$TEST_RADICALE_DIR" ] || return 0
  if [ -n "$TEST_RADICALE_PID" ]; then
    kill "$TEST_RADICALE_PID" 2>/dev/null || true
    wait "$TEST_RADICALE_PID" 2>/dev/null || true
  fi
  rm -rf "$TEST_RADICALE_DIR"
  TEST_RADICALE_DIR="" TEST_RADICALE_PID=""
}

start_test_radicale() {
  if ! command -v radicale >/dev/null; then
    echo "Radicale is not installed: apt-get install radicale python3-tz" >&2
    exit 1
  fi
  TEST_RADICALE_DIR="$(mktemp -d "${TMPDIR:-/tmp}/slotguard-radicale.XXXXXX")"
  # Chained onto whatever EXIT trap the caller has, so neither is lost.
  local previous
  previous="$(trap -p EXIT | sed -e "s/^trap -- '//" -e "s/' EXIT\$//")"
  # shellcheck disable=SC2064
  trap "stop_test_radicale${previous:+; $previous}" EXIT
  printf '[everyone]\nuser: .*\ncollection: .*\npermissions: RrWw\n' >"$TEST_RADICALE_DIR/rights"

  # A port nobody listens on now (the kernel picks it; the server takes it a moment later).
  local port
  port="$(node -e 'const s = require("node:net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')"
  radicale --server-hosts="127.0.0.1:$port" --auth-type=none \
    --rights-type=from_file --rights-file="$TEST_RADICALE_DIR/rights" \
    --storage-filesystem-folder="$TEST_RADICALE_DIR/collections" \
    >"$TEST_RADICALE_DIR/server.log" 2>&1 &
  TEST_RADICALE_PID=$!
  local i
  for i in $(seq 1 100); do
    if node -e "fetch('http://127.0.0.1:$port/').then(() => process.exit(0), () => process.exit(1))" 2>/dev/null; then
      export SLOTGUARD_TEST_RADICALE_URL="http://127.0.0.1:$port"
      log "throwaway Radicale on 127.0.0.1:$port (collections in $TEST_RADICALE_DIR)"
      return 0
    fi
    kill -0 "$TEST_RADICALE_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$TEST_RADICALE_DIR/server.log" >&2
  echo "Radicale did not start" >&2
  exit 1
}
