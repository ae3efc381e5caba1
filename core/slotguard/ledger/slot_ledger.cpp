#include "slotguard/ledger/slot_ledger.h"

#include <algorithm>

#include "slotguard/base/json.h"
#include "slotguard/base/sg_assert.h"
#include "slotguard/host/store_keys.h"

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

std::vector<std::string> bucket_keys_of_both(std::string_view expert_id, Span a, Span b) {
  std::vector<std::string> out;
  const int64_t lo = std::min(first_bucket(a), first_bucket(b)), hi = std::max(end_bucket(a), end_bucket(b));
  for (int64_t i = lo; i < hi; ++i) {
    const bool in_a = i >= first_bucket(a) && i < end_bucket(a), in_b = i >= first_bucket(b) && i < end_bucket(b);
    if (in_a || in_b) out.push_back(keys::slot_bucket(expert_id, i));
  }
  return out;
}

std::string busy_entry_id(std::string_view block_id) { return "busy:" + std::string(block_id); }

std::string seat_group(std::string_view event_id, int64_t start_ms, int64_t seats) {
  if (seats <= 1) return {};
  return std::string(event_id) + "@" + std::to_string(start_ms);
}

// {"spans": [{"r": id, "s": start, "e": end, "x": expires[, "g": group, "n": seats]}]}.
// A repeated key counts with its last value.
std::optional<std::vector<LedgerEntry>> decode_bucket(std::string_view value) {
  auto j = parse_json(value, 4);
  const JsonValue* spans = j ? get_array(*j, "spans") : nullptr;
  if (!spans) return std::nullopt;
  std::vector<LedgerEntry> out;
  out.reserve(spans->Size());
  for (const auto& e : spans->GetArray()) {
    if (!e.IsObject()) return std::nullopt;
    const JsonValue *rid = nullptr, *g = nullptr;
    std::optional<int64_t> s, en, x, n;
    for (auto it = e.MemberBegin(); it != e.MemberEnd(); ++it) {
      const std::string_view k = string_of(it->name);
      const JsonValue& v = it->value;
      if (k == "r") rid = v.IsString() ? &v : nullptr;
      else if (k == "s") s = int_of(v);
      else if (k == "e") en = int_of(v);
      else if (k == "x") x = int_of(v);
      else if (k == "g") g = v.IsString() ? &v : nullptr;
      else if (k == "n") n = int_of(v);
    }
    if (!rid || !s || !en || !x || *s >= *en) return std::nullopt;
    LedgerEntry& entry = out.emplace_back(std::string(string_of(*rid)), *s, *en, *x);
    // Seat groups are written only for seated events; older entries have none.
    if (g) {
      if (!n || *n < 2 || g->GetStringLength() == 0) return std::nullopt;
      entry.group = string_of(*g);
      entry.seats = *n;
    }
  }
  return out;
}

std::string encode_bucket(const std::vector<LedgerEntry>& entries) {
  JsonWriter w;
  w.object().key("spans").array();
  for (const auto& e : entries) {
    w.object().field("r", e.rid).field("s", e.start).field("e", e.end).field("x", e.expires);
    if (!e.group.empty()) w.field("g", e.group).field("n", e.seats);
    w.end_object();
  }
  w.end_array().end_object();
  return w.take();
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

namespace {

// Entries repeat in every bucket their span touches: count each id once.
template <class Fn>
void for_each_overlapping(const std::vector<LedgerEntry>& entries, Span span, int64_t now, std::string_view self, Fn fn) {
  std::vector<std::string_view> seen;
  for (const auto& e : entries) {
    if (e.rid == self || !e.active_at(now) || !overlaps(span, {e.start, e.end})) continue;
    if (std::find(seen.begin(), seen.end(), std::string_view(e.rid)) != seen.end()) continue;
    seen.push_back(e.rid);
    fn(e);
  }
}

}  // namespace

bool span_taken_by(const std::vector<LedgerEntry>& entries, Span span, int64_t now, const Claim& claim) {
  bool other = false;
  int64_t shared = 0;
  for_each_overlapping(entries, span, now, claim.self, [&](const LedgerEntry& e) {
    if (claim.ignore_busy && e.rid.rfind("busy:", 0) == 0) return;
    if (claim.group.empty() || e.group != claim.group) other = true;
    else ++shared;
  });
  return other || shared >= claim.seats;
}

int64_t seats_taken(const std::vector<LedgerEntry>& entries, Span span, int64_t now, const Claim& claim) {
  int64_t shared = 0;
  for_each_overlapping(entries, span, now, claim.self, [&](const LedgerEntry& e) {
    if (!claim.group.empty() && e.group == claim.group) ++shared;
  });
  return shared;
}

std::optional<bool> span_taken(const std::vector<KvItem>& buckets, Span span, int64_t now, const Claim& claim) {
  auto entries = decode_buckets(buckets);
  if (!entries) return std::nullopt;
  return span_taken_by(*entries, span, now, claim);
}

namespace {

// The bucket index a ledger key names (its last 10 digits), or -1.
int64_t bucket_of_key(std::string_view key) {
  if (key.size() < 10) return -1;
  int64_t v = 0;
  for (char c : key.substr(key.size() - 10)) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

bool plan_ledger_update(const std::vector<KvItem>& buckets, std::string_view self,
                        const std::optional<LedgerEntry>& entry, int64_t now,
                        std::vector<KvCheck>& checks, std::vector<KvMutation>& mutations, LedgerWrite mode,
                        int64_t ledgers) {
  const size_t checks_before = checks.size();
  int64_t placed = 0;
  if (entry) SG_ASSERT(entry->rid == self && entry->start < entry->end);
  const Span span = entry ? Span{entry->start, entry->end} : Span{};
  const Claim claim{self, entry ? std::string_view(entry->group) : std::string_view(), entry ? entry->seats : 1,
                    mode == LedgerWrite::KeepsItsPlace};
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
    const int64_t b = bucket_of_key(item.key);
    SG_ASSERT(b >= 0);
    const bool here = entry && b >= first_bucket(span) && b < end_bucket(span);
    // Never activate a span another active entry holds: the decision was checked
    // against these very buckets, so a hit here is a core defect, not a race.
    if (here && mode != LedgerWrite::MayOverlap) SG_ASSERT(!span_taken_by(after, span, now, claim));
    if (here) {
      after.push_back(*entry);
      ++placed;
    }
    bool changed = after.size() != before.size();
    if (!changed) {
      // Same count: changed only if our own entry differs (e.g. expiry extended).
      for (size_t i = 0; i < after.size() && !changed; ++i)
        changed = after[i].rid != before[i].rid || after[i].expires != before[i].expires ||
                  after[i].start != before[i].start || after[i].end != before[i].end;
    }
    if (!changed) continue;
    if (after.empty())
      mutations.push_back({KvMutation::Op::Delete, item.key, {}});
    else
      mutations.push_back({KvMutation::Op::Set, item.key, encode_bucket(after)});
  }
  // The entry must land in every bucket its span touches, or a rival that reads a
  // missing bucket would not see it; and every bucket read is checked, changed or
  // not: a rival's write to any of them must make this commit fail.
  if (entry) SG_ASSERT(placed == ledgers * (end_bucket(span) - first_bucket(span)));
  SG_ASSERT(checks.size() == checks_before + buckets.size());
  return true;
}

}  // namespace slotguard
