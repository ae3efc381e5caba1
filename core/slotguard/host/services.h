// What a running task can reach from its host: the store, the configuration, the
// clock and logs, and the instance's counters. The parts above add theirs: payments
// build their Stripe client from it (payments/stripe/stripe_api.h), and the API adds the
// instance's event cache (api/api_services.h).
#pragma once
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>

#include "slotguard/host/config.h"
#include "slotguard/host/host_env.h"
#include "slotguard/base/json.h"
#include "slotguard/base/metrics.h"
#include "slotguard/host/store_client.h"
#include "slotguard/base/task.h"

namespace slotguard {

// One field of a log line: a key and a string, integer, boolean or null value.
struct LogField {
  enum class Kind { String, Int, Bool, Null } kind;
  std::string_view key;
  std::string_view text;
  int64_t number = 0;
  LogField(std::string_view k, std::string_view v) : kind(Kind::String), key(k), text(v) {}
  LogField(std::string_view k, const std::string& v) : kind(Kind::String), key(k), text(v) {}
  LogField(std::string_view k, const char* v) : kind(Kind::String), key(k), text(v) {}
  template <class T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  LogField(std::string_view k, T v) : kind(Kind::Int), key(k), number(static_cast<int64_t>(v)) {}
  LogField(std::string_view k, bool v) : kind(Kind::Bool), key(k), number(v ? 1 : 0) {}
  LogField(std::string_view k, std::nullptr_t) : kind(Kind::Null), key(k) {}
};

struct Services {
  TaskContext& ctx;
  const Config& cfg;
  HostEnv& env;
  Metrics& metrics;
  StoreClient store{ctx};

  int64_t now() { return env.now_ms(); }
  // One JSON object per line, built by the JSON library so that no value can break
  // the line. Fields name reservations and Stripe objects by id only, never guest data.
  void log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {});
  std::string random_id(std::string_view prefix, size_t bytes = 16);
  // prefix + the time in ms (12 hex digits) + 16 random bytes: ids minted later sort
  // later, so new records land next to each other in every store's B-tree (one page
  // written per few records, not one per record); the random part keeps them
  // unguessable.
  std::string time_ordered_id(std::string_view prefix);
};

}  // namespace slotguard
