#include "slotguard/base/sg_assert.h"

#if !defined(__wasm__)
#include <cstdio>
#endif

namespace slotguard {

void assertion_failed(const char* condition, const char* file, int line) noexcept {
#if !defined(__wasm__)
  std::fprintf(stderr, "slotguard: assertion failed: %s (%s:%d)\n", condition, file, line);
  std::fflush(stderr);
#else
  (void)condition, (void)file, (void)line;
#endif
  __builtin_trap();
}

}  // namespace slotguard
