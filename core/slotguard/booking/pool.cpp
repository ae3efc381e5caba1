#include "slotguard/booking/pool.h"

#include <algorithm>

#include "slotguard/base/json.h"
#include "slotguard/base/planted_defects.h"

namespace slotguard {

// {"last": expert, "given": {expert: n}}
std::optional<PoolState> pool_state_from_storage(std::string_view text) {
  PoolState state;
  if (text.empty()) return state;
  auto j = parse_json(text, 4);
  if (!j || !j->IsObject()) return std::nullopt;
  const auto last = get_string(*j, "last");
  const JsonValue* given = get_object(*j, "given");
  if (!last || !given) return std::nullopt;
  state.last = *last;
  for (auto it = given->MemberBegin(); it != given->MemberEnd(); ++it) {
    const std::optional<int64_t> n = int_of(it->value);
    if (!n || *n < 0) return std::nullopt;
    state.given[std::string(string_of(it->name))] = *n;
  }
  return state;
}

std::string pool_state_to_storage(const PoolState& state) {
  JsonWriter w;
  w.object().field("last", state.last).key("given").object();
  for (const auto& [expert, n] : state.given) w.field(expert, n);
  w.end_object().end_object();
  return w.take();
}

std::vector<std::string> turn_order(const PoolRule& pool, const PoolState& state) {
  std::vector<std::string> order = pool.experts;
  if (pool.assign == "least_booked") {
    const auto given = [&state](const std::string& e) {
      auto it = state.given.find(e);
      return it == state.given.end() ? int64_t{0} : it->second;
    };
    std::stable_sort(order.begin(), order.end(), [&](const auto& a, const auto& b) { return given(a) < given(b); });
    return order;
  }
  if (planted(Defect::pool_turn_ignored)) return order;  // the first member first, every time
  const auto last = std::find(order.begin(), order.end(), state.last);
  if (last != order.end()) std::rotate(order.begin(), last + 1, order.end());
  return order;
}

PoolState after_giving(PoolState state, const std::string& expert) {
  if (planted(Defect::pool_state_unwritten)) return state;  // the state as read: nothing moves
  state.last = expert;
  ++state.given[expert];
  return state;
}

}  // namespace slotguard
