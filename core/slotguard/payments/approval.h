// A booking its expert approves before the card is charged (booking/domain.h,
// ApprovalPolicy). Approve, decline, the deadline and the guest withdrawing all end here,
// in two steps. First the decision is committed, from awaiting_approval only: of an
// approve and a decline racing (or either racing the deadline), exactly one commits,
// and the loser makes no Stripe call. Then Stripe is asked to capture (approve) or void
// (decline) the PaymentIntent, under one idempotency key per booking, and the outcome
// is committed. A second step cut short (Stripe did not answer, the process died) is
// finished by the same decision asked again, or by the sweep once the deadline passed.
#pragma once
#include <optional>
#include <string>

#include "slotguard/booking/domain.h"
#include "slotguard/host/services.h"

namespace slotguard {

enum class ApprovalDecision { Approve, Decline };
const char* approval_decision_name(ApprovalDecision d);

struct ApprovalOutcome {
  enum class Kind {
    Done,                 // captured and confirmed (approve), or voided and released (decline)
    NotAwaiting,          // not awaiting approval: never needed it, not paid yet, or finished
    DecidedOtherwise,     // the other decision was committed first
    DeadlinePassed,       // an approve after the deadline: the sweep declines it
    AuthorizationLost,    // approved, but Stripe no longer holds the authorization: released
    ProviderUnavailable,  // decided; Stripe did not answer: asking again finishes it
    NotFound,
    Busy,
    StoreError,
  } kind = Kind::StoreError;
  std::optional<Reservation> reservation;  // as it stands after this call, when known
};

// `why_declined`: the release reason a decline records (declined, approval_expired for
// the deadline, cancelled for the guest withdrawing).
Co<ApprovalOutcome> decide_approval(Services& s, std::string rid, ApprovalDecision d, ReleaseReason why_declined);

// The sweep: `r` awaits approval past its deadline. Carries out the decision already
// committed, or else declines it (approval_expired).
Co<ApprovalOutcome> finish_approval(Services& s, const Reservation& r);

}  // namespace slotguard
