#include "slot_ledger.h"

#include "json.h"
#include "sg_assert.h"
#include "store_keys.h"

namespace slotguard {

namespace {
int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
}  // namespace

int64_t first_bucket(Span span) { return floor_div(span.start, kBucketMs); }
int64_t end_bucket(Span span) { return floor_div(span.end - 1, kBucketMs) + 1; }

std::vector<std::string> bucket_keys(std::string_view expert_id, Span span) {
  std::vector<std::string> out;
  for (int64_t b = first_bucket(span); b < end_bucket(span); ++b) out.push_back(keys::slot_bucket(expert_id, b));
  return out;
}

std::optional<std::vector<LedgerEntry>> decode_bucket(std::string_view value) {
  auto j = parse_json(value, 4);
  if (!j) return std::nullopt;
  const Json* arr = get_array(*j, "spans");
  if (!arr) return std::nullopt;
  std::vector<LedgerEntry> out;
  for (const auto& e : *arr) {
    const std::string* rid = get_string(e, "r");
    auto s = get_int(e, "s"), en = get_int(e, "e"), x = get_int(e, "x");
    if (!rid || !s || !en || !x || *s >= *en) return std::nullopt;
    out.push_back({*rid, *s, *en, *x});
  }
  return out;
}

std::string encode_bucket(const std::vector<LedgerEntry>& entries) {
  Json arr = Json::array();
  for (const auto& e : entries) arr.push_back({{"r", e.rid}, {"s", e.start}, {"e", e.end}, {"x", e.expires}});
  return dump_json(Json{{"spans", std::move(arr)}});
}

std::optional<std::vector<LedgerEntry>> decode_buckets(const std::vector<KvItem>& buckets) {
  std::vector<LedgerEntry> all;
  for (const auto& item : buckets) {
    if (!item.present()) continue;
    auto entries = decode_bucket(item.value);
    if (!entries) return std::nullopt;
    for (auto& e : *entries) all.push_back(std::move(e));
  }
  return all;
}

bool span_taken_by(const std::vector<LedgerEntry>& entries, Span span, int64_t now, std::string_view self) {
  for (const auto& e : entries)
    if (e.rid != self && e.active_at(now) && overlaps(span, {e.start, e.end})) return true;
  return false;
}

std::optional<bool> span_taken(const std::vector<KvItem>& buckets, Span span, int64_t now, std::string_view self) {
  auto entries = decode_buckets(buckets);
  if (!entries) return std::nullopt;
  return span_taken_by(*entries, span, now, self);
}

bool plan_ledger_update(const std::vector<KvItem>& buckets, std::string_view self,
                        const std::optional<LedgerEntry>& entry, int64_t now,
                        std::vector<KvCheck>& checks, std::vector<KvMutation>& mutations) {
  const size_t checks_before = checks.size();
  if (entry) {
    // The entry must land in exactly the buckets its span touches, or a rival that
    // reads one of the missing buckets would not see it.
    SG_ASSERT(entry->rid == self && entry->start < entry->end);
    SG_ASSERT(static_cast<int64_t>(buckets.size()) == end_bucket({entry->start, entry->end}) - first_bucket({entry->start, entry->end}));
  }
  for (const auto& item : buckets) {
    checks.push_back({item.key, item.version});
    std::vector<LedgerEntry> before;
    if (item.present()) {
      auto decoded = decode_bucket(item.value);
      if (!decoded) return false;
      before = std::move(*decoded);
    }
    std::vector<LedgerEntry> after;
    for (const auto& e : before)
      if (e.rid != self && e.active_at(now)) after.push_back(e);
    // Never activate a span another active entry holds: the decision was checked
    // against these very buckets, so a hit here is a core defect, not a race.
    if (entry) SG_ASSERT(!span_taken_by(after, {entry->start, entry->end}, now, self));
    if (entry) after.push_back(*entry);
    bool changed = after.size() != before.size();
    if (!changed) {
      // Same count: changed only if our own entry differs (e.g. expiry extended).
      for (size_t i = 0; i < after.size() && !changed; ++i)
        changed = after[i].rid != before[i].rid || after[i].expires != before[i].expires;
    }
    if (!changed) continue;
    if (after.empty())
      mutations.push_back({KvMutation::Op::Delete, item.key, {}});
    else
      mutations.push_back({KvMutation::Op::Set, item.key, encode_bucket(after)});
  }
  // Every bucket read is checked, changed or not: a rival's write to any of them
  // must make this commit fail.
  SG_ASSERT(checks.size() == checks_before + buckets.size());
  return true;
}

}  // namespace slotguard
