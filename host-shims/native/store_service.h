// Serves the core's store host calls (binary payloads, wasm/ABI.md) from a native KvStore. The
// same translation every host does; here it is written once for native use.
#pragma once
#include "kv_store.h"
#include "slotguard/base/task.h"

namespace slotguard::native {

HostReply serve_store_call(KvStore& store, const HostCall& call);

}  // namespace slotguard::native
