// Stripe webhook signatures: "Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]", each
// v1 an HMAC-SHA256 of "<t>.<raw body>" under an endpoint secret. Any v1 matching any
// configured secret passes, so secrets can rotate without dropping events.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace slotguard {

enum class SignatureCheck { Valid, Missing, Malformed, Expired, Mismatch };

SignatureCheck verify_stripe_signature(std::string_view header, std::string_view body,
                                       const std::vector<std::string>& secrets, int64_t now_s,
                                       int64_t tolerance_s);
const char* signature_check_message(SignatureCheck c);

// For tests and emulators: the header Stripe would send.
std::string stripe_signature_header(std::string_view secret, int64_t t, std::string_view body);

}  // namespace slotguard
