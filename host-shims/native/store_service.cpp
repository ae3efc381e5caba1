#include "store_service.h"

#include "slotguard/host/store_client.h"

namespace slotguard::native {

namespace {
HostReply failure(const char* why) { return HostReply{1, why}; }
}  // namespace

HostReply serve_store_call(KvStore& store, const HostCall& call) {
  switch (call.op) {
    case HostOp::StoreRead: {
      auto keys = decode_read_request(call.payload);
      if (!keys) return failure("malformed read request");
      auto items = store.read(*keys);
      if (!items) return failure("store read failed");
      return {0, encode_items_reply(*items)};
    }
    case HostOp::StoreList: {
      auto req = decode_list_request(call.payload);
      if (!req) return failure("malformed list request");
      auto page = store.list(req->start, req->end, req->limit, req->after);
      if (!page) return failure("store list failed");
      return {0, encode_items_reply(page->items, page->more)};
    }
    case HostOp::StoreCommit: {
      auto req = decode_commit_request(call.payload);
      if (!req) return failure("malformed commit request");
      auto outcome = store.commit(req->checks, req->mutations);
      if (!outcome) return failure("store commit failed");
      return {0, encode_commit_reply(*outcome)};
    }
    case HostOp::HttpFetch: break;
  }
  return failure("not a store call");
}

}  // namespace slotguard::native
