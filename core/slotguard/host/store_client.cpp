#include "slotguard/host/store_client.h"

#include <cstdint>

namespace slotguard {

const KvItem* ReadResult::find(std::string_view key) const {
  for (const auto& it : items)
    if (it.key == key) return &it;
  return nullptr;
}

namespace wire {

void Writer::u32(uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void Writer::u64(uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void Writer::str(std::string_view s) {
  u32(static_cast<uint32_t>(s.size()));
  out.append(s.data(), s.size());
}

bool Reader::u8(uint8_t& v) {
  if (in.size() - pos < 1) return false;
  v = static_cast<uint8_t>(in[pos++]);
  return true;
}
bool Reader::u32(uint32_t& v) {
  if (in.size() - pos < 4) return false;
  v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(in[pos + i])) << (8 * i);
  pos += 4;
  return true;
}
bool Reader::u64(uint64_t& v) {
  if (in.size() - pos < 8) return false;
  v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(in[pos + i])) << (8 * i);
  pos += 8;
  return true;
}
bool Reader::str(std::string_view& s) {
  uint32_t n = 0;
  if (!u32(n) || in.size() - pos < n) return false;
  s = in.substr(pos, n);
  pos += n;
  return true;
}
bool Reader::count(uint32_t& n, size_t min_bytes) {
  if (!u32(n)) return false;
  return min_bytes == 0 || n <= (in.size() - pos) / min_bytes;
}

}  // namespace wire

namespace {
constexpr uint8_t kOpSet = 1, kOpDelete = 2;
constexpr uint8_t kCommitted = 1, kConflict = 2;
// Version numbers the JavaScript hosts can carry exactly (2^53): a larger one is a
// store bug, refused like any other malformed answer.
// (JavaScript hosts refuse versions above 2^53 themselves; the C++ side takes what the
// JSON wire took, up to INT64_MAX.)
constexpr uint64_t kMaxVersion = static_cast<uint64_t>(INT64_MAX);

}  // namespace

std::string encode_read_request(const std::vector<std::string>& keys) {
  wire::Writer w;
  size_t n = 4;
  for (const auto& k : keys) n += 4 + k.size();
  w.out.reserve(n);
  w.u32(static_cast<uint32_t>(keys.size()));
  for (const auto& k : keys) w.str(k);
  return std::move(w.out);
}

std::string encode_list_request(std::string_view start, std::string_view end, size_t limit, std::string_view after) {
  wire::Writer w;
  w.str(start);
  w.str(end);
  w.str(after);
  w.u32(static_cast<uint32_t>(limit > UINT32_MAX ? UINT32_MAX : limit));
  return std::move(w.out);
}

std::string encode_commit_request(const std::vector<KvCheck>& checks, const std::vector<KvMutation>& mutations) {
  wire::Writer w;
  size_t n = 8;
  for (const auto& c : checks) n += 12 + c.key.size();
  for (const auto& m : mutations) n += 9 + m.key.size() + m.value.size();
  w.out.reserve(n);
  w.u32(static_cast<uint32_t>(checks.size()));
  for (const auto& c : checks) {
    w.str(c.key);
    w.u64(c.version);
  }
  w.u32(static_cast<uint32_t>(mutations.size()));
  for (const auto& m : mutations) {
    w.u8(m.op == KvMutation::Op::Set ? kOpSet : kOpDelete);
    w.str(m.key);
    if (m.op == KvMutation::Op::Set) w.str(m.value);
  }
  return std::move(w.out);
}

std::optional<std::vector<KvItem>> decode_items(std::string_view payload, bool* more) {
  wire::Reader r{payload};
  uint8_t more_flag = 0;
  uint32_t n = 0;
  if (!r.u8(more_flag) || more_flag > 1 || !r.count(n, 12)) return std::nullopt;
  std::vector<KvItem> items;
  items.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    std::string_view key, value;
    uint64_t version = 0;
    if (!r.str(key) || !r.u64(version) || version > kMaxVersion) return std::nullopt;
    KvItem item;
    item.key.assign(key.data(), key.size());
    item.version = version;
    if (version != 0) {
      if (!r.str(value)) return std::nullopt;
      item.value.assign(value.data(), value.size());
    }
    items.push_back(std::move(item));
  }
  if (!r.done()) return std::nullopt;
  if (more) *more = more_flag == 1;
  return items;
}

std::optional<CommitOutcome> decode_commit_reply(std::string_view payload) {
  if (payload.size() != 1) return std::nullopt;
  if (static_cast<uint8_t>(payload[0]) == kCommitted) return CommitOutcome::Committed;
  if (static_cast<uint8_t>(payload[0]) == kConflict) return CommitOutcome::Conflict;
  return std::nullopt;
}

