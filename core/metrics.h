// Per-instance counters, exposed in Prometheus text format by GET /metrics.
#pragma once
#include <cstdint>
#include <map>
#include <string>

namespace slotguard {

class Metrics {
 public:
  void add(const std::string& name, const std::string& labels = {}, uint64_t n = 1) { counters_[{name, labels}] += n; }
  uint64_t get(const std::string& name, const std::string& labels = {}) const {
    auto it = counters_.find({name, labels});
    return it == counters_.end() ? 0 : it->second;
  }
  std::string prometheus_text() const;

 private:
  std::map<std::pair<std::string, std::string>, uint64_t> counters_;
};

}  // namespace slotguard
