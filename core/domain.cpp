#include "domain.h"

#include "time_rfc3339.h"
#include "utf8.h"

namespace slotguard {

const char* status_name(ReservationStatus s) {
  switch (s) {
    case ReservationStatus::PendingPayment: return "pending_payment";
    case ReservationStatus::Confirmed: return "confirmed";
    case ReservationStatus::Released: return "released";
    case ReservationStatus::Refunded: return "refunded";
  }
  return "released";
}

std::optional<ReservationStatus> parse_status(std::string_view s) {
  if (s == "pending_payment") return ReservationStatus::PendingPayment;
  if (s == "confirmed") return ReservationStatus::Confirmed;
  if (s == "released") return ReservationStatus::Released;
  if (s == "refunded") return ReservationStatus::Refunded;
  return std::nullopt;
}

namespace {
bool id_of_safe_chars(std::string_view id, size_t max_len) {
  if (id.empty() || id.size() > max_len) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}
}  // namespace

bool valid_client_id(std::string_view id) { return id_of_safe_chars(id, 64); }
bool valid_minted_id(std::string_view id) { return id_of_safe_chars(id, 100); }

bool plausible_email(std::string_view email) {
  if (email.size() < 3 || email.size() > 254) return false;
  size_t at = email.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= email.size()) return false;
  if (email.find('@', at + 1) != std::string_view::npos) return false;
  if (email.find('.', at) == std::string_view::npos) return false;
  for (unsigned char c : email)
    if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == ',' || c == ';') return false;
  return true;
}

