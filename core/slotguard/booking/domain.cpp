#include "slotguard/booking/domain.h"

#include "slotguard/time/time_rfc3339.h"
#include "slotguard/base/utf8.h"

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

bool reservation_id_shape(std::string_view id) {
  constexpr std::string_view kPrefix = "rsv_";
  if (id.size() < kPrefix.size() + 8 || id.size() > kPrefix.size() + 64 || id.substr(0, kPrefix.size()) != kPrefix)
    return false;
  for (char c : id.substr(kPrefix.size()))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

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

std::optional<std::string_view> string_if(const JsonValue* v) {
  if (!v || !v->IsString()) return std::nullopt;
  return string_of(*v);
}

// A string member's text, empty when it is no string.
void assign_string(std::string& out, const JsonValue& v) {
  if (v.IsString()) out.assign(v.GetString(), v.GetStringLength());
  else out.clear();
}

// `v` is the member named `key`, nullptr when absent.
bool read_bounded(const JsonValue* v, const char* key, int64_t lo, int64_t hi, int64_t& out, bool required,
                  std::string* error) {
  if (!v) return required ? fail(error, std::string(key) + " is required") : true;
  auto n = int_of(*v);
  if (!n || *n < lo || *n > hi)
    return fail(error, std::string(key) + " must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  out = *n;
  return true;
}

bool valid_currency(std::string_view c) {
  if (c.size() != 3) return false;
  for (char ch : c)
    if (ch < 'a' || ch > 'z') return false;
  return true;
}

bool read_methods(const JsonValue& arr, std::vector<std::string>& out) {
  if (!arr.IsArray() || arr.Empty() || arr.Size() > 2) return false;
  out.clear();
  for (const auto& m : arr.GetArray()) {
    if (!m.IsString()) return false;
    const std::string_view s = string_of(m);
    if (s != "card" && s != "multibanco") return false;
    for (const auto& seen : out)
      if (seen == s) return false;
    out.emplace_back(s);
  }
  return true;
}

void write_strings(JsonWriter& w, const std::vector<std::string>& v) {
  w.array();
  for (const auto& s : v) w.value(s);
  w.end_array();
}

// The string elements of an array (others skipped); empty when it is no array.
void assign_strings(std::vector<std::string>& out, const JsonValue& v) {
  out.clear();
  if (!v.IsArray()) return;
  for (const auto& s : v.GetArray())
    if (s.IsString()) out.emplace_back(string_of(s));
}

void write_price(JsonWriter& w, const Price& p) {
  w.key("price").object().field("amount", p.amount).field("currency", p.currency).end_object();
}

// The members of an event definition, found in one pass (nullptr: absent).
struct EventFields {
  const JsonValue *id = nullptr, *expert_id = nullptr, *title = nullptr, *duration = nullptr, *buffer_before = nullptr,
                  *buffer_after = nullptr, *slot_step = nullptr, *min_notice = nullptr, *max_advance = nullptr,
                  *price = nullptr, *methods = nullptr, *seats = nullptr, *reschedule = nullptr, *cancellation = nullptr;
  UnknownField unknown;
};

EventFields event_fields(const JsonValue& body) {
  EventFields f;
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    const std::string_view k = string_of(it->name);
    const JsonValue* v = &it->value;
    if (k == "id") f.id = v;
    else if (k == "expert_id") f.expert_id = v;
    else if (k == "title") f.title = v;
    else if (k == "duration_minutes") f.duration = v;
    else if (k == "buffer_before_minutes") f.buffer_before = v;
    else if (k == "buffer_after_minutes") f.buffer_after = v;
    else if (k == "slot_step_minutes") f.slot_step = v;
    else if (k == "min_notice_minutes") f.min_notice = v;
    else if (k == "max_advance_days") f.max_advance = v;
    else if (k == "price") f.price = v;
    else if (k == "payment_method_types") f.methods = v;
    else if (k == "seats") f.seats = v;
    else if (k == "reschedule_min_notice_minutes") f.reschedule = v;
    else if (k == "cancellation") f.cancellation = v;
    else f.unknown.note(k);
  }
  return f;
}

std::optional<EventType> event_from_fields(const EventFields& f, std::string_view path_id, std::string* error) {
  EventType e;
  e.id = std::string(path_id);
  if (!valid_client_id(e.id)) return fail(error, "event id must match [A-Za-z0-9_-]{1,64}"), std::nullopt;
  if (f.id) {
    auto id = string_if(f.id);
    if (!id || *id != e.id) return fail(error, "id in the body must match the path"), std::nullopt;
  }
  auto expert = string_if(f.expert_id);
  if (!expert || !valid_client_id(*expert))
    return fail(error, "expert_id is required and must match [A-Za-z0-9_-]{1,64}"), std::nullopt;
  e.expert_id = *expert;
  auto title = string_if(f.title);
  if (!title || title->empty() || title->size() > 200 || !is_valid_utf8(*title))
    return fail(error, "title is required (1 to 200 bytes)"), std::nullopt;
  e.title = *title;
  if (!read_bounded(f.duration, "duration_minutes", 5, 720, e.duration_minutes, true, error) ||
      !read_bounded(f.buffer_before, "buffer_before_minutes", 0, 240, e.buffer_before_minutes, false, error) ||
      !read_bounded(f.buffer_after, "buffer_after_minutes", 0, 240, e.buffer_after_minutes, false, error) ||
      !read_bounded(f.slot_step, "slot_step_minutes", 5, 1440, e.slot_step_minutes, false, error) ||
      !read_bounded(f.min_notice, "min_notice_minutes", 0, 365 * 24 * 60, e.min_notice_minutes, false, error) ||
      !read_bounded(f.max_advance, "max_advance_days", 1, 730, e.max_advance_days, false, error))
    return std::nullopt;
  if (!f.price || !f.price->IsObject()) return fail(error, "price {amount, currency} is required"), std::nullopt;
  auto amount = get_int(*f.price, "amount");
  auto currency = get_string(*f.price, "currency");
  if (!amount || *amount < 1 || *amount > 99'999'999)
    return fail(error, "price.amount must be an integer from 1 to 99999999 (minor units)"), std::nullopt;
  if (!currency || !valid_currency(*currency))
    return fail(error, "price.currency must be a lower-case ISO 4217 code"), std::nullopt;
  e.price = {*amount, std::string(*currency)};
  if (f.methods && !read_methods(*f.methods, e.payment_method_types))
    return fail(error, "payment_method_types must be a non-empty list of \"card\", \"multibanco\""), std::nullopt;
  for (const auto& m : e.payment_method_types)
    if (m == "multibanco" && e.price.currency != "eur")
      return fail(error, "multibanco requires currency eur"), std::nullopt;
  if (!read_bounded(f.seats, "seats", 1, 500, e.seats, false, error) ||
      !read_bounded(f.reschedule, "reschedule_min_notice_minutes", 0, 365 * 24 * 60, e.reschedule_min_notice_minutes,
                    false, error))
    return std::nullopt;
  if (const JsonValue* c = f.cancellation; c && !c->IsNull()) {
    if (!c->IsObject()) return fail(error, "cancellation must be {refund_before_minutes, refund_percent} or null"), std::nullopt;
    e.cancellable = true;
    if (!read_bounded(get_member(*c, "refund_before_minutes"), "refund_before_minutes", 0, 365 * 24 * 60,
                      e.refund_before_minutes, true, error) ||
        !read_bounded(get_member(*c, "refund_percent"), "refund_percent", 0, 100, e.refund_percent, true, error))
      return std::nullopt;
  }
  return e;
}

// A field an event definition does not take, at any depth. The top level is what
// event_fields reads (the fields write_event shows, so a GET's event can be PUT back).
std::optional<std::string> unknown_event_field(const EventFields& f) {
  if (auto unknown = f.unknown.message()) return unknown;
  if (f.price)
    if (auto unknown = unknown_field(*f.price, {"amount", "currency"}, "price.")) return unknown;
  if (f.cancellation)
    if (auto unknown = unknown_field(*f.cancellation, {"refund_before_minutes", "refund_percent"}, "cancellation."))
      return unknown;
  return std::nullopt;
}

}  // namespace

