// Resumable tasks: the sans-IO heart of the core.
//
// Every operation is a coroutine of type Co<T>. When it needs I/O it awaits
// TaskContext::call(op, payload): the coroutine suspends, the pending HostCall is
// visible to whoever drives the task (a wasm host through the ABI, or a native
// scheduler in tests), and the driver later resumes it with a HostReply. No threads,
// no Asyncify: a suspended task is only a heap frame, so many run at once.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "slotguard/base/co.h"

namespace slotguard {

// A trampoline instead of symmetric transfer: an awaiter names the coroutine to run
// next and returns; the loop resumes it. Stack depth stays flat and wasm needs no
// tail calls. Tasks are driven from one thread, so one slot suffices.
namespace detail {
inline co::coroutine_handle<> next_to_run = nullptr;
inline void run_from(co::coroutine_handle<> h) {
  next_to_run = h;
  while (next_to_run) std::exchange(next_to_run, nullptr).resume();
}
}  // namespace detail

// Host operations that complete asynchronously. Values cross the wasm ABI.
enum class HostOp : uint32_t {
  StoreRead = 1,
  StoreList = 2,
  StoreCommit = 3,
  HttpFetch = 4,
};

struct HostCall {
  HostOp op = HostOp::StoreRead;
  std::string payload;  // JSON, see wasm/ABI.md
};

// status 0: the host performed the call and `payload` is its answer.
// Any other status: the host could not perform it (I/O error, timeout); payload may
// carry a message for logs.
struct HostReply {
  int32_t status = 0;
  std::string payload;
};

class TaskContext {
 public:
  struct CallAwaiter {
    TaskContext* ctx;
    HostCall call;
    bool await_ready() const noexcept { return false; }
    void await_suspend(co::coroutine_handle<> h) noexcept {
      ctx->pending_ = std::move(call);
      ctx->resume_point_ = h;
    }
    HostReply await_resume() noexcept { return std::move(ctx->reply_); }
  };

  CallAwaiter call(HostOp op, std::string payload) { return CallAwaiter{this, {op, std::move(payload)}}; }

  const std::optional<HostCall>& pending() const { return pending_; }

  // Resumes the innermost suspended coroutine with the host's answer. Returns false
  // when nothing was pending (a driver bug the caller reports as a status).
  bool resume(HostReply reply) {
    if (!pending_ || !resume_point_) return false;
    pending_.reset();
    reply_ = std::move(reply);
    detail::run_from(std::exchange(resume_point_, nullptr));
    return true;
  }

 private:
  std::optional<HostCall> pending_;
  HostReply reply_;
  co::coroutine_handle<> resume_point_ = nullptr;
};

// A lazily started coroutine returning T. Awaiting it from another Co runs it next
// (through the trampoline); its completion resumes the awaiter.
template <class T>
class [[nodiscard]] Co {
 public:
  struct promise_type {
    std::optional<T> value;
    co::coroutine_handle<> continuation = nullptr;

    Co get_return_object() { return Co(Handle::from_promise(*this)); }
    co::suspend_always initial_suspend() noexcept { return {}; }
    struct FinalAwaiter {
      bool await_ready() noexcept { return false; }
      // Always inlined: a call to it left at the end of a coroutine whose promise type
      // has internal linkage looks like a resume to LLVM's coroutine lowering, which
      // marks it musttail, and Emscripten's wasm-ld then needs the tail-call feature.
      __attribute__((always_inline)) void await_suspend(co::coroutine_handle<promise_type> h) noexcept {
        detail::next_to_run = h.promise().continuation;
      }
      void await_resume() noexcept {}
    };
    FinalAwaiter final_suspend() noexcept { return {}; }
    template <class U>
    void return_value(U&& v) { value.emplace(std::forward<U>(v)); }
    // Built without exceptions: nothing can reach here.
    void unhandled_exception() noexcept { __builtin_trap(); }
  };
  using Handle = co::coroutine_handle<promise_type>;

  Co(Co&& o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
  Co& operator=(Co&& o) noexcept {
    if (this != &o) {
      if (h_) h_.destroy();
      h_ = std::exchange(o.h_, nullptr);
    }
    return *this;
  }
  Co(const Co&) = delete;
  ~Co() {
    if (h_) h_.destroy();
  }

  bool await_ready() const noexcept { return false; }
  void await_suspend(co::coroutine_handle<> awaiter) noexcept {
    h_.promise().continuation = awaiter;
    detail::next_to_run = h_;
  }
  T await_resume() noexcept { return std::move(*h_.promise().value); }

  // For the top-level driver.
  void start() { detail::run_from(h_); }
  bool done() const { return h_.done(); }
  T take() { return std::move(*h_.promise().value); }

 private:
  explicit Co(Handle h) : h_(h) {}
  Handle h_;
};

}  // namespace slotguard
