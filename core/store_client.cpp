#include "store_client.h"

#include "json.h"

namespace slotguard {

const KvItem* ReadResult::find(std::string_view key) const {
  for (const auto& it : items)
    if (it.key == key) return &it;
  return nullptr;
}

std::string encode_read_request(const std::vector<std::string>& keys) {
  return dump_json(Json{{"keys", keys}});
}

std::string encode_list_request(std::string_view start, std::string_view end, size_t limit, std::string_view after) {
  return dump_json(Json{{"start", start}, {"end", end}, {"limit", limit}, {"after", after}});
}

std::string encode_commit_request(const std::vector<KvCheck>& checks, const std::vector<KvMutation>& mutations) {
  Json c = Json::array(), m = Json::array();
  for (const auto& ch : checks) c.push_back({{"key", ch.key}, {"version", ch.version}});
  for (const auto& mu : mutations) {
    if (mu.op == KvMutation::Op::Set)
      m.push_back({{"op", "set"}, {"key", mu.key}, {"value", mu.value}});
    else
      m.push_back({{"op", "delete"}, {"key", mu.key}});
  }
  return dump_json(Json{{"checks", c}, {"mutations", m}});
}

std::optional<std::vector<KvItem>> decode_items(std::string_view payload, bool* more) {
  auto j = parse_json(payload, 4);
  if (!j) return std::nullopt;
  const Json* arr = get_array(*j, "items");
  if (!arr) return std::nullopt;
  std::vector<KvItem> items;
  items.reserve(arr->size());
  for (const auto& e : *arr) {
    const std::string* key = get_string(e, "key");
    auto version = get_int(e, "version");
    if (!key || !version || *version < 0) return std::nullopt;
    KvItem item;
    item.key = *key;
    item.version = static_cast<uint64_t>(*version);
    if (item.version != 0) {
      const std::string* value = get_string(e, "value");
      if (!value) return std::nullopt;
      item.value = *value;
    }
    items.push_back(std::move(item));
  }
  if (more) {
    auto it = j->find("more");
    *more = it != j->end() && it->is_boolean() && it->get<bool>();
  }
  return items;
}

std::optional<CommitOutcome> decode_commit_reply(std::string_view payload) {
  auto j = parse_json(payload, 4);
  if (!j) return std::nullopt;
  const std::string* outcome = get_string(*j, "outcome");
  if (!outcome) return std::nullopt;
  if (*outcome == "committed") return CommitOutcome::Committed;
  if (*outcome == "conflict") return CommitOutcome::Conflict;
  return std::nullopt;
}

std::string encode_items_reply(const std::vector<KvItem>& items, std::optional<bool> more) {
  Json arr = Json::array();
  for (const auto& it : items) {
    Json e = {{"key", it.key}, {"version", it.version}};
    if (it.version != 0) e["value"] = it.value;
    arr.push_back(std::move(e));
  }
  Json j = {{"items", std::move(arr)}};
  if (more) j["more"] = *more;
  return dump_json(j);
}

std::string encode_commit_reply(CommitOutcome outcome) {
  return outcome == CommitOutcome::Committed ? R"({"outcome":"committed"})" : R"({"outcome":"conflict"})";
}

std::optional<std::vector<std::string>> decode_read_request(std::string_view payload) {
  auto j = parse_json(payload, 4);
  if (!j) return std::nullopt;
  const Json* arr = get_array(*j, "keys");
  if (!arr) return std::nullopt;
  std::vector<std::string> keys;
  for (const auto& k : *arr) {
    if (!k.is_string()) return std::nullopt;
    keys.push_back(k.get<std::string>());
  }
  return keys;
}

std::optional<DecodedList> decode_list_request(std::string_view payload) {
  auto j = parse_json(payload, 4);
  if (!j) return std::nullopt;
  const std::string *s = get_string(*j, "start"), *e = get_string(*j, "end"), *a = get_string(*j, "after");
  auto limit = get_int(*j, "limit");
  if (!s || !e || !limit || *limit < 0) return std::nullopt;
  return DecodedList{*s, *e, a ? *a : std::string(), static_cast<size_t>(*limit)};
}

std::optional<DecodedCommit> decode_commit_request(std::string_view payload) {
  auto j = parse_json(payload, 4);
  if (!j) return std::nullopt;
  const Json* checks = get_array(*j, "checks");
  const Json* muts = get_array(*j, "mutations");
  if (!checks || !muts) return std::nullopt;
  DecodedCommit out;
  for (const auto& c : *checks) {
    const std::string* key = get_string(c, "key");
    auto v = get_int(c, "version");
    if (!key || !v || *v < 0) return std::nullopt;
    out.checks.push_back({*key, static_cast<uint64_t>(*v)});
  }
  for (const auto& m : *muts) {
    const std::string* op = get_string(m, "op");
    const std::string* key = get_string(m, "key");
    if (!op || !key) return std::nullopt;
    if (*op == "set") {
      const std::string* value = get_string(m, "value");
      if (!value) return std::nullopt;
      out.mutations.push_back({KvMutation::Op::Set, *key, *value});
    } else if (*op == "delete") {
      out.mutations.push_back({KvMutation::Op::Delete, *key, {}});
    } else {
      return std::nullopt;
    }
  }
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