std::string encode_items_reply(const std::vector<KvItem>& items, std::optional<bool> more) {
  wire::Writer w;
  w.u8(more && *more ? 1 : 0);
  w.u32(static_cast<uint32_t>(items.size()));
  for (const auto& it : items) {
    w.str(it.key);
    w.u64(it.version);
    if (it.version != 0) w.str(it.value);
  }
  return std::move(w.out);
}

std::string encode_commit_reply(CommitOutcome outcome) {
  return std::string(1, static_cast<char>(outcome == CommitOutcome::Committed ? kCommitted : kConflict));
}

std::optional<std::vector<std::string>> decode_read_request(std::string_view payload) {
  wire::Reader r{payload};
  uint32_t n = 0;
  if (!r.count(n, 4)) return std::nullopt;
  std::vector<std::string> keys;
  keys.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    std::string_view k;
    if (!r.str(k)) return std::nullopt;
    keys.emplace_back(k);
  }
  if (!r.done()) return std::nullopt;
  return keys;
}

std::optional<DecodedList> decode_list_request(std::string_view payload) {
  wire::Reader r{payload};
  std::string_view s, e, a;
  uint32_t limit = 0;
  if (!r.str(s) || !r.str(e) || !r.str(a) || !r.u32(limit) || !r.done()) return std::nullopt;
  return DecodedList{std::string(s), std::string(e), std::string(a), static_cast<size_t>(limit)};
}

std::optional<DecodedCommit> decode_commit_request(std::string_view payload) {
  wire::Reader r{payload};
  DecodedCommit out;
  uint32_t nc = 0, nm = 0;
  if (!r.count(nc, 12)) return std::nullopt;
  out.checks.reserve(nc);
  for (uint32_t i = 0; i < nc; ++i) {
    std::string_view key;
    uint64_t v = 0;
    if (!r.str(key) || !r.u64(v) || v > kMaxVersion) return std::nullopt;
    out.checks.push_back({std::string(key), v});
  }
  if (!r.count(nm, 5)) return std::nullopt;
  out.mutations.reserve(nm);
  for (uint32_t i = 0; i < nm; ++i) {
    uint8_t op = 0;
    std::string_view key, value;
    if (!r.u8(op) || !r.str(key)) return std::nullopt;
    if (op == kOpSet) {
      if (!r.str(value)) return std::nullopt;
      out.mutations.push_back({KvMutation::Op::Set, std::string(key), std::string(value)});
    } else if (op == kOpDelete) {
      out.mutations.push_back({KvMutation::Op::Delete, std::string(key), {}});
    } else {
      return std::nullopt;
    }
  }
  if (!r.done()) return std::nullopt;
  return out;
}

Co<ReadResult> StoreClient::read(std::vector<std::string> keys) {
  HostReply reply = co_await ctx_.call(HostOp::StoreRead, encode_read_request(keys));
  ReadResult result;
  if (reply.status != 0) co_return result;
  auto items = decode_items(reply.payload);
  // A store that answers other keys than asked is as broken as one that fails.
  if (!items || items->size() != keys.size()) co_return result;
  for (size_t i = 0; i < keys.size(); ++i)
    if ((*items)[i].key != keys[i]) co_return result;
  result.status = StoreStatus::Ok;
  result.items = std::move(*items);
  co_return result;
}

Co<ReadResult> StoreClient::read_one(std::string key) {
  std::vector<std::string> keys;
  keys.push_back(std::move(key));
  co_return co_await read(std::move(keys));
}

Co<ListResult> StoreClient::list(std::string start, std::string end, size_t limit, std::string after) {
  HostReply reply = co_await ctx_.call(HostOp::StoreList, encode_list_request(start, end, limit, after));
  ListResult result;
  if (reply.status != 0) co_return result;
  bool more = false;
  auto items = decode_items(reply.payload, &more);
  if (!items || items->size() > limit) co_return result;
  // Keys must be in range, after the cursor, strictly ascending: a store that pages
  // wrongly could otherwise loop a caller forever or hide keys.
  const std::string* prev = after.empty() ? nullptr : &after;
  for (const auto& it : *items) {
    if (it.key < start || it.key >= end || it.version == 0 || (prev && it.key <= *prev)) co_return result;
    prev = &it.key;
  }
  result.status = StoreStatus::Ok;
  result.page.items = std::move(*items);
  result.page.more = more;
  co_return result;
}

Co<StoreStatus> StoreClient::commit(std::vector<KvCheck> checks, std::vector<KvMutation> mutations) {
  HostReply reply = co_await ctx_.call(HostOp::StoreCommit, encode_commit_request(checks, mutations));
  if (reply.status != 0) co_return StoreStatus::Error;
  auto outcome = decode_commit_reply(reply.payload);
  if (!outcome) co_return StoreStatus::Error;
  co_return *outcome == CommitOutcome::Committed ? StoreStatus::Ok : StoreStatus::Conflict;
}

}  // namespace slotguard