namespace {

bool fail(std::string* error, std::string msg) {
  if (error) *error = std::move(msg);
  return false;
}

bool read_bounded(const Json& body, const char* key, int64_t lo, int64_t hi, int64_t& out, bool required,
                  std::string* error) {
  auto it = body.find(key);
  if (it == body.end()) return required ? fail(error, std::string(key) + " is required") : true;
  auto v = get_int(body, key);
  if (!v || *v < lo || *v > hi)
    return fail(error, std::string(key) + " must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  out = *v;
  return true;
}

bool valid_currency(std::string_view c) {
  if (c.size() != 3) return false;
  for (char ch : c)
    if (ch < 'a' || ch > 'z') return false;
  return true;
}

bool read_methods(const Json& arr, std::vector<std::string>& out) {
  if (!arr.is_array() || arr.empty() || arr.size() > 2) return false;
  out.clear();
  for (const auto& m : arr) {
    if (!m.is_string()) return false;
    const auto& s = m.get_ref<const std::string&>();
    if (s != "card" && s != "multibanco") return false;
    for (const auto& seen : out)
      if (seen == s) return false;
    out.push_back(s);
  }
  return true;
}

Json strings(const std::vector<std::string>& v) { return Json(v); }

std::vector<std::string> strings_from(const Json& j, const char* key) {
  std::vector<std::string> out;
  if (const Json* arr = get_array(j, key))
    for (const auto& s : *arr)
      if (s.is_string()) out.push_back(s.get<std::string>());
  return out;
}

std::string str_or_empty(const Json& j, const char* key) {
  const std::string* s = get_string(j, key);
  return s ? *s : std::string();
}

}  // namespace

std::optional<EventType> event_from_request(const Json& body, std::string_view path_id, std::string* error) {
  if (!body.is_object()) return fail(error, "body must be a JSON object"), std::nullopt;
  EventType e;
  e.id = std::string(path_id);
  if (!valid_client_id(e.id)) return fail(error, "event id must match [A-Za-z0-9_-]{1,64}"), std::nullopt;
  if (body.contains("id")) {
    const std::string* id = get_string(body, "id");
    if (!id || *id != e.id) return fail(error, "id in the body must match the path"), std::nullopt;
  }
  const std::string* expert = get_string(body, "expert_id");
  if (!expert || !valid_client_id(*expert))
    return fail(error, "expert_id is required and must match [A-Za-z0-9_-]{1,64}"), std::nullopt;
  e.expert_id = *expert;
  const std::string* title = get_string(body, "title");
  if (!title || title->empty() || title->size() > 200 || !is_valid_utf8(*title))
    return fail(error, "title is required (1 to 200 bytes)"), std::nullopt;
  e.title = *title;
  if (!read_bounded(body, "duration_minutes", 5, 720, e.duration_minutes, true, error) ||
      !read_bounded(body, "buffer_before_minutes", 0, 240, e.buffer_before_minutes, false, error) ||
      !read_bounded(body, "buffer_after_minutes", 0, 240, e.buffer_after_minutes, false, error) ||
      !read_bounded(body, "slot_step_minutes", 5, 1440, e.slot_step_minutes, false, error) ||
      !read_bounded(body, "min_notice_minutes", 0, 365 * 24 * 60, e.min_notice_minutes, false, error) ||
      !read_bounded(body, "max_advance_days", 1, 730, e.max_advance_days, false, error))
    return std::nullopt;
  const Json* price = get_object(body, "price");
  if (!price) return fail(error, "price {amount, currency} is required"), std::nullopt;
  auto amount = get_int(*price, "amount");
  const std::string* currency = get_string(*price, "currency");
  if (!amount || *amount < 1 || *amount > 99'999'999)
    return fail(error, "price.amount must be an integer from 1 to 99999999 (minor units)"), std::nullopt;
  if (!currency || !valid_currency(*currency))
    return fail(error, "price.currency must be a lower-case ISO 4217 code"), std::nullopt;
  e.price = {*amount, *currency};
  if (auto it = body.find("payment_method_types"); it != body.end()) {
    if (!read_methods(*it, e.payment_method_types))
      return fail(error, "payment_method_types must be a non-empty list of \"card\", \"multibanco\""), std::nullopt;
  }
  for (const auto& m : e.payment_method_types)
    if (m == "multibanco" && e.price.currency != "eur")
      return fail(error, "multibanco requires currency eur"), std::nullopt;
  if (!read_bounded(body, "seats", 1, 500, e.seats, false, error) ||
      !read_bounded(body, "reschedule_min_notice_minutes", 0, 365 * 24 * 60, e.reschedule_min_notice_minutes, false, error))
    return std::nullopt;
  if (auto it = body.find("cancellation"); it != body.end() && !it->is_null()) {
    if (!it->is_object()) return fail(error, "cancellation must be {refund_before_minutes, refund_percent} or null"), std::nullopt;
    e.cancellable = true;
    if (!read_bounded(*it, "refund_before_minutes", 0, 365 * 24 * 60, e.refund_before_minutes, true, error) ||
        !read_bounded(*it, "refund_percent", 0, 100, e.refund_percent, true, error))
      return std::nullopt;
  }
  return e;
}

Json event_to_json(const EventType& e) {
  return Json{{"id", e.id},
              {"expert_id", e.expert_id},
              {"title", e.title},
              {"duration_minutes", e.duration_minutes},
              {"buffer_before_minutes", e.buffer_before_minutes},
              {"buffer_after_minutes", e.buffer_after_minutes},
              {"slot_step_minutes", e.slot_step_minutes},
              {"min_notice_minutes", e.min_notice_minutes},
              {"max_advance_days", e.max_advance_days},
              {"price", {{"amount", e.price.amount}, {"currency", e.price.currency}}},
              {"payment_method_types", strings(e.payment_method_types)},
              {"seats", e.seats},
              {"reschedule_min_notice_minutes", e.reschedule_notice_minutes()},
              {"cancellation", e.cancellable ? Json{{"refund_before_minutes", e.refund_before_minutes},
                                                    {"refund_percent", e.refund_percent}}
                                             : Json(nullptr)}};
}

std::optional<EventType> event_from_storage(std::string_view text) {
  auto j = parse_json(text, 4);
  if (!j) return std::nullopt;
  std::string ignored;
  const std::string* id = get_string(*j, "id");
  if (!id) return std::nullopt;
  return event_from_request(*j, *id, &ignored);
}

Json reservation_view(const Reservation& r) {
  Json j = {{"id", r.id},
            {"event_id", r.event_id},
            {"expert_id", r.expert_id},
            {"start", format_rfc3339(r.start)},
            {"end", format_rfc3339(r.end)},
            {"guest", {{"email", r.guest.email}, {"name", r.guest.name}}},
            {"status", status_name(r.status)},
            {"expires_at", nullptr},
            {"checkout_session_id", nullptr},
            {"payment_intent_id", nullptr},
            {"created_at", format_rfc3339(r.created_at)},
            {"updated_at", format_rfc3339(r.updated_at)}};
  if (r.status == ReservationStatus::PendingPayment) j["expires_at"] = format_rfc3339(r.expires_at);
  if (!r.release_reason.empty()) j["release_reason"] = r.release_reason;
  if (r.status == ReservationStatus::Refunded) j["refund"] = {{"amount", r.refund_amount}, {"currency", r.price.currency}};
  if (!r.checkout_session_id.empty()) j["checkout_session_id"] = r.checkout_session_id;
  if (!r.payment_intent_id.empty()) j["payment_intent_id"] = r.payment_intent_id;
  return j;
}

std::string reservation_to_storage(const Reservation& r) {
  Json j = {{"id", r.id},
            {"event_id", r.event_id},
            {"expert_id", r.expert_id},
            {"start", r.start},
            {"end", r.end},
            {"span_start", r.span_start},
            {"span_end", r.span_end},
            {"guest", {{"email", r.guest.email}, {"name", r.guest.name}}},
            {"status", status_name(r.status)},
            {"release_reason", r.release_reason},
            {"expires_at", r.expires_at},
            {"session_expires_at", r.session_expires_at},
            {"checkout_session_id", r.checkout_session_id},
            {"checkout_url", r.checkout_url},
            {"payment_intent_id", r.payment_intent_id},
            {"refund_id", r.refund_id},
            {"checkout_attempt", r.checkout_attempt},
            {"refund_attempts", r.refund_attempts},
            {"refund_next_at", r.refund_next_at},
            {"refund_gave_up", r.refund_gave_up},
            {"title", r.title},
            {"price", {{"amount", r.price.amount}, {"currency", r.price.currency}}},
            {"payment_method_types", strings(r.payment_method_types)},
            {"success_url", r.success_url},
            {"cancel_url", r.cancel_url},
            {"created_at", r.created_at},
            {"updated_at", r.updated_at},
            {"notify_seq", r.notify_seq},
            {"refund_amount", r.refund_amount},
            {"seats", r.seats},
            {"idempotency_key", r.idempotency_key}};
  return dump_json(j);
}

std::optional<Reservation> reservation_from_storage(std::string_view text) {
  auto j = parse_json(text, 4);
  if (!j || !j->is_object()) return std::nullopt;
  Reservation r;
  const std::string* id = get_string(*j, "id");
  const std::string* status = get_string(*j, "status");
  const Json* guest = get_object(*j, "guest");
  const Json* price = get_object(*j, "price");
  auto start = get_int(*j, "start"), end = get_int(*j, "end");
  auto ss = get_int(*j, "span_start"), se = get_int(*j, "span_end");
  auto exp = get_int(*j, "expires_at"), sexp = get_int(*j, "session_expires_at");
  auto created = get_int(*j, "created_at"), updated = get_int(*j, "updated_at");
  if (!id || !status || !guest || !price || !start || !end || !ss || !se || !exp || !sexp || !created || !updated)
    return std::nullopt;
  auto st = parse_status(*status);
  auto amount = get_int(*price, "amount");
  if (!st || !amount) return std::nullopt;
  r.id = *id;
  r.event_id = str_or_empty(*j, "event_id");
  r.expert_id = str_or_empty(*j, "expert_id");
  r.start = *start;
  r.end = *end;
  r.span_start = *ss;
  r.span_end = *se;
  r.guest = {str_or_empty(*guest, "email"), str_or_empty(*guest, "name")};
  r.status = *st;
  r.release_reason = str_or_empty(*j, "release_reason");
  r.expires_at = *exp;
  r.session_expires_at = *sexp;
  r.checkout_session_id = str_or_empty(*j, "checkout_session_id");
  r.checkout_url = str_or_empty(*j, "checkout_url");
  r.payment_intent_id = str_or_empty(*j, "payment_intent_id");
  r.refund_id = str_or_empty(*j, "refund_id");
  // Absent in records written before these fields existed: zero is their meaning.
  r.checkout_attempt = get_int(*j, "checkout_attempt").value_or(0);
  r.refund_attempts = get_int(*j, "refund_attempts").value_or(0);
  r.refund_next_at = get_int(*j, "refund_next_at").value_or(0);
  if (auto it = j->find("refund_gave_up"); it != j->end() && it->is_boolean()) r.refund_gave_up = it->get<bool>();
  r.notify_seq = get_int(*j, "notify_seq").value_or(0);
  r.refund_amount = get_int(*j, "refund_amount").value_or(0);
  r.seats = get_int(*j, "seats").value_or(1);
  if (r.seats < 1 || r.refund_amount < 0) return std::nullopt;
  r.idempotency_key = str_or_empty(*j, "idempotency_key");
  if (r.checkout_attempt < 0 || r.refund_attempts < 0 || r.notify_seq < 0) return std::nullopt;
  r.title = str_or_empty(*j, "title");
  r.price = {*amount, str_or_empty(*price, "currency")};
  r.payment_method_types = strings_from(*j, "payment_method_types");
  r.success_url = str_or_empty(*j, "success_url");
  r.cancel_url = str_or_empty(*j, "cancel_url");
  r.created_at = *created;
  r.updated_at = *updated;
  if (r.span_start > r.start || r.span_end < r.end || r.start >= r.end) return std::nullopt;
  return r;
}

}  // namespace slotguard