std::optional<EventType> event_from_request(const JsonValue& body, std::string_view path_id, std::string* error) {
  if (!body.IsObject()) return fail(error, "body must be a JSON object"), std::nullopt;
  const EventFields fields = event_fields(body);
  if (auto unknown = unknown_event_field(fields)) return fail(error, *unknown), std::nullopt;
  return event_from_fields(fields, path_id, error);
}

void write_event(JsonWriter& w, const EventType& e) {
  w.object()
      .field("id", e.id)
      .field("expert_id", e.expert_id)
      .field("title", e.title)
      .field("duration_minutes", e.duration_minutes)
      .field("buffer_before_minutes", e.buffer_before_minutes)
      .field("buffer_after_minutes", e.buffer_after_minutes)
      .field("slot_step_minutes", e.slot_step_minutes)
      .field("min_notice_minutes", e.min_notice_minutes)
      .field("max_advance_days", e.max_advance_days);
  write_price(w, e.price);
  w.key("payment_method_types");
  write_strings(w, e.payment_method_types);
  w.field("seats", e.seats).field("reschedule_min_notice_minutes", e.reschedule_notice_minutes()).key("cancellation");
  if (e.cancellable)
    w.object().field("refund_before_minutes", e.refund_before_minutes).field("refund_percent", e.refund_percent).end_object();
  else
    w.value(nullptr);
  w.end_object();
}

