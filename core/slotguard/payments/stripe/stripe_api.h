// Stripe, as the core sees it: requests it builds and responses it parses. The
// transport is the fetch port; nothing here does I/O itself.
#pragma once
#include <string>
#include <string_view>

#include "slotguard/host/config.h"
#include "slotguard/booking/domain.h"
#include "slotguard/booking/packs.h"
#include "slotguard/host/fetch_client.h"
#include "slotguard/host/services.h"
#include "slotguard/payments/stripe/form_encoding.h"
#include "slotguard/base/json.h"
#include "slotguard/base/task.h"

namespace slotguard {

// Pinned so that response shapes never change under us.
inline constexpr const char* kStripeApiVersion = "2024-06-20";

struct StripeResult {
  enum class Kind { Ok, ApiError, TransportError } kind = Kind::TransportError;
  int http_status = 0;
  JsonDoc object;  // the parsed body when Ok
  std::string error_type, error_code, error_message, error_param;
  bool ok() const { return kind == Kind::Ok; }
  // The same call may succeed later: no answer (refused, timed out, lost), 409 (another
  // request with this idempotency key is still executing; Stripe saved nothing for
  // this one), 429 (rate limited, not executed) or 5xx. Anything else is final.
  bool transient() const;
  // Stripe saves a 5xx answer under the idempotency key and replays it to every retry
  // with that key, so only a new key can get past it.
  bool key_spent() const { return kind == Kind::ApiError && http_status >= 500; }
  // Stripe refused the Checkout Session's expires_at (it must be 30 minutes to 24 hours
  // ahead when Stripe creates the session): a create that reached Stripe late. A new
  // attempt with a later expiry fixes it.
  bool expiry_refused() const { return kind == Kind::ApiError && http_status == 400 && error_param == "expires_at"; }
};

class StripeApi {
 public:
  StripeApi(TaskContext& ctx, const Config& cfg) : ctx_(ctx), cfg_(cfg) {}
  // A task's own client: its host calls, the instance's key and API base.
  explicit StripeApi(Services& s) : StripeApi(s.ctx, s.cfg) {}
  // Every POST carries an idempotency key: a retried create never creates twice.
  Co<StripeResult> post(std::string path, FormBody form, std::string idempotency_key);
  Co<StripeResult> get(std::string path_and_query);

 private:
  TaskContext& ctx_;
  const Config& cfg_;
};

StripeResult parse_stripe_response(const FetchResponse& res);

// The Checkout Session for a held reservation. Deterministic in the reservation, so
// a retry under the same idempotency key sends the same parameters.
FormBody checkout_session_form(const Reservation& r);
// The Checkout Session that buys a pack: card only, paid to the platform.
FormBody pack_session_form(const Pack& p);
// One key per create attempt (Reservation::checkout_attempt): attempt 0 keeps the
// original form, so holds created before attempts existed replay as before.
std::string checkout_idempotency_key(std::string_view reservation_id, int64_t attempt = 0);

}  // namespace slotguard
