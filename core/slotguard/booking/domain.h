// Event types and reservations: the records the core stores, their validation, and
// the JSON shapes they take in storage and in API responses.
#pragma once
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slotguard/base/json.h"
#include "slotguard/base/record_fields.h"
#include "slotguard/booking/booking_limits.h"
#include "slotguard/booking/release_reason.h"
#include "slotguard/time/time_rfc3339.h"

namespace slotguard {

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kDayMs = 24 * 60 * kMinuteMs;

struct Price {
  int64_t amount = 0;  // minor units
  std::string currency;  // ISO 4217, lower case

  static fields::Rows<Price> rows();  // how it is stored (domain.cpp)
  bool operator==(const Price&) const = default;
};

// What a cancellation refunds of `amount` (minor units of the price's currency) at
// `percent`: rounded down to a whole minor unit, so a refund never exceeds its share
// (50 % of 5001 cents is 2500). Every refund a policy gives is computed here.
constexpr int64_t refund_of(int64_t amount, int64_t percent) { return amount * percent / 100; }

// The most tiers a cancellation policy may have.
constexpr int64_t kMaxRefundTiers = 8;

// One tier of a cancellation policy: a booking cancelled at least `before_minutes`
// before its first start gets `refund_percent` of its price back.
struct RefundTier {
  int64_t before_minutes = 0;
  int64_t refund_percent = 0;

  static fields::Rows<RefundTier> rows();  // how it is stored (domain.cpp)
  bool operator==(const RefundTier&) const = default;
};

// What a guest who cancels a paid booking gets back: the percent of the first tier
// whose `before_minutes` the cancellation is still ahead of the first start by; later
// than every tier, nothing. The tiers run from the most generous: 1 to
// kMaxRefundTiers of them, before_minutes strictly decreasing, refund_percent never
// increasing (event_from_request refuses any other list). The older two-field form
// {refund_before_minutes: B, refund_percent: P} reads as [{B, 100}, {0, P}] ([{0, 100}]
// when B is 0), and a policy is always written as tiers.
struct CancellationPolicy {
  std::vector<RefundTier> tiers;

  static fields::Rows<CancellationPolicy> rows();  // how it is stored (domain.cpp)
  bool operator==(const CancellationPolicy&) const = default;
};

// An event type whose bookings its expert approves before the card is charged: the
// Checkout Session only authorizes the payment, and from then the expert has
// respond_within_minutes to approve (the payment is captured) or decline (it is voided;
// the guest is never charged). At most kMaxApprovalMinutes: Stripe keeps a card
// authorization for seven days, and the sweep must decline an unanswered booking while
// the authorization still stands, with a day to spare for sweeps that did not run.
struct ApprovalPolicy {
  bool required = false;
  int64_t respond_within_minutes = 24 * 60;

  static fields::Rows<ApprovalPolicy> rows();  // how it is stored (domain.cpp)
  bool operator==(const ApprovalPolicy&) const = default;
};
inline constexpr int64_t kMaxApprovalMinutes = 6 * 24 * 60;

// An event type booked with any one of a team: each hold is given one free member,
// inside its own transaction (booking/pool.h says how the member is chosen). The
// members' own hours, busy blocks, other bookings and caps apply to each of them.
struct PoolRule {
  std::vector<std::string> experts;  // 2 to kMaxPoolExperts expert ids, the order of turns
  // "round_robin" or "least_booked": one member per booking; "all": a collective
  // meeting, booked with every member at once (Reservation::team), or with none.
  std::string assign;
  bool collective() const { return assign == "all"; }

  static fields::Rows<PoolRule> rows();  // how it is stored (domain.cpp)
  bool operator==(const PoolRule&) const = default;
};
inline constexpr size_t kMaxPoolExperts = 16;

// A pack of sessions an event type sells ahead (booking/packs.h): `sessions` bookings
// for `price` (in the event type's currency), usable for `valid_days` from payment.
struct PackOffer {
  int64_t sessions = 0;
  Price price;
  int64_t valid_days = 0;

