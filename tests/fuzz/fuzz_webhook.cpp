// Stripe webhook deliveries against the seeded world (tests/fuzz/README.md).
//
// Input (after @token expansion): up to three deliveries separated by "\n===\n", each
//   options line    letters: r = the next line is the raw Stripe-Signature header,
//                   n = no header, w = signed with a wrong secret, x = signed with a
//                   stale timestamp, d = deliver twice; a digit advances the clock
//                   (see kAdvance) before the delivery
//   [header line]   only with r
//   body            the event JSON, signed with the configured secret unless r/n/w/x
//
// Signing inside the target lets the fuzzer spend its time on events, not on HMACs.
//
// Properties: a correctly signed delivery is never refused for its signature; a
// missing, wrong or stale one is always refused and writes nothing; a delivery
// answered 200 and delivered again is answered 200 "duplicate" and writes nothing;
// plus check_response and check_world after every delivery.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "slotguard/payments/stripe/webhook_signature.h"

using namespace slotguard;
using namespace slotguard::fuzz;

namespace {

constexpr int64_t kAdvance[10] = {0,
                                  10 * kMinuteMs,
                                  31 * kMinuteMs,
                                  40 * kMinuteMs,
                                  2 * 60 * kMinuteMs,
                                  kDayMs,
                                  3 * kDayMs,
                                  4 * kDayMs,
                                  8 * kDayMs,
                                  30 * kDayMs};

enum class Sign { Valid, Raw, None, WrongSecret, Stale };

std::string error_code_of(const HttpResponse& r) {
  auto j = testing::read_json(r.body, 64);
  const testing::Json* err = j ? testing::json_object(*j, "error") : nullptr;
  const std::string* code = err ? testing::json_string(*err, "code") : nullptr;
  return code ? *code : std::string();
}

bool said_duplicate(const HttpResponse& r) {
  auto j = testing::read_json(r.body, 64);
  if (!j || !j->is_object()) return false;
  auto it = j->find("duplicate");
  return it != j->end() && it->is_boolean() && it->get<bool>();
}

HttpRequest delivery(testing::World& w, Sign sign, const std::string& raw_header, const std::string& body) {
  const int64_t now_s = w.host.now_ms() / 1000;
  const std::string secret = w.engine.config().webhook_secrets.front();
  const int64_t tolerance = w.engine.config().webhook_tolerance_s;
  HeaderList h{{"Content-Type", "application/json"}};
  switch (sign) {
    case Sign::Valid: h.emplace_back("Stripe-Signature", stripe_signature_header(secret, now_s, body)); break;
    case Sign::Raw: h.emplace_back("Stripe-Signature", raw_header); break;
    case Sign::None: break;
    case Sign::WrongSecret: h.emplace_back("Stripe-Signature", stripe_signature_header(secret + "x", now_s, body)); break;
    case Sign::Stale:
      h.emplace_back("Stripe-Signature", stripe_signature_header(secret, now_s - tolerance - 1, body));
      break;
  }
  return testing::make_request("POST", "/v1/stripe/webhook", body, std::move(h));
}

void deliver(testing::World& w, std::string_view part) {
  auto [options, rest] = first_line(part);
  Sign sign = Sign::Valid;
  bool twice = false;
  for (char c : options) {
    if (c == 'r') sign = Sign::Raw;
    if (c == 'n') sign = Sign::None;
    if (c == 'w') sign = Sign::WrongSecret;
    if (c == 'x') sign = Sign::Stale;
    if (c == 'd') twice = true;
    if (c >= '0' && c <= '9') w.host.advance(kAdvance[c - '0']);
  }
  std::string raw_header;
  if (sign == Sign::Raw) {
    auto [line, after] = first_line(rest);
    raw_header.assign(line);
    rest = after;
  }
  const std::string body(rest);

  watch_store(w);
  HttpResponse first = run(w, delivery(w, sign, raw_header, body));
  check_response(first);
  check_world(w);
  const bool refused = first.status == 400 && error_code_of(first) == "invalid_signature";
  if (sign == Sign::Valid)
    FUZZ_REQUIRE(!refused, "a correctly signed delivery was refused: " + first.body);
  if (sign == Sign::None || sign == Sign::WrongSecret || sign == Sign::Stale) {
    FUZZ_REQUIRE(refused, "a delivery without a valid signature was accepted: " + first.body);
    FUZZ_REQUIRE(store_unchanged(w), "a refused delivery wrote to the store");
  }
  if (!twice) return;
  watch_store(w);
  HttpResponse second = run(w, delivery(w, sign, raw_header, body));
  check_response(second);
  check_world(w);
  if (first.status == 200) {
    FUZZ_REQUIRE(second.status == 200 && said_duplicate(second),
                 "a redelivered event was not answered as a duplicate: " + second.body);
    FUZZ_REQUIRE(store_unchanged(w), "a duplicate delivery wrote to the store");
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  prepare_world();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string text = expand_tokens(std::string_view(reinterpret_cast<const char*>(data), size));
  auto w = seeded_world();
  for (std::string_view part : split(text, "\n===\n", 3)) deliver(*w, part);
  return 0;
}
