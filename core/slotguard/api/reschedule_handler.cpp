// POST /v1/reservations/{id}/reschedule: a booking moved to another start of its event
// type in one commit (the ledger entry and the caps' counts move with it).
#include "slotguard/api/handlers.h"
#include "slotguard/api/hold_rules.h"
#include "slotguard/api/records.h"
#include "slotguard/api/responses.h"
#include "slotguard/base/sg_assert.h"
#include "slotguard/host/store_keys.h"
#include "slotguard/ledger/slot_ledger.h"
#include "slotguard/time/time_rfc3339.h"

namespace slotguard::api {

// Moves a pending or confirmed reservation to another start of its event type in one
// commit: the new span is taken and the old one freed together, or nothing changes.
// The event type as a booking is moved under it: today's buffers, notice and hours, but
// the booking's own length. An event type may have been lengthened or shortened since;
// the guest keeps the appointment they booked, and its new span is built from that
// length, so the span and the reservation can never disagree.
namespace {
EventType as_booked(EventType ev, const Reservation& r) {
  ev.duration_minutes = (r.end - r.start) / kMinuteMs;
  return ev;
}

// Why a move was refused inside its transaction, as an answer.
HttpResponse move_refusal(ApiServices& s, const Refused& why, const EventType& ev) {
  switch (why.why) {
    case Refusal::NotOffered: return error_response(ErrorCode::slot_not_offered, slot_rule_message(why.rule));
    case Refusal::HoursUnreadable: return store_unavailable();
    case Refusal::SlotTaken:
      s.metrics.add(Metric::conflicts_total);
      return error_response(ErrorCode::slot_unavailable, "the new time is not available; the booking keeps its time");
    case Refusal::MovedTooOften:
      SG_ASSERT(ev.reschedule_max_times.has_value());
      return error_response(ErrorCode::reschedule_limit_reached,
                            "this booking has been moved " + std::to_string(*ev.reschedule_max_times) +
                                " times, the most its event type allows (reschedule.max_times)");
    case Refusal::DayFull:
    case Refusal::WeekFull: return cap_answer(why.why);
    case Refusal::Recount: return contention();
    case Refusal::NotActive:
    case Refusal::EventChanged:  // the rest are a hold's, never a move's
    case Refusal::KeyRaced:
    case Refusal::PoolMoved:
    case Refusal::TooManyHolds:
    case Refusal::AccountUnchecked:
    case Refusal::CannotTakePayments:
    case Refusal::PackRefused:
    case Refusal::Busy:
    case Refusal::StoreTrouble: break;
  }
  return error_response(ErrorCode::reservation_not_movable, "only a pending or confirmed reservation can be moved");
}

// The move itself, decided against the snapshot the commit is checked with. A request
// that finds the booking already at its new start changes nothing (a repeat: it is
// neither refused by the limit nor counted again).
struct MoveTerms {
  EventType ev;
  std::string avail_key;
  int64_t new_start = 0;
  int64_t notice = 0;
  std::vector<std::string> counters;  // the caps' counters at the new start, as expected
};

Decide move_decision(const MoveTerms& t, std::optional<Refused>& why) {
  return [&t, &why](const TxnView& v) {
    TxnPlan plan;
    if (!v.current) return plan;
    const Reservation& cur = *v.current;
    if (!cur.active_at(v.now)) return refuse(why, {Refusal::NotActive});  // nothing to move
    if (cur.start == t.new_start) return plan;  // already there: a repeat of this request
    if (t.ev.reschedule_max_times && cur.reschedule_count >= *t.ev.reschedule_max_times)
      return refuse(why, {Refusal::MovedTooOften});
    Counted counted;
    const StartCheck check{t.ev, cur.expert_id, t.avail_key, t.new_start, t.notice, t.counters, cur.id};
    if (auto refused = start_refusal(v, check, counted)) return refuse(why, std::move(*refused));
    if (!v.span_free) return refuse(why, {Refusal::SlotTaken});
    plan.kind = TxnPlan::Kind::Write;
    plan.next = cur;
    plan.next.start = t.new_start;
    plan.next.end = t.new_start + (cur.end - cur.start);
    plan.next.reschedule_count = cur.reschedule_count + 1;
    count_as(plan.next, std::move(counted));
    return plan;
  };
}
// One transaction of the move.
Co<TxnOutcome> move_once(ApiServices& s, const std::string& rid, const MoveTerms& t, int64_t seats,
                         std::optional<Refused>& why) {
  why.reset();
  Decide decide = move_decision(t, why);
  // (g++ 12 miscompiles braced lists inside co_await expressions: build them first.)
  NewSpan move = moving_reservation(blocked_span(t.ev, t.new_start), seat_group(t.ev.id, t.new_start, seats), t.counters);
  std::vector<std::string> extra{t.avail_key};
  co_return co_await run_reservation_txn(s, rid, std::move(move), std::move(extra), decide);
}
}  // namespace

Co<HttpResponse> reschedule_reservation(ApiServices& s, const HttpRequest& req, std::string rid) {
  if (!valid_minted_id(rid)) co_return not_found(ErrorCode::reservation_not_found);
  HttpResponse error;
  auto body = parse_object_body(req, error);
  if (!body) co_return error;
  if (auto unknown = unknown_field(*body, {"start"})) co_return validation_failed(*unknown);
  auto start_text = get_string(*body, "start");
  auto start = start_text ? parse_rfc3339(*start_text) : std::nullopt;
  if (!start) co_return validation_failed("start is required (an RFC 3339 timestamp)");
  Loaded<Reservation> found = co_await load_reservation(s, rid);
  if (!found.record) co_return found.error;
  Loaded<EventType> loaded = co_await load_event(s, found.record->event_id);
  if (!loaded.record) co_return loaded.error.status == 404 ? error_response(ErrorCode::reservation_not_movable, "its event type no longer exists") : loaded.error;
  const EventType ev = as_booked(*loaded.record, *found.record);
  const int64_t now = s.now();
  const int64_t notice = ev.reschedule_notice_minutes();
  // A repeat of a move that succeeded (the booking is already there) skips the clock's
  // rules, whose window it may have drifted into since: the transaction answers it as it is.
  const bool repeat = found.record->start == *start;
  if (!repeat && found.record->start < now + notice * kMinuteMs)
    co_return error_response(ErrorCode::reservation_not_movable, "it starts too soon to be moved (the event type's reschedule.before_minutes)");
  SlotRule early = repeat ? SlotRule::Offered : check_slot(ev, nullptr, *start, now, notice);
  if (early == SlotRule::TooSoon || early == SlotRule::TooFarAhead)
    co_return error_response(ErrorCode::slot_not_offered, slot_rule_message(early));

  MoveTerms terms{ev, keys::availability(ev.expert_id), *start, notice, {}};
  std::optional<Refused> why;
  TxnOutcome out = co_await move_once(s, rid, terms, found.record->seats, why);
  if (out.kind == TxnOutcome::Kind::Rejected && why && why->why == Refusal::Recount) {
    terms.counters = why->counters;  // the caps count it elsewhere: read those
    out = co_await move_once(s, rid, terms, found.record->seats, why);
  }
  switch (out.kind) {
    case TxnOutcome::Kind::NotFound: co_return not_found(ErrorCode::reservation_not_found);
    case TxnOutcome::Kind::Busy: co_return contention();
    case TxnOutcome::Kind::StoreError: co_return store_unavailable();
    case TxnOutcome::Kind::NoChange: co_return reservation_body(200, *out.reservation);
    case TxnOutcome::Kind::Refused:
      s.metrics.add(Metric::conflicts_total);
      co_return error_response(ErrorCode::slot_unavailable, "the new time is not available; the booking keeps its time");
    case TxnOutcome::Kind::Rejected:
      SG_ASSERT(why.has_value());
      co_return move_refusal(s, *why, ev);
    case TxnOutcome::Kind::Written: break;
  }
  s.log(LogLevel::Info, "reservation_rescheduled", {{"reservation_id", rid}});
  co_return reservation_body(200, *out.reservation);
}

}  // namespace slotguard::api