  static fields::Rows<PackOffer> rows();  // how it is stored (domain.cpp)
  bool operator==(const PackOffer&) const = default;
};
inline constexpr int64_t kMaxPackOffers = 4;
inline constexpr int64_t kMaxPackSessions = 100;
inline constexpr int64_t kMaxPackValidDays = 3650;

// The most times an event type may let one booking be moved.
constexpr int64_t kMaxRescheduleTimes = 100;

struct EventType {
  std::string id;
  std::string expert_id;
  std::string title;
  int64_t duration_minutes = 30;
  int64_t buffer_before_minutes = 0;
  int64_t buffer_after_minutes = 0;
  int64_t slot_step_minutes = 30;
  int64_t min_notice_minutes = 0;
  int64_t max_advance_days = 60;
  Price price;
  std::vector<std::string> payment_method_types{"card"};
  // Up to `seats` reservations may share one start (a workshop); 1 for a one-to-one.
  int64_t seats = 1;
  // How late a booking may still be moved (`reschedule.before_minutes`, or its older
  // name `reschedule_min_notice_minutes`); -1: the same as min_notice_minutes.
  int64_t reschedule_min_notice_minutes = -1;
  // How many times one booking may be moved in its life (`reschedule.max_times`),
  // 0 to kMaxRescheduleTimes; nullopt: as often as it likes.
  std::optional<int64_t> reschedule_max_times;
  // A confirmed booking may be cancelled by its guest only under a policy.
  std::optional<CancellationPolicy> cancellation;
  std::optional<ApprovalPolicy> approval;
  // At most this many of its bookings a day and a week (booking/booking_caps.h).
  BookingLimits limits;
  // Booked with any one of a team; expert_id is then the member it is listed under.
  std::optional<PoolRule> pool;
  // Packs of sessions it sells ahead; a booking may then be paid with a credit.
  std::vector<PackOffer> packs;

  bool operator==(const EventType&) const = default;

  bool requires_approval() const { return approval && approval->required; }

  int64_t reschedule_notice_minutes() const {
    return reschedule_min_notice_minutes >= 0 ? reschedule_min_notice_minutes : min_notice_minutes;
  }
};

// AwaitingApproval: its guest's card is authorized and the expert has not answered yet;
// the slot is held until the expert (or the deadline, expires_at) decides.
enum class ReservationStatus { PendingPayment, Confirmed, Released, Refunded, AwaitingApproval };
const char* status_name(ReservationStatus s);
std::optional<ReservationStatus> parse_status(std::string_view s);

struct Guest {
  std::string email;
  std::string name;

  static fields::Rows<Guest> rows();  // how it is stored (domain.cpp)
  bool operator==(const Guest&) const = default;
};

// One step of a booking's cancellation terms: a cancellation at or before `until_ms`
// refunds `refund_percent` of the price (unless an earlier step already applies).
struct RefundWindow {
  int64_t until_ms = 0;  // kForeverMs: no end (only terms recorded before tiers)
  int64_t refund_percent = 0;

  static fields::Rows<RefundWindow> rows();  // how it is stored (domain.cpp)
  bool operator==(const RefundWindow&) const = default;
};
constexpr int64_t kForeverMs = std::numeric_limits<int64_t>::max();

// The cancellation terms a booking was made under, fixed when it is held: its event
// type's tiers, anchored on its first start. Neither a later change of the policy nor
// a reschedule changes them, so moving a booking cannot take it out of the late window.
// Terms stored before tiers ({allowed, full_refund_until, late_refund_percent}) read as
// the same terms: [{full_refund_until - 1 ms, 100}, {kForeverMs, late_refund_percent}].
struct CancellationTerms {
  bool allowed = false;               // false: once paid, the guest cannot cancel it
  std::vector<RefundWindow> windows;  // until_ms increasing; empty when not allowed

