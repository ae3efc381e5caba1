// The core's side of the store port: typed awaitable operations that encode a host
// call, suspend the task, and decode (defensively) what the host answered.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slotguard/host/store_types.h"
#include "slotguard/base/task.h"

namespace slotguard {

enum class StoreStatus { Ok, Conflict, Error };

struct ReadResult {
  StoreStatus status = StoreStatus::Error;
  std::vector<KvItem> items;  // same order as the keys asked for
  const KvItem* find(std::string_view key) const;
};

struct ListResult {
  StoreStatus status = StoreStatus::Error;
  KvListResult page;
};

class StoreClient {
 public:
  explicit StoreClient(TaskContext& ctx) : ctx_(ctx) {}
  Co<ReadResult> read(std::vector<std::string> keys);
  // (g++ 12 miscompiles braced lists inside co_await expressions; this avoids them.)
  Co<ReadResult> read_one(std::string key);
  Co<ListResult> list(std::string start, std::string end, size_t limit, std::string after = {});
  // Ok = committed, Conflict = a check failed and nothing was written.
  Co<StoreStatus> commit(std::vector<KvCheck> checks, std::vector<KvMutation> mutations);

 private:
  TaskContext& ctx_;
};

// Host-call wire (ABI 2, wasm/ABI.md "Host calls"): length-prefixed binary, not JSON.
// JSON cost more CPU per hold than the rest of the hold's work together (measured:
// bench/speed.mjs, docs/benchmarks.md). Little-endian u32 lengths and counts, u64
// versions; every read is bounds-checked, so any bytes decode to a value or nullopt.
namespace wire {
struct Writer {
  std::string out;
  void u8(uint8_t v) { out.push_back(static_cast<char>(v)); }
  void u32(uint32_t v);
  void u64(uint64_t v);
  void str(std::string_view s);
};
struct Reader {
  std::string_view in;
  size_t pos = 0;
  bool u8(uint8_t& v);
  bool u32(uint32_t& v);
  bool u64(uint64_t& v);
  bool str(std::string_view& s);
  // A count of items that each take at least `min_bytes`: refuses counts the rest
  // of the input cannot hold, so no input makes the decoder reserve a huge vector.
  bool count(uint32_t& n, size_t min_bytes);
  bool done() const { return pos == in.size(); }
};
}  // namespace wire

// Wire encoding, shared with native hosts that serve these calls (see wasm/ABI.md).
std::string encode_read_request(const std::vector<std::string>& keys);
std::string encode_list_request(std::string_view start, std::string_view end, size_t limit, std::string_view after);
std::string encode_commit_request(const std::vector<KvCheck>& checks, const std::vector<KvMutation>& mutations);
std::optional<std::vector<KvItem>> decode_items(std::string_view payload, bool* more = nullptr);
std::optional<CommitOutcome> decode_commit_reply(std::string_view payload);
std::string encode_items_reply(const std::vector<KvItem>& items, std::optional<bool> more = std::nullopt);
std::string encode_commit_reply(CommitOutcome outcome);

struct DecodedCommit {
  std::vector<KvCheck> checks;
  std::vector<KvMutation> mutations;
};
struct DecodedList {
  std::string start, end, after;
  size_t limit = 0;
};
std::optional<std::vector<std::string>> decode_read_request(std::string_view payload);
std::optional<DecodedList> decode_list_request(std::string_view payload);
std::optional<DecodedCommit> decode_commit_request(std::string_view payload);

}  // namespace slotguard
