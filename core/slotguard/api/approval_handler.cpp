// POST /v1/reservations/{id}/approve and /decline (admin): the expert's answer to a
// booking awaiting approval. The two steps and what makes a race end with one winner
// are in payments/approval.h; here each outcome becomes its answer.
#include "slotguard/api/handlers.h"
#include "slotguard/api/responses.h"
#include "slotguard/payments/approval.h"

namespace slotguard::api {

namespace {

HttpResponse approval_answer(const ApprovalOutcome& out) {
  using Kind = ApprovalOutcome::Kind;
  switch (out.kind) {
    case Kind::Done: return reservation_body(200, *out.reservation);
    case Kind::NotAwaiting:
      return error_response(ErrorCode::not_awaiting_approval, "this reservation is not awaiting approval");
    case Kind::DecidedOtherwise:
      return error_response(ErrorCode::approval_already_decided, "the other answer was given first; it stands");
    case Kind::DeadlinePassed:
      return error_response(ErrorCode::approval_deadline_passed,
                            "the time to approve has passed (approval.respond_by): the booking is being declined");
    case Kind::AuthorizationLost:
      return error_response(ErrorCode::authorization_expired,
                            "Stripe no longer holds the guest's payment; the booking is released");
    case Kind::ProviderUnavailable: return provider_unavailable();
    case Kind::NotFound: return not_found(ErrorCode::reservation_not_found);
    case Kind::Busy: return contention();
    case Kind::StoreError: return store_unavailable();
  }
  return store_unavailable();
}

Co<HttpResponse> answer(ApiServices& s, const HttpRequest& req, std::string rid, ApprovalDecision d) {
  if (!valid_minted_id(rid)) co_return not_found(ErrorCode::reservation_not_found);
  if (!req.body.empty()) {
    HttpResponse error;
    auto body = parse_object_body(req, error);
    if (!body) co_return error;
    if (auto unknown = unknown_field(*body, {})) co_return validation_failed(*unknown);
  }
  const ApprovalOutcome out = co_await decide_approval(s, std::move(rid), d, ReleaseReason::declined);
  co_return approval_answer(out);
}

}  // namespace

Co<HttpResponse> approve_reservation(ApiServices& s, const HttpRequest& req, std::string rid) {
  co_return co_await answer(s, req, std::move(rid), ApprovalDecision::Approve);
}

Co<HttpResponse> decline_reservation(ApiServices& s, const HttpRequest& req, std::string rid) {
  co_return co_await answer(s, req, std::move(rid), ApprovalDecision::Decline);
}

}  // namespace slotguard::api