  static fields::Rows<CancellationTerms> rows();  // how it is stored (domain.cpp)
  bool operator==(const CancellationTerms&) const = default;
  // What a cancellation at `now_ms` refunds of `amount` (allowed terms only): the
  // first window it falls in, else nothing.
  int64_t refund(int64_t amount, int64_t now_ms) const {
    for (const RefundWindow& w : windows)
      if (now_ms <= w.until_ms) return refund_of(amount, w.refund_percent);
    return 0;
  }
};
CancellationTerms cancellation_terms(const std::optional<CancellationPolicy>& policy, int64_t first_start_ms);

struct Reservation {
  std::string id;
  std::string event_id;
  std::string expert_id;
  int64_t start = 0, end = 0;            // the appointment
  int64_t span_start = 0, span_end = 0;  // widened by the event's buffers: what conflicts
  Guest guest;
  ReservationStatus status = ReservationStatus::PendingPayment;
  std::string release_reason;  // set when released: release_reason_name(), see release_reason.h
  int64_t expires_at = 0;      // pending holds only
  int64_t session_expires_at = 0;  // what Stripe is told; always before expires_at
  std::string checkout_session_id;
  std::string checkout_url;
  std::string payment_intent_id;
  std::string refund_id;  // set once Stripe confirmed the refund of a lost slot
  int64_t refund_amount = 0;  // minor units refunded (or to refund); 0 before any refund decision
  int64_t seats = 1;          // of its event type when booked: the size of its seat group
  // Which Checkout Session create this hold is on. Stripe keeps a 5xx answer under its
  // idempotency key and replays it, so a retry after one needs a new key: the key
  // carries this number, and a new attempt re-plans the session's expiry.
  int64_t checkout_attempt = 0;
  // Refunds Stripe has not confirmed yet are retried with back-off; after
  // kMaxRefundAttempts failures the refund stops being retried and needs a person.
  int64_t refund_attempts = 0;
  int64_t refund_next_at = 0;  // when the sweep tries again
  bool refund_gave_up = false;
  // Snapshot of what the Checkout Session is created with, so a retried create sends
  // identical parameters under the same idempotency key.
  std::string title;
  Price price;
  std::vector<std::string> payment_method_types;
  std::string success_url, cancel_url;
  int64_t created_at = 0, updated_at = 0;
  // Notifications written for this reservation so far (see notifications.h): the next
  // one takes notify_seq + 1, so the outbox keeps them in order.
  int64_t notify_seq = 0;
  // The store key of the Idempotency-Key that created it, if any: retention removes it
  // with the record.
  std::string idempotency_key;
  // When a payment confirmed it (0: never). A paid event delivered again after the
  // booking was cancelled is recognised by it, however long after the event's own
  // record of delivery was purged.
  int64_t confirmed_at = 0;
  // Set when it is held; nullopt only in records held before terms were recorded, which
  // are cancelled under their event type's current policy, from their current start.
  std::optional<CancellationTerms> cancellation;
  // How many times it has been moved: counted in the commit that moves it, so a
  // repeated request (which finds it already there) never counts twice.
  int64_t reschedule_count = 0;
  // Minutes its expert has to answer once the guest's card is authorized, fixed when it
  // is held (0: its event type needs no approval). While it awaits approval,
  // expires_at is the deadline.
  int64_t approval_minutes = 0;
  // What was decided ("approve" or "decline"; "" before), committed before Stripe is
  // asked to capture or void: of an approve and a decline racing, exactly one commits,
  // and only its Stripe call is ever made.
  std::string approval_decision;
  // A destination charge (booking/payouts.h), fixed when held: the expert's connected
  // account, the platform's fee on the price, and whether the account settles it.
  std::string transfer_destination;
  int64_t application_fee = 0;
  bool on_behalf_of = false;
  // The counter keys of the caps it is counted under (booking/booking_caps.h): its
  // local day's and ISO week's, or none when no cap applied when it was held or moved.
  std::vector<std::string> counted_in;
  // The caps it was counted under (its event type's and its expert's, as they were):
  // a reservation that lapsed and comes back (a late payment) takes its place again
  // only if they still have room.
  BookingLimits event_caps, expert_caps;
  // A series (several starts held, paid and refunded together): the id they share, and
  // every member's id in start order, the first being the lead, which holds the
  // Checkout Session for the total. Both empty for a single booking.
  std::string series_id;
  std::vector<std::string> series;
  // Paid with a credit of this pack (booking/packs.h) instead of through Checkout, and
  // whether its cancellation gave the credit back.
  std::string pack_id;
  bool credit_returned = false;
  // A collective meeting's other members (a pool with assign "all"): it blocks their
  // ledgers as it blocks expert_id's, in the same commits, for as long as it stands.
  std::vector<std::string> team;

