// What an API task can reach: the host's services (host/services.h) and the
// instance's event cache, which every hold and every read of an event type consults.
// The cache is the API's: the parts below never see it, so it is added here, above
// them, rather than carried by the host's services.
#pragma once
#include "slotguard/booking/event_cache.h"
#include "slotguard/host/services.h"

namespace slotguard {

struct ApiServices : Services {
  EventCache& events;  // the instance's, shared by its tasks

  ApiServices(TaskContext& ctx, const Config& cfg, HostEnv& env, Metrics& metrics, EventCache& cache)
      : Services{ctx, cfg, env, metrics}, events(cache) {}
};

}  // namespace slotguard
