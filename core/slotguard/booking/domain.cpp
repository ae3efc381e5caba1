#include "slotguard/booking/domain.h"

#include <algorithm>
#include <limits>

#include "slotguard/time/time_rfc3339.h"
#include "slotguard/base/utf8.h"

namespace slotguard {

const char* status_name(ReservationStatus s) {
  switch (s) {
    case ReservationStatus::PendingPayment: return "pending_payment";
    case ReservationStatus::Confirmed: return "confirmed";
    case ReservationStatus::Released: return "released";
    case ReservationStatus::Refunded: return "refunded";
    case ReservationStatus::AwaitingApproval: return "awaiting_approval";
  }
  return "released";
}

std::optional<ReservationStatus> parse_status(std::string_view s) {
  if (s == "pending_payment") return ReservationStatus::PendingPayment;
  if (s == "confirmed") return ReservationStatus::Confirmed;
  if (s == "released") return ReservationStatus::Released;
  if (s == "refunded") return ReservationStatus::Refunded;
  if (s == "awaiting_approval") return ReservationStatus::AwaitingApproval;
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

// ---- the event type, one row per member ---------------------------------------------------

namespace {

using fields::Presence;
using fields::Problem;
using fields::Reading;
using fields::Row;
constexpr int64_t kYearMinutes = 365 * 24 * 60;

bool fail(std::string* error, std::string msg) {
  if (error) *error = std::move(msg);
  return false;
}

bool valid_currency(std::string_view c) {
  if (c.size() != 3) return false;
  for (char ch : c)
    if (ch < 'a' || ch > 'z') return false;
  return true;
}

bool invalid(const Row<EventType>& row, const Reading& how) {
  return how.fail(Problem::Kind::Invalid, row.name, std::string(row.hint));
}

// A string member that must also satisfy `valid`.
template <auto M, bool (*Valid)(std::string_view)>
bool read_checked(const Row<EventType>& row, EventType& e, const JsonValue& v, const Reading& how) {
  if (!v.IsString() || !Valid(string_of(v))) return invalid(row, how);
  e.*M = std::string(string_of(v));
  return true;
}

bool valid_title(std::string_view t) { return !t.empty() && t.size() <= 200 && is_valid_utf8(t); }

bool read_price(const Row<EventType>& row, EventType& e, const JsonValue& v, const Reading& how) {
  Price p;
  if (!fields::read_record(Price::rows(), p, v, how)) return fields::nested_problem(row.name, how);
  if (p.amount < 1 || p.amount > 99'999'999)
    return how.fail(Problem::Kind::Invalid, "price.amount", "an integer from 1 to 99999999 (minor units)");
  if (!valid_currency(p.currency)) return how.fail(Problem::Kind::Invalid, "price.currency", "a lower-case ISO 4217 code");
  e.price = std::move(p);
  return true;
}

bool read_methods(const Row<EventType>& row, EventType& e, const JsonValue& arr, const Reading& how) {
  if (!arr.IsArray() || arr.Empty() || arr.Size() > 2) return invalid(row, how);
  std::vector<std::string> out;
  for (const auto& m : arr.GetArray()) {
    const std::string_view s = m.IsString() ? string_of(m) : std::string_view();
    if ((s != "card" && s != "multibanco") || std::find(out.begin(), out.end(), s) != out.end()) return invalid(row, how);
    out.emplace_back(s);
  }
  e.payment_method_types = std::move(out);
  return true;
}

// Stored and shown as the notice in force (the minimum notice when none was set).
void write_reschedule_notice(const Row<EventType>& row, JsonWriter& w, const EventType& e) {
  w.field(row.name, e.reschedule_notice_minutes());
}

// A plain member read by a rule of its own, named in messages by `hint`.
template <auto M>
constexpr Row<EventType> checked(std::string_view name, Presence presence,
                                 bool (*read)(const Row<EventType>&, EventType&, const JsonValue&, const Reading&),
                                 std::string_view hint) {
  Row<EventType> row = fields::member<M>(name, presence);
  row.read = read;
  row.hint = hint;
  return row;
}

constexpr Row<EventType> reschedule_notice_row() {
  Row<EventType> row = fields::bounded<&EventType::reschedule_min_notice_minutes>(
      "reschedule_min_notice_minutes", 0, kYearMinutes, Presence::Always);
  row.write = write_reschedule_notice;
  return row;
}

// `reschedule` as a request gives it: either member may be left out.
struct RescheduleRule {
  int64_t before_minutes = -1;  // -1: not given
  std::optional<int64_t> max_times;
  static fields::Rows<RescheduleRule> rows();
};
constexpr Row<RescheduleRule> kRescheduleRows[] = {
    fields::bounded<&RescheduleRule::before_minutes>("before_minutes", 0, kYearMinutes, Presence::Optional),
    fields::bounded<&RescheduleRule::max_times>("max_times", 0, kMaxRescheduleTimes, Presence::Optional),
};
static_assert(fields::covers<RescheduleRule>(kRescheduleRows));
fields::Rows<RescheduleRule> RescheduleRule::rows() { return kRescheduleRows; }

// The notice goes where reschedule_min_notice_minutes puts it too (event_from_request
// refuses a body where the two disagree); null max_times: no limit.
bool read_reschedule(const Row<EventType>& row, EventType& e, const JsonValue& v, const Reading& how) {
  RescheduleRule rule;
  if (!fields::read_record(RescheduleRule::rows(), rule, v, how)) return fields::nested_problem(row.name, how);
  if (rule.before_minutes >= 0) e.reschedule_min_notice_minutes = rule.before_minutes;
  e.reschedule_max_times = rule.max_times;
  return true;
}

// Shown with the notice in force, as reschedule_min_notice_minutes is.
void write_reschedule(const Row<EventType>& row, JsonWriter& w, const EventType& e) {
  w.key(row.name).object().field("before_minutes", e.reschedule_notice_minutes()).key("max_times");
  if (e.reschedule_max_times) w.value(*e.reschedule_max_times);
  else w.value(nullptr);
  w.end_object();
}

constexpr Row<EventType> reschedule_row() {
  Row<EventType> row = fields::member<&EventType::reschedule_max_times>("reschedule", Presence::Always);
  row.read = read_reschedule;
  row.write = write_reschedule;
  return row;
}

constexpr Row<RefundTier> kRefundTierRows[] = {
    fields::bounded<&RefundTier::before_minutes>("before_minutes", 0, kYearMinutes, Presence::Required),
    fields::bounded<&RefundTier::refund_percent>("refund_percent", 0, 100, Presence::Required),
};
static_assert(fields::covers<RefundTier>(kRefundTierRows));

constexpr Row<CancellationPolicy> kCancellationRows[] = {
    fields::bounded<&CancellationPolicy::tiers>("tiers", 1, kMaxRefundTiers, Presence::Required),
};
static_assert(fields::covers<CancellationPolicy>(kCancellationRows));

constexpr Row<ApprovalPolicy> kApprovalRows[] = {
    fields::member<&ApprovalPolicy::required>("required", Presence::Required),
    fields::bounded<&ApprovalPolicy::respond_within_minutes>("respond_within_minutes", 5, kMaxApprovalMinutes,
                                                             Presence::Always),
};
static_assert(fields::covers<ApprovalPolicy>(kApprovalRows));

constexpr Row<PoolRule> kPoolRows[] = {
    fields::member<&PoolRule::experts>("experts", Presence::Required),
    fields::member<&PoolRule::assign>("assign", Presence::Required),
};
static_assert(fields::covers<PoolRule>(kPoolRows));

constexpr Row<PackOffer> kPackOfferRows[] = {
    fields::bounded<&PackOffer::sessions>("sessions", 1, kMaxPackSessions, Presence::Required),
    fields::member<&PackOffer::price>("price", Presence::Required),
    fields::bounded<&PackOffer::valid_days>("valid_days", 1, kMaxPackValidDays, Presence::Required),
};
static_assert(fields::covers<PackOffer>(kPackOfferRows));

// The packs' prices, once each pack is read: in the event type's currency, within the
// bounds of a price.
std::optional<std::string> packs_problem(const EventType& e) {
  for (size_t i = 0; i < e.packs.size(); ++i) {
    const Price& p = e.packs[i].price;
    const std::string at = "packs[" + std::to_string(i) + "].price.";
    if (p.amount < 1 || p.amount > 99'999'999) return at + "amount must be an integer from 1 to 99999999 (minor units)";
    if (p.currency != e.price.currency) return at + "currency must be the event type's (" + e.price.currency + ")";
    for (size_t j = 0; j < i; ++j)
      if (e.packs[j].sessions == e.packs[i].sessions)
        return "packs[" + std::to_string(i) + "].sessions repeats packs[" + std::to_string(j) + "]'s (one pack of each size)";
  }
  if (!e.packs.empty() && e.requires_approval()) return "packs are not offered for an event type that needs approval";
  return std::nullopt;
}

// A pool's own rules, once its members are read: the problem, or nothing.
std::optional<std::string> pool_problem(const EventType& e) {
  if (!e.pool) return std::nullopt;
  const PoolRule& p = *e.pool;
  if (p.experts.size() < 2 || p.experts.size() > kMaxPoolExperts) return "pool.experts must list 2 to 16 expert ids";
  bool lists_owner = false;
  for (size_t i = 0; i < p.experts.size(); ++i) {
    if (!valid_client_id(p.experts[i])) return "pool.experts must hold expert ids (1 to 64 of A-Z a-z 0-9 _ -)";
    for (size_t j = 0; j < i; ++j)
      if (p.experts[j] == p.experts[i]) return "pool.experts must not repeat: " + p.experts[i];
    lists_owner |= p.experts[i] == e.expert_id;
  }
  if (!lists_owner) return "expert_id must be one of pool.experts (the member the pool is listed under)";
  if (p.assign != "round_robin" && p.assign != "least_booked" && p.assign != "all")
    return "pool.assign must be \"round_robin\", \"least_booked\" or \"all\"";
  return std::nullopt;
}

// The policy's first form, still accepted (and what event types stored before tiers
// hold): the whole price more than refund_before_minutes ahead, refund_percent within.
struct TwoFieldPolicy {
  int64_t refund_before_minutes = 0;
  int64_t refund_percent = 0;
  static fields::Rows<TwoFieldPolicy> rows();
};
constexpr Row<TwoFieldPolicy> kTwoFieldRows[] = {
    fields::bounded<&TwoFieldPolicy::refund_before_minutes>("refund_before_minutes", 0, kYearMinutes, Presence::Required),
    fields::bounded<&TwoFieldPolicy::refund_percent>("refund_percent", 0, 100, Presence::Required),
};
static_assert(fields::covers<TwoFieldPolicy>(kTwoFieldRows));
fields::Rows<TwoFieldPolicy> TwoFieldPolicy::rows() { return kTwoFieldRows; }

// The tiers the two fields mean. Before the start they refund what they always did
// (the whole price, then refund_percent; one millisecond apart at the boundary, which
// now refunds the whole price); after the start nothing, as every policy does now.
CancellationPolicy as_tiers(const TwoFieldPolicy& old) {
  CancellationPolicy p;
  p.tiers.push_back({old.refund_before_minutes, 100});
  if (old.refund_before_minutes > 0) p.tiers.push_back({0, old.refund_percent});
  return p;
}

// Across tiers, once each is valid on its own: each starts later than the one before
// it and gives back no more.
bool tiers_in_order(const CancellationPolicy& p, const Reading& how) {
  for (size_t i = 1; i < p.tiers.size(); ++i) {
    const RefundTier& before = p.tiers[i - 1];
    const std::string at = "tiers[" + std::to_string(i) + "].";
    if (p.tiers[i].before_minutes >= before.before_minutes)
      return how.fail(Problem::Kind::Invalid, at + "before_minutes",
                      "less than " + std::to_string(before.before_minutes) + ", the tier before it's (most generous tier first)");
    if (p.tiers[i].refund_percent > before.refund_percent)
      return how.fail(Problem::Kind::Invalid, at + "refund_percent",
                      "at most " + std::to_string(before.refund_percent) + ", the tier before it's (a later cancellation gets no more back)");
  }
  return true;
}

// null (no cancellation once paid), the tiers, or the two-field form, told apart by
// its fields; a body that mixes the forms is refused by the first unknown field.
bool read_policy(const Row<EventType>& row, EventType& e, const JsonValue& v, const Reading& how) {
  if (v.IsNull()) return e.cancellation.reset(), true;
  CancellationPolicy p;
  if (v.IsObject() && (get_member(v, "refund_before_minutes") || get_member(v, "refund_percent"))) {
    TwoFieldPolicy old;
    if (!fields::read_record(TwoFieldPolicy::rows(), old, v, how)) return fields::nested_problem(row.name, how);
    p = as_tiers(old);
  } else if (!fields::read_record(CancellationPolicy::rows(), p, v, how) || !tiers_in_order(p, how)) {
    return fields::nested_problem(row.name, how);
  }
  e.cancellation = std::move(p);
  return true;
}

// Stored as the API shows it, every member written; a PUT takes the same shape, so a
// GET's event can be PUT back.
constexpr Row<EventType> kEventRows[] = {
    checked<&EventType::id>("id", Presence::Always, read_checked<&EventType::id, valid_client_id>,
                            "1 to 64 of A-Z a-z 0-9 _ -, the same as in the path"),
    checked<&EventType::expert_id>("expert_id", Presence::Required, read_checked<&EventType::expert_id, valid_client_id>,
                                   "1 to 64 of A-Z a-z 0-9 _ -"),
    checked<&EventType::title>("title", Presence::Required, read_checked<&EventType::title, valid_title>,
                               "1 to 200 bytes of UTF-8"),
    fields::bounded<&EventType::duration_minutes>("duration_minutes", 5, 720, Presence::Required),
    fields::bounded<&EventType::buffer_before_minutes>("buffer_before_minutes", 0, 240, Presence::Always),
    fields::bounded<&EventType::buffer_after_minutes>("buffer_after_minutes", 0, 240, Presence::Always),
    fields::bounded<&EventType::slot_step_minutes>("slot_step_minutes", 5, 1440, Presence::Always),
    fields::bounded<&EventType::min_notice_minutes>("min_notice_minutes", 0, kYearMinutes, Presence::Always),
    fields::bounded<&EventType::max_advance_days>("max_advance_days", 1, 730, Presence::Always),
    fields::custom<EventType>("price", Presence::Required, read_price, fields::view_as_stored<&EventType::price>),
    checked<&EventType::payment_method_types>("payment_method_types", Presence::Always, read_methods,
                                              "a non-empty list of \"card\", \"multibanco\""),
    fields::bounded<&EventType::seats>("seats", 1, 500, Presence::Always),
    reschedule_notice_row(),
    reschedule_row(),
    checked<&EventType::cancellation>("cancellation", Presence::Always, read_policy, "null or an object"),
    fields::member<&EventType::approval>("approval", Presence::Optional),
    fields::member<&EventType::limits>("limits", Presence::Optional),
    fields::member<&EventType::pool>("pool", Presence::Optional),
    fields::bounded<&EventType::packs>("packs", 0, kMaxPackOffers, Presence::Optional),
};
static_assert(fields::covers<EventType>(kEventRows));

// The reschedule notice under both its names, unless they agree: neither silently wins
// over the other (a body read back by GET carries both, so a client that changes one
// and PUTs it back is told, not ignored).
std::optional<std::string> notice_named_twice(const JsonValue& body) {
  const JsonValue* rule = get_member(body, "reschedule");
  const std::optional<int64_t> old_name = get_int(body, "reschedule_min_notice_minutes");
  const std::optional<int64_t> new_name = rule && rule->IsObject() ? get_int(*rule, "before_minutes") : std::nullopt;
  if (!old_name || !new_name || *old_name == *new_name) return std::nullopt;
  return "reschedule.before_minutes and reschedule_min_notice_minutes (its older name) disagree: give one, or both the same";
}

// A rule across members, once each member is valid on its own.
std::optional<std::string> cross_member_problem(const EventType& e) {
  if (auto why = pool_problem(e)) return why;
  for (const auto& m : e.payment_method_types) {
    if (m == "multibanco" && e.price.currency != "eur") return "multibanco requires currency eur";
    // Stripe authorizes now and captures later only for cards.
    if (m != "card" && e.requires_approval()) return "approval.required needs payment_method_types [\"card\"]";
  }
  return packs_problem(e);
}

}  // namespace

fields::Rows<RefundTier> RefundTier::rows() { return kRefundTierRows; }
fields::Rows<CancellationPolicy> CancellationPolicy::rows() { return kCancellationRows; }
fields::Rows<ApprovalPolicy> ApprovalPolicy::rows() { return kApprovalRows; }
fields::Rows<PoolRule> PoolRule::rows() { return kPoolRows; }
fields::Rows<PackOffer> PackOffer::rows() { return kPackOfferRows; }
fields::Rows<EventType> event_rows() { return kEventRows; }

std::optional<EventType> event_from_request(const JsonValue& body, std::string_view path_id, std::string* error) {
  if (!body.IsObject()) return fail(error, "body must be a JSON object"), std::nullopt;
  EventType e;
  e.id = std::string(path_id);
  if (!valid_client_id(e.id)) return fail(error, "event id must match [A-Za-z0-9_-]{1,64}"), std::nullopt;
  Problem problem;
  if (!fields::read_record<EventType>(kEventRows, e, body, Reading{true, &problem}))
    return fail(error, problem.message()), std::nullopt;
  if (e.id != path_id) return fail(error, "id in the body must match the path"), std::nullopt;
  if (auto why = notice_named_twice(body)) return fail(error, *why), std::nullopt;
  if (auto why = cross_member_problem(e)) return fail(error, *why), std::nullopt;
  return e;
}

void write_event(JsonWriter& w, const EventType& e) { fields::write_record<EventType>(kEventRows, w, e); }

std::string event_to_storage(const EventType& e) {
  JsonWriter w;
  write_event(w, e);
  return w.take();
}

// Stored events are their API shape, held to the same rules as a request.
std::optional<EventType> event_from_storage(std::string_view text) {
  auto j = parse_json(text, 4);
  EventType e;
  if (!j || !fields::read_record<EventType>(kEventRows, e, *j) || e.id.empty() || cross_member_problem(e))
    return std::nullopt;
  return e;
}

// ---- the reservation, its guest and its price, one row per member -----------------------

namespace {

using fields::bounded;
using fields::member;
using fields::Presence;
using fields::Row;
using fields::view_as_stored;
using fields::view_or_null;
using fields::view_unless_empty;
constexpr auto Required = Presence::Required;
constexpr auto Optional = Presence::Optional;
constexpr int64_t kMaxCount = std::numeric_limits<int64_t>::max();

// A list of ids shown only when it has any: a series' members (lead first; nothing
// for a single booking), a collective meeting's other members.
template <auto M>
void view_ids(const Row<Reservation>& row, JsonWriter& w, const Reservation& r) {
  const std::vector<std::string>& ids = r.*M;
  if (ids.empty()) return;
  w.key(row.name).array();
  for (const auto& id : ids) w.value(id);
  w.end_array();
}

// While it awaits approval: until when the expert may answer; once answered, what
// was decided. Nothing for a booking that needs no approval.
void view_approval(const Row<Reservation>&, JsonWriter& w, const Reservation& r) {
  if (r.approval_minutes == 0) return;
  w.key("approval").object().field("respond_within_minutes", r.approval_minutes).key("respond_by");
  if (r.status == ReservationStatus::AwaitingApproval) w.value(format_rfc3339(r.expires_at));
  else w.value(nullptr);
  w.key("decision");
  if (r.approval_decision.empty()) w.value(nullptr);
  else w.value(r.approval_decision);
  w.end_object();
}

bool read_decision(const Row<Reservation>& row, Reservation& r, const JsonValue& v, const fields::Reading& how) {
  const std::string_view d = v.IsString() ? string_of(v) : std::string_view("?");
  if (d != "" && d != "approve" && d != "decline") return how.fail(fields::Problem::Kind::Invalid, row.name, "approve or decline");
  r.approval_decision = std::string(d);
  return true;
}

void write_decision(const Row<Reservation>& row, JsonWriter& w, const Reservation& r) {
  if (!r.approval_decision.empty()) w.field(row.name, r.approval_decision);
}

// Only a booking paid with a pack's credit says whether its cancellation gave it back.
void view_credit(const Row<Reservation>& row, JsonWriter& w, const Reservation& r) {
  if (!r.pack_id.empty()) w.field(row.name, r.credit_returned);
}

// Only a pending hold has an expiry a guest can act on.
void view_expiry(const Row<Reservation>& row, JsonWriter& w, const Reservation& r) {
  w.key(row.name);
  if (r.status == ReservationStatus::PendingPayment) w.value(format_rfc3339(r.expires_at));
  else w.value(nullptr);
}

bool read_status(const Row<Reservation>& row, Reservation& r, const JsonValue& v, const fields::Reading& how) {
  const std::optional<ReservationStatus> st = v.IsString() ? parse_status(string_of(v)) : std::nullopt;
  if (!st) return how.fail(fields::Problem::Kind::Invalid, row.name, "a reservation status");
  r.status = *st;
  return true;
}

void write_status(const Row<Reservation>& row, JsonWriter& w, const Reservation& r) {
  w.field(row.name, status_name(r.status));
}

// What was refunded, shown once the reservation is refunded.
void view_refund(const Row<Reservation>&, JsonWriter& w, const Reservation& r) {
  if (r.status != ReservationStatus::Refunded) return;
  w.key("refund").object().field("amount", r.refund_amount).field("currency", r.price.currency).end_object();
}

// The terms, as the API shows them: null when the guest cannot cancel once paid, else
// their tiers as instants ({until, refund_percent}; until null: no end).
void view_terms(const Row<Reservation>& row, JsonWriter& w, const Reservation& r) {
  if (!r.cancellation) return;
  w.key(row.name);
  if (!r.cancellation->allowed) {
    w.value(nullptr);
    return;
  }
  w.object().key("tiers").array();
  for (const RefundWindow& win : r.cancellation->windows) {
    w.object().key("until");
    if (win.until_ms == kForeverMs) w.value(nullptr);
    else w.value(format_rfc3339(win.until_ms));
    w.field("refund_percent", win.refund_percent).end_object();
  }
  w.end_array().end_object();
}

constexpr Row<RefundWindow> kWindowRows[] = {
    member<&RefundWindow::until_ms>("until", Required),
    bounded<&RefundWindow::refund_percent>("refund_percent", 0, 100, Required),
};
static_assert(fields::covers<RefundWindow>(kWindowRows));

constexpr Row<CancellationTerms> kTermsRows[] = {
    member<&CancellationTerms::allowed>("allowed", Required),
    bounded<&CancellationTerms::windows>("tiers", 0, kMaxRefundTiers, Required),
};
static_assert(fields::covers<CancellationTerms>(kTermsRows));

// Terms as reservations held before tiers stored them: the whole price before
// full_refund_until, late_refund_percent from then on, even after the start.
struct TermsBeforeTiers {
  bool allowed = false;
  int64_t full_refund_until = 0;
  int64_t late_refund_percent = 0;
  static fields::Rows<TermsBeforeTiers> rows();
};
constexpr Row<TermsBeforeTiers> kTermsBeforeTiersRows[] = {
    member<&TermsBeforeTiers::allowed>("allowed", Required),
    member<&TermsBeforeTiers::full_refund_until>("full_refund_until", Required),
    bounded<&TermsBeforeTiers::late_refund_percent>("late_refund_percent", 0, 100, Required),
};
static_assert(fields::covers<TermsBeforeTiers>(kTermsBeforeTiersRows));
fields::Rows<TermsBeforeTiers> TermsBeforeTiers::rows() { return kTermsBeforeTiersRows; }

// The same terms as windows, to the millisecond.
CancellationTerms as_windows(const TermsBeforeTiers& old) {
  CancellationTerms t;
  t.allowed = old.allowed;
  if (!old.allowed) return t;
  t.windows.push_back({old.full_refund_until - 1, 100});
  t.windows.push_back({kForeverMs, old.late_refund_percent});
  return t;
}

// null (no terms recorded), the windows, or the shape stored before tiers.
bool read_terms(const Row<Reservation>& row, Reservation& r, const JsonValue& v, const fields::Reading& how) {
  if (v.IsNull()) return r.cancellation.reset(), true;
  CancellationTerms t;
  if (v.IsObject() && get_member(v, "full_refund_until")) {
    TermsBeforeTiers old;
    if (!fields::read_record(TermsBeforeTiers::rows(), old, v, how)) return fields::nested_problem(row.name, how);
    t = as_windows(old);
  } else if (!fields::read_record(CancellationTerms::rows(), t, v, how)) {
    return fields::nested_problem(row.name, how);
  }
  r.cancellation = std::move(t);
  return true;
}

constexpr Row<Reservation> terms_row() {
  Row<Reservation> row = member<&Reservation::cancellation>("cancellation", Optional, view_terms);
  row.read = read_terms;
  return row;
}

constexpr Row<Guest> kGuestRows[] = {
    member<&Guest::email>("email", Required, view_as_stored<&Guest::email>),
    member<&Guest::name>("name", Required, view_as_stored<&Guest::name>),
};
static_assert(fields::covers<Guest>(kGuestRows));

constexpr Row<Price> kPriceRows[] = {
    member<&Price::amount>("amount", Required, view_as_stored<&Price::amount>),
    member<&Price::currency>("currency", Optional, view_as_stored<&Price::currency>),
};
static_assert(fields::covers<Price>(kPriceRows));

// Stored in this order; the API shows the rows that have a view, in the same order.
constexpr Row<Reservation> kReservationRows[] = {
    member<&Reservation::id>("id", Required, view_as_stored<&Reservation::id>),
    member<&Reservation::event_id>("event_id", Optional, view_as_stored<&Reservation::event_id>),
    member<&Reservation::expert_id>("expert_id", Optional, view_as_stored<&Reservation::expert_id>),
    member<&Reservation::start>("start", Required, view_time<&Reservation::start>),
    member<&Reservation::end>("end", Required, view_time<&Reservation::end>),
    member<&Reservation::span_start>("span_start", Required),
    member<&Reservation::span_end>("span_end", Required),
    member<&Reservation::guest>("guest", Required, view_as_stored<&Reservation::guest>),
    fields::custom<Reservation>("status", Required, read_status, write_status, write_status),
    member<&Reservation::expires_at>("expires_at", Required, view_expiry),
    member<&Reservation::session_expires_at>("session_expires_at", Required),
    member<&Reservation::release_reason>("release_reason", Optional, view_unless_empty<&Reservation::release_reason>),
    member<&Reservation::checkout_session_id>("checkout_session_id", Optional,
                                              view_or_null<&Reservation::checkout_session_id>),
    member<&Reservation::checkout_url>("checkout_url"),
    member<&Reservation::payment_intent_id>("payment_intent_id", Optional, view_or_null<&Reservation::payment_intent_id>),
    member<&Reservation::refund_id>("refund_id"),
    bounded<&Reservation::checkout_attempt>("checkout_attempt", 0, kMaxCount),
    bounded<&Reservation::refund_attempts>("refund_attempts", 0, kMaxCount),
    member<&Reservation::refund_next_at>("refund_next_at"),
    member<&Reservation::refund_gave_up>("refund_gave_up"),
    member<&Reservation::title>("title"),
    member<&Reservation::price>("price", Required),
    member<&Reservation::payment_method_types>("payment_method_types"),
    member<&Reservation::success_url>("success_url"),
    member<&Reservation::cancel_url>("cancel_url"),
    member<&Reservation::created_at>("created_at", Required, view_time<&Reservation::created_at>),
    member<&Reservation::updated_at>("updated_at", Required, view_time<&Reservation::updated_at>),
    bounded<&Reservation::notify_seq>("notify_seq", 0, kMaxCount),
    bounded<&Reservation::refund_amount>("refund_amount", 0, kMaxCount, Optional, view_refund),
    bounded<&Reservation::seats>("seats", 1, kMaxCount),
    member<&Reservation::idempotency_key>("idempotency_key"),
    member<&Reservation::confirmed_at>("confirmed_at"),
    terms_row(),
    bounded<&Reservation::reschedule_count>("reschedule_count", 0, kMaxCount, Optional, view_as_stored<&Reservation::reschedule_count>),
    bounded<&Reservation::approval_minutes>("approval_minutes", 0, kMaxApprovalMinutes, Optional, view_approval),
    fields::custom<Reservation>("approval_decision", Optional, read_decision, write_decision),
    member<&Reservation::transfer_destination>("transfer_destination"),
    bounded<&Reservation::application_fee>("application_fee", 0, kMaxCount),
    member<&Reservation::on_behalf_of>("on_behalf_of"),
    member<&Reservation::counted_in>("counted_in"),
    member<&Reservation::event_caps>("event_caps"),
    member<&Reservation::expert_caps>("expert_caps"),
    member<&Reservation::series_id>("series_id", Optional, view_unless_empty<&Reservation::series_id>),
    member<&Reservation::series>("series", Optional, view_ids<&Reservation::series>),
    member<&Reservation::pack_id>("pack_id", Optional, view_unless_empty<&Reservation::pack_id>),
    member<&Reservation::credit_returned>("credit_returned", Optional, view_credit),
    member<&Reservation::team>("team", Optional, view_ids<&Reservation::team>),
};
static_assert(fields::covers<Reservation>(kReservationRows));

// What every record slotguard writes satisfies across its fields.
bool consistent(const Reservation& r) { return r.span_start <= r.start && r.span_end >= r.end && r.start < r.end; }

}  // namespace

fields::Rows<RefundWindow> RefundWindow::rows() { return kWindowRows; }
fields::Rows<CancellationTerms> CancellationTerms::rows() { return kTermsRows; }
fields::Rows<Guest> Guest::rows() { return kGuestRows; }

CancellationTerms cancellation_terms(const std::optional<CancellationPolicy>& policy, int64_t first_start_ms) {
  CancellationTerms t;
  if (!policy) return t;
  t.allowed = true;
  for (const RefundTier& tier : policy->tiers)
    t.windows.push_back({first_start_ms - tier.before_minutes * kMinuteMs, tier.refund_percent});
  return t;
}
fields::Rows<Price> Price::rows() { return kPriceRows; }
fields::Rows<Reservation> reservation_rows() { return kReservationRows; }

void write_reservation_view(JsonWriter& w, const Reservation& r) { fields::write_view<Reservation>(kReservationRows, w, r); }

// Optional fields at their default (an empty string, a zero count, false, one seat)
// are left out: the reader restores the default, and a record that is a third smaller
// is a third fewer bytes for the store to write.
std::string reservation_to_storage(const Reservation& r) {
  JsonWriter w;
  fields::write_record<Reservation>(kReservationRows, w, r);
  return w.take();
}

std::optional<Reservation> reservation_from_storage(std::string_view text) {
  auto j = parse_json(text, 4);
  Reservation r;
  if (!j || !fields::read_record<Reservation>(kReservationRows, r, *j) || !consistent(r)) return std::nullopt;
  return r;
}

}  // namespace slotguard
