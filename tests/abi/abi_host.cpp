#include "abi_host.h"

#include "slotguard_abi.h"

namespace slotguard::native {

AbiHost& abi_host() {
  static AbiHost host;
  return host;
}

namespace {
int32_t queue(int32_t task, int32_t op, const uint8_t* p, uint32_t len) {
  AbiHost& h = abi_host();
  if (h.refuse_next > 0) {
    --h.refuse_next;
    return 1;
  }
  h.calls.push_back({task, op, std::string(reinterpret_cast<const char*>(p), len)});
  return 0;
}
}  // namespace

}  // namespace slotguard::native

using slotguard::native::abi_host;

extern "C" {
int32_t sg_host_store_read(int32_t t, const uint8_t* p, uint32_t n) { return slotguard::native::queue(t, SG_OP_STORE_READ, p, n); }
int32_t sg_host_store_list(int32_t t, const uint8_t* p, uint32_t n) { return slotguard::native::queue(t, SG_OP_STORE_LIST, p, n); }
int32_t sg_host_store_commit(int32_t t, const uint8_t* p, uint32_t n) { return slotguard::native::queue(t, SG_OP_STORE_COMMIT, p, n); }
int32_t sg_host_http_fetch(int32_t t, const uint8_t* p, uint32_t n) { return slotguard::native::queue(t, SG_OP_HTTP_FETCH, p, n); }
int64_t sg_host_now_ms(void) { return abi_host().env->now_ms(); }
void sg_host_random_bytes(uint8_t* out, uint32_t n) { abi_host().env->random_bytes(out, n); }
void sg_host_log(int32_t level, const uint8_t* p, uint32_t n) {
  abi_host().env->log(static_cast<slotguard::LogLevel>(level), std::string_view(reinterpret_cast<const char*>(p), n));
}
}
