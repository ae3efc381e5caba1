// The core's error codes (core/slotguard/api/errors.def) against docs/openapi.yaml:
// every code the core can answer is documented, and every code the document lists is
// one the core or a host answers. The hosts answer a few codes by themselves (before
// the module runs, or instead of it): they are listed below, and the list is checked
// against what host-shims/ really answers, so it cannot go stale either. That each
// code is documented under its status is tests/conformance/openapi.test.mjs's check.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "slotguard/api/errors.h"
#include "source_files.h"

using namespace slotguard::api;
using slotguard::testing::read_text_file;
using slotguard::testing::source_root;

namespace {

// Codes only the hosts answer (not in errors.def). Hosts also answer payload_too_large
// and store_unavailable, which the core answers too, with the same statuses.
const std::set<std::string> kHostOnlyCodes = {
    "bad_request",           // js-bridge: the module could not decode the request
    "event_expert_fixed",    // cloudflare: an event type may not move to another expert
    "internal_error",        // every host: the module trapped, or the host failed
    "out_of_memory",         // js-bridge: the module could not start the task
    "overloaded",            // node: requests in flight at the cap
    "packs_need_shared_store",  // cloudflare: an event type selling packs with a Durable Object per expert
    "pool_needs_shared_store",  // cloudflare: a pool's event type with a Durable Object per expert
    "rate_limited",          // node, cloudflare: a client's rate limit
    "request_timeout",       // node: a body that did not arrive in time
    "server_misconfigured",  // cloudflare: the Worker's settings are refused
    "shutting_down",         // js-bridge, node: the host is stopping
};

bool word_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

size_t skip_space(const std::string& t, size_t at) {
  while (at < t.size() && (t[at] == ' ' || t[at] == '\n' || t[at] == '\r' || t[at] == '\t')) ++at;
  return at;
}

std::string word_at(const std::string& t, size_t at) {
  size_t end = at;
  while (end < t.size() && word_char(t[end])) ++end;
  return t.substr(at, end - at);
}

// Every code the document lists: each `code:` followed (inline or on the next line) by
// `enum: [a, b]` or `const: a`. The Error schema's own `code: { type: string }` lists none.
std::set<std::string> documented_codes(const std::string& yaml) {
  std::set<std::string> out;
  const std::string key = "code:";
  for (size_t at = yaml.find(key); at != std::string::npos; at = yaml.find(key, at + 1)) {
    if (at > 0 && (word_char(yaml[at - 1]) || yaml[at - 1] == '"')) continue;
    size_t p = skip_space(yaml, at + key.size());
    if (p < yaml.size() && yaml[p] == '{') p = skip_space(yaml, p + 1);
    if (yaml.compare(p, 6, "const:") == 0) {
      out.insert(word_at(yaml, skip_space(yaml, p + 6)));
    } else if (yaml.compare(p, 5, "enum:") == 0) {
      p = skip_space(yaml, p + 5);
      if (p >= yaml.size() || yaml[p] != '[') continue;
      for (++p; p < yaml.size() && yaml[p] != ']';) {
        p = skip_space(yaml, p);
        const std::string code = word_at(yaml, p);
        if (!code.empty()) out.insert(code);
        p += code.size();
        p = skip_space(yaml, p);
        if (p < yaml.size() && yaml[p] == ',') ++p;
        else if (code.empty() && p < yaml.size() && yaml[p] != ']') ++p;  // not a plain code: step over it
      }
    }
  }
  return out;
}

// The codes a host answers by itself: the literal code of each errorResponse(status,
// 'code', ...), jsonError(status, 'code', ...), sendError(res, status, 'code', ...)
// and unavailable('code', ...) call in the hosts' sources.
std::set<std::string> host_codes(const std::filesystem::path& root) {
  std::set<std::string> out;
  for (const char* dir : {"host-shims/js-bridge/src", "host-shims/node/src", "host-shims/cloudflare/src"}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root / dir)) {
      const std::string ext = entry.path().extension().string();
      if (!entry.is_regular_file() || (ext != ".js" && ext != ".mjs")) continue;
      const std::string text = read_text_file(entry.path());
      for (const std::string call : {"errorResponse(", "jsonError(", "sendError(", "unavailable("}) {
        for (size_t at = text.find(call); at != std::string::npos; at = text.find(call, at + 1)) {
          if (at > 0 && (word_char(text[at - 1]) || text[at - 1] == '.')) continue;  // part of another name
          size_t p = skip_space(text, at + call.size());
          if (text.compare(p, 4, "res,") == 0) p = skip_space(text, p + 4);
          const size_t digits = p;
          while (p < text.size() && text[p] >= '0' && text[p] <= '9') ++p;
          if (p > digits) {
            p = skip_space(text, p);
            if (p >= text.size() || text[p] != ',') continue;
            p = skip_space(text, p + 1);
          }
          if (p < text.size() && text[p] == '\'') out.insert(word_at(text, p + 1));
        }
      }
    }
  }
  return out;
}

std::set<std::string> table_codes() {
  std::set<std::string> out;
  for (const ErrorInfo& e : kErrors) out.insert(std::string(e.wire));
  return out;
}

std::string joined(const std::set<std::string>& s) {
  std::string out;
  for (const auto& x : s) out += (out.empty() ? "" : ", ") + x;
  return out;
}

}  // namespace

TEST_CASE("errors.def: one line per code, each code once") {
  std::set<std::string> seen;
  for (const ErrorInfo& e : kErrors) {
    INFO(e.wire);
    CHECK(seen.insert(std::string(e.wire)).second);
    CHECK(error_info(e.code).wire == e.wire);
    CHECK(e.status >= 400);
    CHECK(e.status <= 599);
  }
  CHECK(seen.size() > 20);
}

TEST_CASE("the hosts answer exactly the codes listed here besides errors.def's") {
  const std::set<std::string> table = table_codes();
  std::set<std::string> host_only;
  for (const auto& code : host_codes(source_root()))
    if (!table.count(code)) host_only.insert(code);
  CHECK(joined(host_only) == joined(kHostOnlyCodes));
}

TEST_CASE("docs/openapi.yaml lists exactly the codes the core and the hosts answer") {
  const std::set<std::string> documented = documented_codes(read_text_file(source_root() / "docs/openapi.yaml"));
  REQUIRE(documented.size() > 20);  // the reading found the document's codes at all
  std::set<std::string> undocumented, unknown;
  for (const auto& code : table_codes())
    if (!documented.count(code)) undocumented.insert(code);
  for (const auto& code : documented)
    if (!table_codes().count(code) && !kHostOnlyCodes.count(code)) unknown.insert(code);
  {
    INFO("in errors.def but not in docs/openapi.yaml: " << joined(undocumented));
    CHECK(undocumented.empty());
  }
  {
    INFO("in docs/openapi.yaml but answered by neither the core nor a host: " << joined(unknown));
    CHECK(unknown.empty());
  }
}
