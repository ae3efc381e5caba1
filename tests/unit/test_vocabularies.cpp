// The core's vocabularies (metrics.def, release_reasons.def, notification_types.def)
// against the files that repeat them for people: examples/prometheus/alerts.yml must
// name only metrics the core exports, and docs/openapi.yaml must list exactly the
// release reasons and notification types the core gives. A rename on either side
// without the other fails here, before an alert silently watches nothing.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "slotguard/base/metrics.h"
#include "slotguard/booking/notifications.h"
#include "slotguard/booking/release_reason.h"
#include "source_files.h"

using namespace slotguard;
using slotguard::testing::read_source_file;

namespace {

bool name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

// Every word `slotguard_...` in the text, rules and descriptions alike: a description
// that points a person at a metric must name a real one too.
std::set<std::string> slotguard_words(const std::string& text) {
  std::set<std::string> out;
  const std::string prefix = "slotguard_";
  for (size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + 1)) {
    if (at > 0 && name_char(text[at - 1])) continue;  // inside a longer word
    size_t end = at + prefix.size();
    while (end < text.size() && name_char(text[end])) ++end;
    out.insert(text.substr(at, end - at));
  }
  return out;
}

// The values of `metric{label="..."}` selectors in the text.
std::set<std::string> label_values(const std::string& text, const std::string& metric, const std::string& label) {
  std::set<std::string> out;
  const std::string selector = metric + "{" + label + "=\"";
  for (size_t at = text.find(selector); at != std::string::npos; at = text.find(selector, at + 1)) {
    const size_t from = at + selector.size();
    out.insert(text.substr(from, text.find('"', from) - from));
  }
  return out;
}

// The items of the first `enum: [a, b, c]` after the path of `anchors` (each found after
// the one before) in an OpenAPI document, sorted.
std::vector<std::string> openapi_enum_after(const std::string& doc, std::initializer_list<std::string> anchors) {
  size_t at = 0;
  for (const std::string& anchor : anchors) {
    INFO("looking for " << anchor);
    at = doc.find(anchor, at);
    REQUIRE(at != std::string::npos);
  }
  const size_t open = doc.find("enum: [", at);
  REQUIRE(open != std::string::npos);
  const size_t from = open + 7, close = doc.find(']', from);
  REQUIRE(close != std::string::npos);
  std::vector<std::string> items;
  std::string item;
  for (char c : doc.substr(from, close - from) + ",") {
    if (c == ',') {
      if (!item.empty()) items.push_back(item);
      item.clear();
    } else if (c != ' ' && c != '\n' && c != '\'' && c != '"') {
      item += c;
    }
  }
  std::sort(items.begin(), items.end());
  return items;
}

template <class Names>
std::vector<std::string> sorted(const Names& names) {
  std::vector<std::string> out(std::begin(names), std::end(names));
  std::sort(out.begin(), out.end());
  return out;
}

std::set<std::string> exported_metric_names() {
  std::set<std::string> out;
  for (const MetricInfo& m : kMetrics) out.insert(std::string(m.name));
  return out;
}

}  // namespace

TEST_CASE("metrics: the table names each metric once, as Prometheus expects", "[vocabulary][metrics]") {
  std::set<std::string> seen;
  for (const MetricInfo& m : kMetrics) {
    const std::string name(m.name);
    CHECK(seen.insert(name).second);
    CHECK(name.rfind("slotguard_", 0) == 0);
    CHECK(!m.help.empty());
    const bool total = name.size() > 6 && name.compare(name.size() - 6, 6, "_total") == 0;
    CHECK(total == (m.type == MetricType::counter));  // counters, and only they, end in _total
  }
}

TEST_CASE("metrics: every slotguard_ metric examples/prometheus/alerts.yml names is in the core's table",
          "[vocabulary][metrics]") {
  const std::string alerts = read_source_file("examples/prometheus/alerts.yml");
  const std::set<std::string> known = exported_metric_names();
  // The core exports counters and gauges only, so each name must match exactly: a
  // histogram would add <name>_bucket, _sum and _count. The hosts export no metrics of
  // their own; /metrics is the core's.
  const std::set<std::string> named = slotguard_words(alerts);
  REQUIRE(named.size() >= 6);
  for (const std::string& name : named) {
    INFO("alerts.yml names " << name);
    CHECK(known.count(name) == 1);
  }
  // Releases by reason: the label values the rules select on are reasons the core gives.
  const std::set<std::string> reasons(std::begin(kReleaseReasonNames), std::end(kReleaseReasonNames));
  for (const std::string& reason : label_values(alerts, "slotguard_releases_total", "reason")) {
    INFO("alerts.yml selects releases with reason " << reason);
    CHECK(reasons.count(reason) == 1);
  }
}

TEST_CASE("release reasons: docs/openapi.yaml lists exactly the core's", "[vocabulary][openapi]") {
  const std::string spec = read_source_file("docs/openapi.yaml");
  const auto listed = openapi_enum_after(spec, {"\n  schemas:\n", "\n    Reservation:\n", "\n        release_reason:\n"});
  CHECK(listed == sorted(kReleaseReasonNames));
}

TEST_CASE("notification types: docs/openapi.yaml lists exactly the core's", "[vocabulary][openapi]") {
  const std::string spec = read_source_file("docs/openapi.yaml");
  const auto listed = openapi_enum_after(spec, {"\n  schemas:\n", "\n    Notification:\n", "\n        type: "});
  CHECK(listed == sorted(kNotificationTypeNames));
}