std::string event_to_storage(const EventType& e) {
  JsonWriter w;
  write_event(w, e);
  return w.take();
}

// Stored events are their API shape, validated again as a request would be.
std::optional<EventType> event_from_storage(std::string_view text) {
  auto j = parse_json(text, 4);
  if (!j || !j->IsObject()) return std::nullopt;
  const EventFields f = event_fields(*j);
  auto id = string_if(f.id);
  if (!id) return std::nullopt;
  std::string ignored;
  return event_from_fields(f, *id, &ignored);
}

void write_reservation_view(JsonWriter& w, const Reservation& r) {
  w.object()
      .field("id", r.id)
      .field("event_id", r.event_id)
      .field("expert_id", r.expert_id)
      .field("start", format_rfc3339(r.start))
      .field("end", format_rfc3339(r.end))
      .key("guest")
      .object()
      .field("email", r.guest.email)
      .field("name", r.guest.name)
      .end_object()
      .field("status", status_name(r.status))
      .key("expires_at");
  if (r.status == ReservationStatus::PendingPayment) w.value(format_rfc3339(r.expires_at));
  else w.value(nullptr);
  w.field_or_null("checkout_session_id", r.checkout_session_id)
      .field_or_null("payment_intent_id", r.payment_intent_id)
      .field("created_at", format_rfc3339(r.created_at))
      .field("updated_at", format_rfc3339(r.updated_at));
  if (!r.release_reason.empty()) w.field("release_reason", r.release_reason);
  if (r.status == ReservationStatus::Refunded)
    w.key("refund").object().field("amount", r.refund_amount).field("currency", r.price.currency).end_object();
  w.end_object();
}

// Fields at their default (an empty string, a zero count, false, one seat) are left
// out: the reader restores the default, every reader since these fields existed does,
// and a record that is a third smaller is a third fewer bytes for the store to write.
std::string reservation_to_storage(const Reservation& r) {
  JsonWriter w;
  auto text = [&w](const char* key, const std::string& v) {
    if (!v.empty()) w.field(key, v);
  };
  auto count = [&w](const char* key, int64_t v, int64_t default_value = 0) {
    if (v != default_value) w.field(key, v);
  };
  w.object().field("id", r.id);
  text("event_id", r.event_id);
  text("expert_id", r.expert_id);
  w.field("start", r.start)
      .field("end", r.end)
      .field("span_start", r.span_start)
      .field("span_end", r.span_end)
      .key("guest")
      .object()
      .field("email", r.guest.email)
      .field("name", r.guest.name)
      .end_object()
      .field("status", status_name(r.status))
      .field("expires_at", r.expires_at)
      .field("session_expires_at", r.session_expires_at);
  text("release_reason", r.release_reason);
  text("checkout_session_id", r.checkout_session_id);
  text("checkout_url", r.checkout_url);
  text("payment_intent_id", r.payment_intent_id);
  text("refund_id", r.refund_id);
  count("checkout_attempt", r.checkout_attempt);
  count("refund_attempts", r.refund_attempts);
  count("refund_next_at", r.refund_next_at);
  if (r.refund_gave_up) w.field("refund_gave_up", true);
  text("title", r.title);
  write_price(w, r.price);
  w.key("payment_method_types");
  write_strings(w, r.payment_method_types);
  text("success_url", r.success_url);
  text("cancel_url", r.cancel_url);
  w.field("created_at", r.created_at).field("updated_at", r.updated_at);
  count("notify_seq", r.notify_seq);
  count("refund_amount", r.refund_amount);
  count("seats", r.seats, 1);
  text("idempotency_key", r.idempotency_key);
  return w.end_object().take();
}

