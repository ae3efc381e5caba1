// What /slots offers, as the guest sees it: the unit tests of caps, pools and the like
// ask it the same way, so the question lives here once. Catch2 is needed (a refused
// /slots request fails the test at once), which is why it is not in world.cpp, which
// the fuzz targets also build.
#pragma once
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "world.h"

namespace slotguard::testing {

// The starts /slots shows available for `event` between `from` and `to` (RFC 3339).
inline std::vector<std::string> free_starts(World& w, const std::string& from, const std::string& to,
                                            const std::string& event) {
  const HttpResponse r = w.call(make_request("GET", "/v1/events/" + event + "/slots?from=" + from + "&to=" + to));
  REQUIRE(r.status == 200);
  std::vector<std::string> out;
  const Json body = w.json_of(r);
  for (const auto& s : body["slots"])
    if (s["available"] == true) out.push_back(s["start"]);
  return out;
}

}  // namespace slotguard::testing