  bool in_series() const { return !series.empty(); }
  bool series_lead() const { return in_series() && series.front() == id; }
  // How many appointments its payment is for: a series' lead's session pays for all.
  int64_t occurrences() const { return series_lead() ? static_cast<int64_t>(series.size()) : 1; }

  bool operator==(const Reservation&) const = default;

  bool refund_queued() const { return status == ReservationStatus::Refunded && refund_id.empty() && !refund_gave_up; }

  // Retention may remove it: nothing about it will change any more.
  bool finished() const {
    return status == ReservationStatus::Released || (status == ReservationStatus::Refunded && !refund_queued());
  }

  // Active = blocks the slot: confirmed, awaiting approval (its guest's money is
  // authorized), or pending and not yet expired.
  bool active_at(int64_t now_ms) const {
    return held_until_released() || (status == ReservationStatus::PendingPayment && expires_at > now_ms);
  }
  // Holds its slot with no expiry: only a decision releases it.
  bool held_until_released() const {
    return status == ReservationStatus::Confirmed || status == ReservationStatus::AwaitingApproval;
  }
};

// Identifiers chosen by clients (event ids, expert ids): [A-Za-z0-9_-]{1,64}.
bool valid_client_id(std::string_view id);
// Identifiers the core or Stripe minted (reservation, session, event ids): [A-Za-z0-9_-]{1,100}.
bool valid_minted_id(std::string_view id);
// The shape of the ids the core gives reservations: "rsv_" + 8..64 lower-case hex
// digits. Hosts that keep one store per expert route only ids of this shape.
bool reservation_id_shape(std::string_view id);

// Every field of an event type, one row per member (domain.cpp): the request reader,
// the writer (storage and API are one shape) and the storage reader all walk it.
fields::Rows<EventType> event_rows();
// Validates an event definition from a PUT body. On failure returns nullopt and sets
// `error` to a message naming the field.
std::optional<EventType> event_from_request(const JsonValue& body, std::string_view path_id, std::string* error);
// The event as the API shows it (also what storage keeps).
void write_event(JsonWriter& w, const EventType& e);
std::string event_to_storage(const EventType& e);
std::optional<EventType> event_from_storage(std::string_view text);

// The API's view of a time a record keeps in ms since the epoch: RFC 3339. One view for
// every booking record's field table (a reservation's times, a pack's), so the API
// shows their times alike.
template <auto M>
void view_time(const fields::Row<fields::RecordOf<M>>& row, JsonWriter& w, const fields::RecordOf<M>& r) {
  w.field(row.name, format_rfc3339(r.*M));
}

// Every stored field of a reservation, one row per member (domain.cpp): the writer, the
// reader and the API view below all walk it.
fields::Rows<Reservation> reservation_rows();
void write_reservation_view(JsonWriter& w, const Reservation& r);  // API shape
std::string reservation_to_storage(const Reservation& r);
std::optional<Reservation> reservation_from_storage(std::string_view text);

bool plausible_email(std::string_view email);

}  // namespace slotguard
