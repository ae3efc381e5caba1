// The native definitions of the ABI's imports (wasm/slotguard_abi.h). Natively the
// module's exports are linked in directly, and these functions play the host: host
// calls are queued, and a test (or fuzzer) serves them and resumes tasks
// through the exports, exactly as a JavaScript host does.
#pragma once
#include <cstdint>
#include <deque>
#include <string>

#include "sim_host.h"

namespace slotguard::native {

struct QueuedCall {
  int32_t task;
  int32_t op;  // sg_host_op
  std::string payload;
};

struct AbiHost {
  SimHost* env = nullptr;       // clock, randomness and logs
  std::deque<QueuedCall> calls;  // submitted, not yet answered
  int refuse_next = 0;           // imports return non-zero this many times
};

// The host the imports talk to (one per process, like one wasm instance).
AbiHost& abi_host();

}  // namespace slotguard::native
