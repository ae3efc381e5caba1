// Per-instance counters and gauges, exposed in Prometheus text format by GET /metrics.
// Every metric the core knows is listed once, with its help text, in metrics.def: a
// scrape shows each (at 0) before it first moves, alert rules can be checked against
// the list, and code names a metric by its enumerator, so a misspelt one does not build.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace slotguard {

enum class Metric {
#define SG_METRIC(id, type, help) id,
#include "slotguard/base/metrics.def"
#undef SG_METRIC
};

enum class MetricType { counter, gauge };

struct MetricInfo {
  Metric metric;
  std::string_view name;       // as exported: slotguard_<enumerator>
  MetricType type;
  std::string_view type_name;  // as in `# TYPE`
  std::string_view help;
};

inline constexpr MetricInfo kMetrics[] = {
#define SG_METRIC(id, type, help) {Metric::id, "slotguard_" #id, MetricType::type, #type, help},
#include "slotguard/base/metrics.def"
#undef SG_METRIC
};

constexpr const MetricInfo& metric_info(Metric m) { return kMetrics[static_cast<std::size_t>(m)]; }

class Metrics {
 public:
  // Counters only go up.
  void add(Metric m, const std::string& labels = {}, uint64_t n = 1);
  // Gauges hold the last value set (e.g. the outbox depth seen by the last delivery run).
  void set(Metric m, int64_t value, const std::string& labels = {});
  uint64_t get(Metric m, const std::string& labels = {}) const {
    auto it = counters_.find({m, labels});
    return it == counters_.end() ? 0 : it->second;
  }
  int64_t gauge(Metric m, const std::string& labels = {}) const {
    auto it = gauges_.find({m, labels});
    return it == gauges_.end() ? 0 : it->second;
  }
  std::string prometheus_text() const;

 private:
  std::map<std::pair<Metric, std::string>, uint64_t> counters_;
  std::map<std::pair<Metric, std::string>, int64_t> gauges_;
};

}  // namespace slotguard
