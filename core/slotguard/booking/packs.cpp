#include "slotguard/booking/packs.h"

#include <limits>

#include "slotguard/time/time_rfc3339.h"

namespace slotguard {

namespace {

using fields::Presence;
using fields::Row;
constexpr auto Required = Presence::Required;
constexpr auto Optional = Presence::Optional;

// The one list of a pack's statuses, in enum order.
constexpr const char* kStatusNames[] = {"pending_payment", "active", "lapsed"};

bool read_status(const Row<Pack>& row, Pack& p, const JsonValue& v, const fields::Reading& how) {
  const std::string_view name = v.IsString() ? string_of(v) : std::string_view();
  for (size_t i = 0; i < std::size(kStatusNames); ++i)
    if (name == kStatusNames[i]) return p.status = static_cast<PackStatus>(i), true;
  return how.fail(fields::Problem::Kind::Invalid, row.name, "a pack status");
}

void write_status(const Row<Pack>& row, JsonWriter& w, const Pack& p) { w.field(row.name, pack_status_name(p.status)); }

// Credits left, and until when they may be used (null before the payment).
void view_credits(const Row<Pack>&, JsonWriter& w, const Pack& p) {
  w.field("credits_left", p.credits_left()).key("expires_at");
  if (p.status == PackStatus::Active) w.value(format_rfc3339(p.expires_at));
  else w.value(nullptr);
}

// Only a pack waiting for its payment has a checkout to send the guest to.
void view_checkout(const Row<Pack>& row, JsonWriter& w, const Pack& p) {
  w.key(row.name);
  if (p.status == PackStatus::PendingPayment && !p.checkout_url.empty()) w.value(p.checkout_url);
  else w.value(nullptr);
}

using fields::bounded;
using fields::member;
using fields::view_as_stored;

// Stored in this order; the API shows the rows that have a view, in the same order.
constexpr Row<Pack> kPackRows[] = {
    member<&Pack::id>("id", Required, view_as_stored<&Pack::id>),
    member<&Pack::event_id>("event_id", Required, view_as_stored<&Pack::event_id>),
    member<&Pack::expert_id>("expert_id", Required, view_as_stored<&Pack::expert_id>),
    member<&Pack::guest>("guest", Required, view_as_stored<&Pack::guest>),
    fields::custom<Pack>("status", Required, read_status, write_status, write_status),
    bounded<&Pack::sessions>("sessions", 1, kMaxPackSessions, Required, view_as_stored<&Pack::sessions>),
    bounded<&Pack::used>("used", 0, kMaxPackSessions, Optional, view_credits),
    member<&Pack::price>("price", Required, view_as_stored<&Pack::price>),
    bounded<&Pack::valid_days>("valid_days", 1, kMaxPackValidDays, Required, view_as_stored<&Pack::valid_days>),
    member<&Pack::created_at>("created_at", Required, view_time<&Pack::created_at>),
    member<&Pack::updated_at>("updated_at", Required),
    member<&Pack::session_expires_at>("session_expires_at"),
    member<&Pack::paid_at>("paid_at"),
    member<&Pack::expires_at>("expires_at"),
    member<&Pack::checkout_session_id>("checkout_session_id"),
    member<&Pack::checkout_url>("checkout_url", Optional, view_checkout),
    member<&Pack::payment_intent_id>("payment_intent_id"),
    member<&Pack::success_url>("success_url"),
    member<&Pack::cancel_url>("cancel_url"),
    member<&Pack::idempotency_key>("idempotency_key"),
};
static_assert(fields::covers<Pack>(kPackRows));

// E-mail addresses compare without regard to the case of ASCII letters.
bool same_email(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

const char* pack_status_name(PackStatus s) { return kStatusNames[static_cast<size_t>(s)]; }

fields::Rows<Pack> pack_rows() { return kPackRows; }

std::string pack_to_storage(const Pack& p) {
  JsonWriter w;
  fields::write_record<Pack>(kPackRows, w, p);
  return w.take();
}

std::optional<Pack> pack_from_storage(std::string_view text) {
  auto j = parse_json(text, 6);
  Pack p;
  if (!j || !fields::read_record<Pack>(kPackRows, p, *j)) return std::nullopt;
  if (p.used > p.sessions) return std::nullopt;  // never written: refuse to guess
  return p;
}

void write_pack_view(JsonWriter& w, const Pack& p) { fields::write_view<Pack>(kPackRows, w, p); }

CreditRefusal credit_refusal(const Pack& p, std::string_view event_id, std::string_view guest_email, int64_t now_ms) {
  if (p.event_id != event_id) return CreditRefusal::OtherEvent;
  if (!same_email(p.guest.email, guest_email)) return CreditRefusal::OtherGuest;
  if (p.status == PackStatus::PendingPayment) return CreditRefusal::NotPaid;
  if (p.status == PackStatus::Lapsed) return CreditRefusal::Lapsed;
  if (now_ms >= p.expires_at) return CreditRefusal::Expired;
  if (p.credits_left() <= 0) return CreditRefusal::UsedUp;
  return CreditRefusal::None;
}

std::string_view credit_refusal_message(CreditRefusal why) {
  switch (why) {
    case CreditRefusal::None: return "";
    case CreditRefusal::NotPaid: return "this pack is not paid yet";
    case CreditRefusal::Lapsed: return "this pack's checkout expired unpaid";
    case CreditRefusal::Expired: return "this pack has expired";
    case CreditRefusal::UsedUp: return "this pack has no credits left";
    case CreditRefusal::OtherEvent: return "pack_id is a pack of another event type";
    case CreditRefusal::OtherGuest: return "pack_id is a pack bought under another guest.email";
  }
  return "";
}

Pack activated(Pack p, std::string_view payment_intent, int64_t now_ms) {
  p.status = PackStatus::Active;
  p.payment_intent_id = std::string(payment_intent);
  p.paid_at = now_ms;
  p.expires_at = now_ms + p.valid_days * kDayMs;
  p.updated_at = now_ms;
  return p;
}

}  // namespace slotguard
