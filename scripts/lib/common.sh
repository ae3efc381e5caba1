# Shared by scripts/dev and scripts/test: find the repo, install what is missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

# Debian packages slotguard builds and tests with (chromium: the browser tests drive
# Debian's build through playwright-core, which cannot download a browser here;
# postgresql-15: scripts/lib/postgres.sh starts a throwaway server for the tests;
# radicale, with python3-tz for time zones its vobject reads by IANA name: the
# calendar feed tests' throwaway CalDAV server, scripts/lib/radicale.sh).
DEBIAN_PACKAGES=(
  cmake g++ make pkg-config
  rapidjson-dev nlohmann-json3-dev catch2 libsqlite3-dev
  clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32 libc++-14-dev-wasm32 libc++abi-14-dev-wasm32
  libclang-rt-14-dev clang-tidy-14
  emscripten binaryen wabt
  nodejs npm python3
  chromium
  postgresql-15
  radicale python3-tz
)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

ensure_debian_packages() {
  local missing=()
  for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # Node may come from elsewhere than Debian (e.g. a preinstalled Node 20): accept it.
  if command -v node >/dev/null && command -v npm >/dev/null; then
    local kept=()
    for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || kept+=("$p"); done
    missing=("${kept[@]+"${kept[@]}"}")
  fi
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${missing[*]}" >&2
    echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_npm_packages() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing npm packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

# Emscripten's JS optimiser needs acorn from Debian's node modules.
export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}"
