#include "slotguard/base/metrics.h"

#include <iterator>

#include "slotguard/base/sg_assert.h"

namespace slotguard {

namespace {

// The table is indexed by the enum: each row must sit at its enumerator's place.
constexpr bool table_in_enum_order() {
  for (std::size_t i = 0; i < std::size(kMetrics); ++i)
    if (static_cast<std::size_t>(kMetrics[i].metric) != i) return false;
  return true;
}
static_assert(table_in_enum_order());

template <class Map>
bool print_samples(std::string& out, const MetricInfo& m, const Map& samples) {
  bool any = false;
  for (const auto& [key, value] : samples) {
    if (key.first != m.metric) continue;
    any = true;
    out += m.name;
    if (!key.second.empty()) out += "{" + key.second + "}";
    out += ' ' + std::to_string(value) + '\n';
  }
  return any;
}

}  // namespace

void Metrics::add(Metric m, const std::string& labels, uint64_t n) {
  SG_ASSERT(metric_info(m).type == MetricType::counter);
  counters_[{m, labels}] += n;
}

void Metrics::set(Metric m, int64_t value, const std::string& labels) {
  SG_ASSERT(metric_info(m).type == MetricType::gauge);
  gauges_[{m, labels}] = value;
}

std::string Metrics::prometheus_text() const {
  std::string out;
  for (const MetricInfo& m : kMetrics) {
    out += "# HELP ";
    out += m.name;
    out += ' ';
    out += m.help;
    out += "\n# TYPE ";
    out += m.name;
    out += ' ';
    out += m.type_name;
    out += '\n';
    const bool counted = print_samples(out, m, counters_);
    const bool gauged = print_samples(out, m, gauges_);
    if (!counted && !gauged) out += std::string(m.name) + " 0\n";
  }
  return out;
}

}  // namespace slotguard
