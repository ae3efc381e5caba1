// Stripe's answers, as the core parses and uses them (tests/fuzz/README.md).
//
// Input (after @token expansion):
//   scenario line   one letter, what the core is doing when Stripe answers:
//                     c  creating a reservation (session create)
//                     k  replaying the create of the unlinked hold U (session create)
//                     x  cancelling pending A (session expire)
//                     v  a Multibanco completion for A (PaymentIntent lookup)
//                     p  a late payment for cancelled D (refund)
//                     u  a sweep three minutes on (links U, retries E's refund)
//                     s  a sweep two days on (expires every hold, closes sessions)
//   replies         separated by "\n---\n", each "<status>\n<body>"; status "x" is a
//                   transport failure, "f" lets the fake Stripe answer. Stripe calls
//                   beyond the replies given are answered by the fake Stripe.
//
// Every reply is also parsed directly. Properties: parse_stripe_response classifies
// consistently, the object it keeps re-serialises to the same JSON, and the scenario's
// task finishes with a well-formed response and no double booking.
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "slotguard/host/fetch_client.h"
#include "fuzz_support.h"
#include "slotguard/payments/stripe/stripe_api.h"

using namespace slotguard;
using namespace slotguard::fuzz;

namespace {

struct Reply {
  bool transport_ok = true;
  bool from_fake = false;
  int64_t status = 200;
  std::string body;
};

Reply read_reply(std::string_view record) {
  auto [line, body] = first_line(record);
  Reply r;
  r.body.assign(body);
  if (!line.empty() && line.front() == 'x') r.transport_ok = false;
  else if (!line.empty() && line.front() == 'f') r.from_fake = true;
  else r.status = leading_int(line, 1'000'000);
  return r;
}

// Two parsed values alike: objects member by member in order, exact integers equal,
// other numbers within a few units in the last place of each other.
bool same_json(const JsonValue& a, const JsonValue& b) {
  if (a.GetType() != b.GetType()) return false;
  if (a.IsObject()) {
    if (a.MemberCount() != b.MemberCount()) return false;
    for (auto x = a.MemberBegin(), y = b.MemberBegin(); x != a.MemberEnd(); ++x, ++y)
      if (string_of(x->name) != string_of(y->name) || !same_json(x->value, y->value)) return false;
    return true;
  }
  if (a.IsArray()) {
    if (a.Size() != b.Size()) return false;
    for (rapidjson::SizeType i = 0; i < a.Size(); ++i)
      if (!same_json(a[i], b[i])) return false;
    return true;
  }
  if (a.IsString()) return string_of(a) == string_of(b);
  if (a.IsInt64() || b.IsInt64()) return a.IsInt64() && b.IsInt64() && a.GetInt64() == b.GetInt64();
  if (a.IsUint64() || b.IsUint64()) return a.IsUint64() && b.IsUint64() && a.GetUint64() == b.GetUint64();
  if (a.IsNumber()) {
    const double x = a.GetDouble(), y = b.GetDouble();
    return x == y || std::fabs(x - y) <= 1e-13 * std::fmax(std::fabs(x), std::fabs(y));
  }
  return a == b;  // true, false, null
}

// What the handlers read out of Stripe objects: sessions, PaymentIntents, refunds.
void read_fields(const JsonValue& o) {
  for (const char* key : {"id", "url", "payment_intent", "payment_status", "client_reference_id", "status"})
    (void)get_string(o, key);
  if (const JsonValue* md = get_object(o, "metadata")) (void)get_string(*md, "reservation_id");
  const JsonValue* next = get_object(o, "next_action");
  const JsonValue* details = next ? get_object(*next, "multibanco_display_details") : nullptr;
  if (details) (void)get_int(*details, "expires_at");
  (void)get_int(o, "expires_at");
  (void)get_int(o, "amount_total");
}

void parse_directly(const Reply& r) {
  FetchResponse res{r.transport_ok, static_cast<int>(r.status), r.body};
  StripeResult out = parse_stripe_response(res);
  if (!r.transport_ok) {
    FUZZ_REQUIRE(out.kind == StripeResult::Kind::TransportError, "a transport failure was not classified as one");
    return;
  }
  FUZZ_REQUIRE(out.http_status == res.status, "the HTTP status was not kept");
  const bool success = res.status >= 200 && res.status < 300;
  if (out.ok()) {
    FUZZ_REQUIRE(success && out.object.IsObject(), "Ok for a non-2xx status or a non-object body");
    read_fields(out.object);
    // What the core writes of a parsed object reads back as the same object: members
    // in order (repeated keys included, which RapidJSON's == cannot compare), numbers
    // other than integers within the parser's normal precision.
    JsonWriter w;
    const std::string text = w.value(out.object).take();
    auto again = parse_json(text, 32);
    FUZZ_REQUIRE(again && same_json(*again, out.object), "a Stripe object does not survive write/parse: " + r.body);
  } else {
    FUZZ_REQUIRE(out.kind == StripeResult::Kind::ApiError, "an HTTP answer classified as a transport failure");
    FUZZ_REQUIRE(!out.error_type.empty(), "an API error without a type");
    auto body = parse_json(res.body, 32);
    FUZZ_REQUIRE(!success || !body || !body->IsObject(), "a 2xx JSON object was classified as an error");
  }
}

HttpRequest scenario_request(testing::World& w, char scenario) {
  const auto& t = seeded().tokens;
  auto token = [&](const char* name) {
    for (const auto& [k, v] : t)
      if (k == name) return v;
    return std::string();
  };
  switch (scenario) {
    case 'k':
      return testing::World::create_request("intro", "2030-01-02T14:00:00Z", "u@example.com", "key-u");
    case 'x': return testing::make_request("DELETE", "/v1/reservations/" + token("@rA"));
    // The fake Stripe's own sessions, so the events carry what the core checks them
    // against (amount, currency, ids).
    case 'v':
      w.stripe.pay_with_voucher(token("@sA"), 0);
      return w.webhook(w.stripe.event_body("evt_fuzz_v", "checkout.session.completed", token("@sA")));
    case 'p':
      w.stripe.pay(token("@sD"));
      return w.webhook(w.stripe.event_body("evt_fuzz_p", "checkout.session.completed", token("@sD")));
    case 'u':
      w.host.advance(3 * kMinuteMs);
      return testing::make_request("POST", "/v1/maintenance/sweep", "", {{"Authorization", token("@admin")}});
    case 's':
      w.host.advance(2 * kDayMs);
      return testing::make_request("POST", "/v1/maintenance/sweep", "", {{"Authorization", token("@admin")}});
    default:
      return testing::World::create_request("intro", "2030-01-02T16:00:00Z", "fz@example.com");
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
  auto [scenario_line, rest] = first_line(text);
  std::vector<Reply> replies;
  if (!rest.empty())
    for (std::string_view record : split(rest, "\n---\n", 16)) replies.push_back(read_reply(record));
  for (const Reply& r : replies) parse_directly(r);

  auto w = seeded_world();
  size_t next = 0;
  Override answer = [&](const HostCall& call, HostReply& reply) {
    if (call.op != HostOp::HttpFetch || next >= replies.size()) return false;
    const Reply& r = replies[next++];
    if (r.from_fake) return false;
    reply = r.transport_ok ? HostReply{0, encode_fetch_reply(static_cast<int>(r.status), r.body)}
                           : HostReply{2, "connection reset"};
    return true;
  };
  const char scenario = scenario_line.empty() ? 'c' : scenario_line.front();
  HttpResponse res = run(*w, scenario_request(*w, scenario), answer);
  check_response(res);
  check_world(*w);
  return 0;
}
