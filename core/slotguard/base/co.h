// Coroutine support across the three toolchains: g++ and wasi clang ship <coroutine>;
// Emscripten 3.1.6's libc++ has only <experimental/coroutine>.
#pragma once
#if __has_include(<coroutine>) && !defined(__EMSCRIPTEN__)
#include <coroutine>
namespace slotguard::co {
using std::coroutine_handle;
using std::suspend_always;
}  // namespace slotguard::co
#else
#include <experimental/coroutine>
namespace slotguard::co {
using std::experimental::coroutine_handle;
using std::experimental::suspend_always;
}  // namespace slotguard::co
#endif
