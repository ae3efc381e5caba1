// Per-instance counters and gauges, exposed in Prometheus text format by GET /metrics.
// Every metric the core knows is listed with its help text, so a scrape shows it (at 0)
// before it first moves, and alert rules can be checked against a fresh instance.
#pragma once
#include <cstdint>
#include <map>
#include <string>

namespace slotguard {

class Metrics {
 public:
  void add(const std::string& name, const std::string& labels = {}, uint64_t n = 1) { counters_[{name, labels}] += n; }
  // Gauges hold the last value set (e.g. the outbox depth seen by the last delivery run).
  void set(const std::string& name, int64_t value, const std::string& labels = {}) { gauges_[{name, labels}] = value; }
  uint64_t get(const std::string& name, const std::string& labels = {}) const {
    auto it = counters_.find({name, labels});
    return it == counters_.end() ? 0 : it->second;
  }
  int64_t gauge(const std::string& name, const std::string& labels = {}) const {
    auto it = gauges_.find({name, labels});
    return it == gauges_.end() ? 0 : it->second;
  }
  std::string prometheus_text() const;

 private:
  std::map<std::pair<std::string, std::string>, uint64_t> counters_;
  std::map<std::pair<std::string, std::string>, int64_t> gauges_;
};

}  // namespace slotguard
