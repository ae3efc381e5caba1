# Builds both WebAssembly modules into build/wasi and build/emscripten, and copies the
# artifacts to build/dist/ where hosts and tests load them from. Sourced after common.sh.
build_wasm() {
  log "wasm32-wasi build"
  cmake -S . -B build/wasi -DCMAKE_TOOLCHAIN_FILE=cmake/wasi-toolchain.cmake \
    -DCMAKE_BUILD_TYPE=MinSizeRel -DSLOTGUARD_WERROR="${SLOTGUARD_WERROR:-OFF}" >/dev/null
  cmake --build build/wasi -j"$(nproc)"
  log "Emscripten build"
  emcmake cmake -S . -B build/emscripten -DCMAKE_BUILD_TYPE=MinSizeRel \
    -DSLOTGUARD_WERROR="${SLOTGUARD_WERROR:-OFF}" >/dev/null
  cmake --build build/emscripten -j"$(nproc)"
  mkdir -p build/dist
  cp build/wasi/wasm/slotguard-wasi.wasm build/dist/
  cp build/emscripten/wasm/slotguard-emscripten.mjs build/emscripten/wasm/slotguard-emscripten.wasm build/dist/
}
