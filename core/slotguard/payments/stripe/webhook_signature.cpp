#include "slotguard/payments/stripe/webhook_signature.h"

#include "slotguard/base/sha256.h"

namespace slotguard {

SignatureCheck verify_stripe_signature(std::string_view header, std::string_view body,
                                       const std::vector<std::string>& secrets, int64_t now_s,
                                       int64_t tolerance_s) {
  if (header.empty()) return SignatureCheck::Missing;
  if (header.size() > 4096) return SignatureCheck::Malformed;
  int64_t t = -1;
  std::string_view t_text;
  std::vector<std::string_view> v1;
  size_t pos = 0;
  while (pos <= header.size()) {
    size_t comma = header.find(',', pos);
    std::string_view part = header.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    size_t eq = part.find('=');
    if (eq != std::string_view::npos) {
      std::string_view k = part.substr(0, eq), v = part.substr(eq + 1);
      if (k == "t") {
        if (v.empty() || v.size() > 12) return SignatureCheck::Malformed;
        t = 0;
        for (char c : v) {
          if (c < '0' || c > '9') return SignatureCheck::Malformed;
          t = t * 10 + (c - '0');
        }
        t_text = v;
      } else if (k == "v1") {
        v1.push_back(v);  // other schemes (v0) are ignored, as Stripe's libraries do
      }
    }
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  if (t < 0 || v1.empty()) return SignatureCheck::Malformed;
  if (now_s - t > tolerance_s || t - now_s > tolerance_s) return SignatureCheck::Expired;
  std::string signed_payload;
  signed_payload.reserve(t_text.size() + 1 + body.size());
  signed_payload.append(t_text).append(".").append(body);
  bool match = false;
  for (const auto& secret : secrets) {
    const std::string expected = to_hex(hmac_sha256(secret, signed_payload));
    // Check every candidate: no early exit that would time which one matched.
    for (auto sig : v1) match |= constant_time_equal(expected, sig);
  }
  return match ? SignatureCheck::Valid : SignatureCheck::Mismatch;
}

const char* signature_check_message(SignatureCheck c) {
  switch (c) {
    case SignatureCheck::Valid: return "valid";
    case SignatureCheck::Missing: return "the Stripe-Signature header is missing";
    case SignatureCheck::Malformed: return "the Stripe-Signature header is malformed";
    case SignatureCheck::Expired: return "the signature timestamp is outside the tolerance";
    case SignatureCheck::Mismatch: return "no signature matches an endpoint secret";
  }
  return "invalid signature";
}

std::string stripe_signature_header(std::string_view secret, int64_t t, std::string_view body) {
  std::string ts = std::to_string(t);
  std::string payload = ts + "." + std::string(body);
  return "t=" + ts + ",v1=" + to_hex(hmac_sha256(secret, payload));
}

}  // namespace slotguard
