// What a running task can reach: its host calls, the configuration, the clock and
// logs, and the instance's counters.
#pragma once
#include <string>
#include <string_view>

#include "config.h"
#include "host_env.h"
#include "json.h"
#include "metrics.h"
#include "store_client.h"
#include "stripe_api.h"
#include "task.h"

namespace slotguard {

struct Services {
  TaskContext& ctx;
  const Config& cfg;
  HostEnv& env;
  Metrics& metrics;
  StoreClient store{ctx};
  StripeApi stripe{ctx, cfg};

  int64_t now() { return env.now_ms(); }
  // One JSON object per line, built by the JSON library so that no value can break
  // the line. Fields name reservations and Stripe objects by id only, never guest data.
  void log(LogLevel level, std::string_view event, Json fields = Json::object());
  std::string random_id(std::string_view prefix, size_t bytes = 16);
};

}  // namespace slotguard
