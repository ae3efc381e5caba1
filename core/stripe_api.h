// Stripe, as the core sees it: requests it builds and responses it parses. The
// transport is the fetch port; nothing here does I/O itself.
#pragma once
#include <string>
#include <string_view>

#include "config.h"
#include "domain.h"
#include "fetch_client.h"
#include "form_encoding.h"
#include "json.h"
#include "task.h"

namespace slotguard {

// Pinned so that response shapes never change under us.
inline constexpr const char* kStripeApiVersion = "2024-06-20";

struct StripeResult {
  enum class Kind { Ok, ApiError, TransportError } kind = Kind::TransportError;
  int http_status = 0;
  Json object;  // the parsed body when Ok
  std::string error_type, error_code, error_message;
  bool ok() const { return kind == Kind::Ok; }
};

class StripeApi {
 public:
  StripeApi(TaskContext& ctx, const Config& cfg) : ctx_(ctx), cfg_(cfg) {}
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
std::string checkout_idempotency_key(std::string_view reservation_id);

}  // namespace slotguard
