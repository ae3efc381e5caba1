// Always-on assertions. An invariant that does not hold means the core is about to
// write something it must never write, so the only safe move is to stop: SG_ASSERT
// traps in every build, release and wasm included. A trap costs one failed request,
// never corrupt data: the hosts replace the instance and committed state lives in
// the store. Assertions guard what the core decides, never what callers send (bad
// input gets an error answer, see responses.h).
#pragma once

namespace slotguard {

// Reports the failed condition where the platform can (stderr natively; nothing in
// wasm, where the host sees the trap) and traps. Never returns.
[[noreturn]] void assertion_failed(const char* condition, const char* file, int line) noexcept;

}  // namespace slotguard

#define SG_ASSERT(cond) \
  ((cond) ? static_cast<void>(0) : ::slotguard::assertion_failed(#cond, __FILE__, __LINE__))