namespace {

// A stored price's amount (nothing when absent or mistyped); its currency into `currency`.
std::optional<int64_t> stored_price(const JsonValue& price, std::string& currency) {
  std::optional<int64_t> amount;
  for (auto it = price.MemberBegin(); it != price.MemberEnd(); ++it) {
    const std::string_view k = string_of(it->name);
    if (k == "amount") amount = int_of(it->value);
    else if (k == "currency") assign_string(currency, it->value);
  }
  return amount;
}

Guest stored_guest(const JsonValue& guest) {
  Guest g;
  for (auto it = guest.MemberBegin(); it != guest.MemberEnd(); ++it) {
    const std::string_view k = string_of(it->name);
    if (k == "email") assign_string(g.email, it->value);
    else if (k == "name") assign_string(g.name, it->value);
  }
  return g;
}

// What every record slotguard writes satisfies; a record that does not is unreadable.
bool consistent(const Reservation& r) {
  if (r.seats < 1 || r.refund_amount < 0) return false;
  if (r.checkout_attempt < 0 || r.refund_attempts < 0 || r.notify_seq < 0) return false;
  return r.span_start <= r.start && r.span_end >= r.end && r.start < r.end;
}

}  // namespace

std::optional<Reservation> reservation_from_storage(std::string_view text) {
  auto j = parse_json(text, 4);
  if (!j || !j->IsObject()) return std::nullopt;
  Reservation r;
  // Required; every other member is empty (or its default) when absent or mistyped.
  std::optional<std::string_view> id, status;
  const JsonValue *guest = nullptr, *price = nullptr;
  std::optional<int64_t> start, end, ss, se, exp, sexp, created, updated;
  for (auto it = j->MemberBegin(); it != j->MemberEnd(); ++it) {
    const std::string_view k = string_of(it->name);
    const JsonValue& v = it->value;
    if (k == "id") id = string_if(&v);
    else if (k == "event_id") assign_string(r.event_id, v);
    else if (k == "expert_id") assign_string(r.expert_id, v);
    else if (k == "start") start = int_of(v);
    else if (k == "end") end = int_of(v);
    else if (k == "span_start") ss = int_of(v);
    else if (k == "span_end") se = int_of(v);
    else if (k == "guest") guest = v.IsObject() ? &v : nullptr;
    else if (k == "status") status = string_if(&v);
    else if (k == "release_reason") assign_string(r.release_reason, v);
    else if (k == "expires_at") exp = int_of(v);
    else if (k == "session_expires_at") sexp = int_of(v);
    else if (k == "checkout_session_id") assign_string(r.checkout_session_id, v);
    else if (k == "checkout_url") assign_string(r.checkout_url, v);
    else if (k == "payment_intent_id") assign_string(r.payment_intent_id, v);
    else if (k == "refund_id") assign_string(r.refund_id, v);
    // Absent in records written before these fields existed: zero is their meaning.
    else if (k == "checkout_attempt") r.checkout_attempt = int_of(v).value_or(0);
    else if (k == "refund_attempts") r.refund_attempts = int_of(v).value_or(0);
    else if (k == "refund_next_at") r.refund_next_at = int_of(v).value_or(0);
    else if (k == "refund_gave_up") r.refund_gave_up = v.IsBool() && v.GetBool();
    else if (k == "notify_seq") r.notify_seq = int_of(v).value_or(0);
    else if (k == "refund_amount") r.refund_amount = int_of(v).value_or(0);
    else if (k == "seats") r.seats = int_of(v).value_or(1);
    else if (k == "idempotency_key") assign_string(r.idempotency_key, v);
    else if (k == "title") assign_string(r.title, v);
    else if (k == "price") price = v.IsObject() ? &v : nullptr;
    else if (k == "payment_method_types") assign_strings(r.payment_method_types, v);
    else if (k == "success_url") assign_string(r.success_url, v);
    else if (k == "cancel_url") assign_string(r.cancel_url, v);
    else if (k == "created_at") created = int_of(v);
    else if (k == "updated_at") updated = int_of(v);
  }
  if (!id || !status || !guest || !price || !start || !end || !ss || !se || !exp || !sexp || !created || !updated)
    return std::nullopt;
  auto st = parse_status(*status);
  std::optional<int64_t> amount = stored_price(*price, r.price.currency);
  if (!st || !amount) return std::nullopt;
  r.guest = stored_guest(*guest);
  r.id = *id;
  r.status = *st;
  r.price.amount = *amount;
  r.start = *start;
  r.end = *end;
  r.span_start = *ss;
  r.span_end = *se;
  r.expires_at = *exp;
  r.session_expires_at = *sexp;
  r.created_at = *created;
  r.updated_at = *updated;
  if (!consistent(r)) return std::nullopt;
  return r;
}

}  // namespace slotguard
