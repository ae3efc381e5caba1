#include "fake_stripe.h"

#include <algorithm>

#include "slotguard/payments/stripe/form_encoding.h"
#include "test_json.h"

namespace slotguard::native {

namespace {

using testing::Json;
using testing::read_json;
using testing::write_json;

std::string error_body(const char* type, const char* code, const char* message, const char* param = nullptr) {
  Json err = {{"type", type}, {"code", code}, {"message", message}};
  if (param) err["param"] = param;
  return write_json(Json{{"error", err}});
}

std::string param(const std::vector<std::pair<std::string, std::string>>& form, const std::string& key) {
  for (const auto& [k, v] : form)
    if (k == key) return v;
  return {};
}

// "https://api.stripe.test/v1/x?y" -> "/v1/x"
std::string path_of(const std::string& url) {
  size_t scheme = url.find("://");
  size_t start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (start == std::string::npos) return "/";
  size_t q = url.find('?', start);
  return url.substr(start, q == std::string::npos ? std::string::npos : q - start);
}

}  // namespace

size_t FakeStripe::count(const std::string& prefix) const {
  size_t n = 0;
  for (const auto& c : calls_)
    if ((c.method + " " + c.path).rfind(prefix, 0) == 0) ++n;
  return n;
}

size_t FakeStripe::calls_for_reservation(const std::string& rid) const {
  size_t n = 0;
  for (const auto& c : calls_)
    if (c.reservation_id == rid) ++n;
  return n;
}

std::string FakeStripe::session_json(const FakeSession& s) const {
  Json j = {{"id", s.id},
            {"object", "checkout.session"},
            {"status", s.status},
            {"payment_status", s.payment_status},
            {"url", s.url},
            {"client_reference_id", s.reservation_id},
            {"metadata", s.pack_id.empty() ? Json{{"reservation_id", s.reservation_id}} : Json{{"pack_id", s.pack_id}}},
            {"amount_total", s.amount},
            {"currency", s.currency},
            {"expires_at", s.expires_at},
            {"livemode", false},
            {"payment_intent", s.payment_intent.empty() ? Json(nullptr) : Json(s.payment_intent)}};
  return write_json(j);
}

std::string FakeStripe::pay(const std::string& session_id) {
  auto& s = sessions_.at(session_id);
  s.status = "complete";
  s.payment_status = s.manual_capture ? "unpaid" : "paid";
  s.intent_status = s.manual_capture ? "requires_capture" : "succeeded";
  s.payment_intent = "pi_fake_" + std::to_string(next_id_++);
  return s.payment_intent;
}

std::string FakeStripe::pay_with_voucher(const std::string& session_id, int64_t voucher_expires_s) {
  auto& s = sessions_.at(session_id);
  s.status = "complete";
  s.payment_status = "unpaid";
  s.payment_intent = "pi_fake_" + std::to_string(next_id_++);
  s.voucher_expires_at = voucher_expires_s;
  return s.payment_intent;
}

void FakeStripe::settle_voucher(const std::string& session_id, bool succeeded) {
  auto& s = sessions_.at(session_id);
  s.payment_status = succeeded ? "paid" : "unpaid";
  s.voucher_expires_at = 0;
}

std::string FakeStripe::event_body(const std::string& event_id, const std::string& type,
                                   const std::string& session_id) const {
  auto object = read_json(session_json(sessions_.at(session_id)), 8);
  return write_json(Json{{"id", event_id}, {"object", "event"}, {"type", type}, {"livemode", false},
                         {"created", clock ? clock() / 1000 : 0}, {"data", {{"object", *object}}}});
}

std::string FakeStripe::emit_event(const std::string& event_id, const std::string& type,
                                   const std::string& session_id) {
  std::string body = event_body(event_id, type, session_id);
  event_log_.push_back({event_id, type, body, clock ? clock() / 1000 : 0});
  return body;
}

std::pair<int, std::string> FakeStripe::list_events(const std::string& url) const {
  std::vector<std::pair<std::string, std::string>> query;
  const size_t q = url.find('?');
  if (q != std::string::npos) parse_query(url.substr(q + 1), query);
  std::set<std::string> types;
  for (const auto& [k, v] : query)
    if (k == "types[]") types.insert(v);
  const std::string gte = param(query, "created[gte]");
  std::vector<const LoggedEvent*> listed;  // newest first
  for (size_t i = event_log_.size(); i-- > 0;) {
    const LoggedEvent& e = event_log_[i];
    if ((types.empty() || types.count(e.type)) && (gte.empty() || e.created_s >= std::atoll(gte.c_str())))
      listed.push_back(&e);
  }
  const std::string limit_text = param(query, "limit");
  const size_t limit = limit_text.empty() ? 10 : static_cast<size_t>(std::atoll(limit_text.c_str()));
  const std::string after = param(query, "starting_after"), before = param(query, "ending_before");
  const std::string& cursor = after.empty() ? before : after;
  size_t at = 0;
  while (at < listed.size() && listed[at]->id != cursor) ++at;
  if (!cursor.empty() && at == listed.size())
    return {404, error_body("invalid_request_error", "resource_missing", "No such event", after.empty() ? "ending_before" : "starting_after")};
  size_t from = 0, to = std::min(listed.size(), limit);  // [from, to) of `listed`
  if (!after.empty()) from = at + 1, to = std::min(listed.size(), at + 1 + limit);
  if (!before.empty()) from = at > limit ? at - limit : 0, to = at;
  // The events' bodies as emitted, spliced in (parsing each again costs the swarm time).
  std::string data;
  for (size_t i = from; i < to; ++i) data += (data.empty() ? "" : ",") + listed[i]->body;
  const bool more = before.empty() ? to < listed.size() : from > 0;
  return {200, "{\"object\":\"list\",\"data\":[" + data + "],\"has_more\":" + (more ? "true" : "false") + "}"};
}

std::pair<int, std::string> FakeStripe::settle_intent(const std::string& rest) {
  const size_t slash = rest.find('/');
  const std::string pi = rest.substr(0, slash), action = slash == std::string::npos ? "" : rest.substr(slash + 1);
  for (auto& [id, s] : sessions_) {
    if (s.payment_intent != pi || pi.empty()) continue;
    const bool capture = action == "capture";
    if (capture && captures_refused.count(pi))
      return {400, error_body("invalid_request_error", "insufficient_capabilities_for_transfer", "cannot capture")};
    if ((!capture && action != "cancel") || s.intent_status != "requires_capture")
      return {400, error_body("invalid_request_error", "payment_intent_unexpected_state", "unexpected state")};
    s.intent_status = capture ? "succeeded" : "canceled";
    if (capture) s.payment_status = "paid";
    return {200, write_json(Json{{"id", pi}, {"object", "payment_intent"}, {"status", s.intent_status}})};
  }
  return {404, error_body("invalid_request_error", "resource_missing", "No such payment_intent")};
}

std::string FakeStripe::idempotency_key_of(const HostCall& call) {
  auto req = decode_fetch_request(call.payload);
  if (!req) return {};
  for (const auto& [k, v] : req->headers)
    if (k == "Idempotency-Key") return v;
  return {};
}

std::vector<std::string> FakeStripe::expire_due() {
  std::vector<std::string> out;
  if (!clock) return out;
  const int64_t now_s = clock() / 1000;
  for (auto& [id, s] : sessions_)
    if (s.status == "open" && s.expires_at <= now_s) {
      s.status = "expired";
      out.push_back(id);
    }
  return out;
}

HostReply FakeStripe::serve_with(const HostCall& call, StripeFault fault) {
  if (fault == StripeFault::None) return serve(call);
  auto req = decode_fetch_request(call.payload);
  if (!req) return {1, "not a fetch"};
  const std::string key = idempotency_key_of(call);
  calls_.push_back({req->method, path_of(req->url), key, {}});
  if (!key.empty() && in_flight_.count(key))
    return {0, encode_fetch_reply(409, error_body("idempotency_error", "idempotency_key_in_use", "another request with this key is in progress"))};
  // Rate limiting comes before everything else, a saved answer included.
  if (fault == StripeFault::Status429)
    return {0, encode_fetch_reply(429, error_body("rate_limit_error", "rate_limit", "too many requests"))};
  if (!key.empty() && idempotency_.count(key)) return serve(call);  // a saved answer wins over a 500
  std::string body = error_body("api_error", "", "injected failure");
  if (req->method == "POST" && !key.empty()) idempotency_[key] = {req->body, 500, body};
  return {0, encode_fetch_reply(500, body)};
}

HostReply FakeStripe::serve(const HostCall& call) {
  auto req = decode_fetch_request(call.payload);
  if (call.op != HostOp::HttpFetch || !req) return {1, "not a fetch"};
  const std::string path = path_of(req->url);
  StripeCall record{req->method, path, {}, {}};
  for (const auto& [k, v] : req->headers)
    if (k == "Idempotency-Key") record.idempotency_key = v;
  std::vector<std::pair<std::string, std::string>> form;
  parse_query(req->body, form);
  record.reservation_id = param(form, "client_reference_id");
  if (record.reservation_id.empty()) record.reservation_id = param(form, "metadata[reservation_id]");
  if (record.reservation_id.empty() && path.rfind("/v1/checkout/sessions/", 0) == 0) {
    auto it = sessions_.find(path.substr(22, path.find('/', 22) - 22));
    if (it != sessions_.end()) record.reservation_id = it->second.reservation_id;
  }
  calls_.push_back(record);

  if (down) return {2, "connection refused"};
  if (req->method == "POST" && path == "/v1/checkout/sessions") {
    if (fail_creates_in_transport > 0) {
      --fail_creates_in_transport;
      return {2, "connection refused"};
    }
    if (fail_creates_with_500 > 0) {
      --fail_creates_with_500;
      return {0, encode_fetch_reply(500, error_body("api_error", "", "injected failure"))};
    }
    if (fail_creates_with_400 > 0) {
      --fail_creates_with_400;
      return {0, encode_fetch_reply(400, error_body("invalid_request_error", "parameter_invalid", "injected refusal"))};
    }
  }
  if (!record.idempotency_key.empty() && in_flight_.count(record.idempotency_key))
    return {0, encode_fetch_reply(409, error_body("idempotency_error", "idempotency_key_in_use", "another request with this key is in progress"))};
  if (req->method == "POST" && !record.idempotency_key.empty()) {
    auto it = idempotency_.find(record.idempotency_key);
    if (it != idempotency_.end()) {
      if (it->second.params != req->body)
        return {0, encode_fetch_reply(400, error_body("idempotency_error", "", "Keys for idempotent requests can only be used with the same parameters they were first used with."))};
      return {0, encode_fetch_reply(it->second.status, it->second.body)};
    }
  }
  auto [status, body] = handle(*req, path);
  if (req->method == "POST" && !record.idempotency_key.empty())
    idempotency_[record.idempotency_key] = {req->body, status, body};
  return {0, encode_fetch_reply(status, body)};
}

std::pair<int, std::string> FakeStripe::handle(const FetchRequest& req, const std::string& path) {
  std::vector<std::pair<std::string, std::string>> form;
  if (!parse_query(req.body, form)) return {400, error_body("invalid_request_error", "", "malformed body")};
  const std::string sessions = "/v1/checkout/sessions";
  if (req.method == "POST" && path == sessions) {
    FakeSession s;
    s.id = "cs_fake_" + std::to_string(next_id_++);
    s.reservation_id = param(form, "client_reference_id");
    s.pack_id = param(form, "metadata[pack_id]");
    s.url = "https://checkout.fake/" + s.id;
    s.currency = param(form, "line_items[0][price_data][currency]");
    const std::string quantity = param(form, "line_items[0][quantity]");
    s.amount = std::atoll(param(form, "line_items[0][price_data][unit_amount]").c_str()) *
               (quantity.empty() ? 1 : std::atoll(quantity.c_str()));
    s.expires_at = std::atoll(param(form, "expires_at").c_str());
    s.customer_email = param(form, "customer_email");
    s.manual_capture = param(form, "payment_intent_data[capture_method]") == "manual";
    s.destination = param(form, "payment_intent_data[transfer_data][destination]");
    s.on_behalf_of = param(form, "payment_intent_data[on_behalf_of]");
    const std::string fee = param(form, "payment_intent_data[application_fee_amount]");
    if (!fee.empty()) s.application_fee = std::atoll(fee.c_str());
    if (s.currency.empty() || param(form, "success_url").empty())
      return {400, error_body("invalid_request_error", "parameter_missing", "missing parameter")};
    if (clock && (s.expires_at * 1000 < clock() + 30 * 60'000 || s.expires_at * 1000 > clock() + 24 * 3600'000))
      return {400, error_body("invalid_request_error", "parameter_invalid", "expires_at must be 30 minutes to 24 hours ahead", "expires_at")};
    sessions_[s.id] = s;
    return {200, session_json(s)};
  }
  if (path.rfind(sessions + "/", 0) == 0) {
    std::string rest = path.substr(sessions.size() + 1);
    bool expire = false;
    if (rest.size() > 7 && rest.compare(rest.size() - 7, 7, "/expire") == 0) {
      expire = true;
      rest.resize(rest.size() - 7);
    }
    auto it = sessions_.find(rest);
    if (it == sessions_.end()) return {404, error_body("invalid_request_error", "resource_missing", "No such checkout.session")};
    if (expire && req.method == "POST") {
      if (clock && it->second.status == "open" && it->second.expires_at * 1000 <= clock()) it->second.status = "expired";
      if (it->second.status != "open")
        return {400, error_body("invalid_request_error", "", "Only Checkout Sessions with a status of open can be expired.")};
      it->second.status = "expired";
    }
    return {200, session_json(it->second)};
  }
  const std::string intents = "/v1/payment_intents/";
  if (req.method == "POST" && path.rfind(intents, 0) == 0) return settle_intent(path.substr(intents.size()));
  if (req.method == "GET" && path.rfind(intents, 0) == 0) {
    const std::string pi = path.substr(intents.size());
    for (const auto& [id, s] : sessions_) {
      if (s.payment_intent != pi) continue;
      const std::string status = !s.intent_status.empty() && s.intent_status != "succeeded" ? s.intent_status
                                 : s.payment_status == "paid"                                ? "succeeded"
                                                                                             : "requires_action";
      Json j = {{"id", pi}, {"object", "payment_intent"}, {"status", status}};
      if (s.voucher_expires_at)
        j["next_action"] = {{"type", "multibanco_display_details"},
                            {"multibanco_display_details", {{"expires_at", s.voucher_expires_at}}}};
      return {200, write_json(j)};
    }
    return {404, error_body("invalid_request_error", "resource_missing", "No such payment_intent")};
  }
  const std::string accounts = "/v1/accounts/";
  if (req.method == "GET" && path.rfind(accounts, 0) == 0) {
    auto it = this->accounts.find(path.substr(accounts.size()));
    if (it == this->accounts.end()) return {404, error_body("invalid_request_error", "resource_missing", "No such account")};
    return {200, write_json(Json{{"id", it->first}, {"object", "account"}, {"charges_enabled", it->second}})};
  }
  if (req.method == "POST" && path == "/v1/refunds") {
    const std::string pi = param(form, "payment_intent");
    refund_forms[pi].push_back(form);
    if (fail_refunds > 0 || refunds_always_fail.count(pi)) {
      if (fail_refunds > 0) --fail_refunds;
      return {500, error_body("api_error", "", "injected failure")};
    }
    if (pi.empty()) return {400, error_body("invalid_request_error", "parameter_missing", "payment_intent")};
    // As Stripe: a refund takes what is left of the charge, or `amount` of it; nothing
    // left refuses with charge_already_refunded. Partial refunds may repeat.
    int64_t charged = 0;
    for (const auto& [sid, sess] : sessions_)
      if (sess.payment_intent == pi) charged = sess.amount;
    if (charged == 0) charged = 1;  // a PaymentIntent a test made up: one full refund of it
    const int64_t left = charged - refunded_amount[pi];
    const std::string asked = param(form, "amount");
    const int64_t amount = asked.empty() ? left : std::atoll(asked.c_str());
    if (left <= 0 || (charged > 0 && amount > left) || refunds.count(pi))
      return {400, error_body("invalid_request_error", "charge_already_refunded", "already refunded")};
    std::string id = "re_fake_" + std::to_string(next_id_++);
    refunded_amount[pi] += amount;
    if (refunded_amount[pi] >= charged) refunds[pi] = id;
    ++refunds_made[pi];
    refund_log_[pi].push_back({id, param(form, "metadata[reservation_id]"), amount});
    return {200, write_json(Json{{"id", id}, {"object", "refund"}, {"payment_intent", pi}, {"amount", amount}, {"status", "succeeded"}})};
  }
  if (req.method == "GET" && path == "/v1/events") return list_events(req.url);
  if (req.method == "GET" && path == "/v1/refunds") {
    std::vector<std::pair<std::string, std::string>> query;
    const size_t q = req.url.find('?');
    if (q != std::string::npos) parse_query(req.url.substr(q + 1), query);
    Json data = Json::array();
    for (const auto& r : refund_log_[param(query, "payment_intent")])
      data.push_back({{"id", r.id}, {"object", "refund"}, {"amount", r.amount}, {"status", "succeeded"},
                      {"metadata", {{"reservation_id", r.reservation_id}}}});
    return {200, write_json(Json{{"object", "list"}, {"data", std::move(data)}, {"has_more", false}})};
  }
  return {404, error_body("invalid_request_error", "resource_missing", "Unrecognized request URL")};
}

}  // namespace slotguard::native
