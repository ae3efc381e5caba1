#include "slotguard/booking/payouts.h"

namespace slotguard {

namespace {

constexpr int64_t kMaxFeeAmount = 99'999'999;

bool fail(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return false;
}

// {"percent": 0..100} or {"amount": 0..}, exactly one.
bool read_fee(const JsonValue* fee, Payouts& p, std::string* error) {
  if (!fee || !fee->IsObject()) return fail(error, "platform_fee is required: {\"percent\": n} or {\"amount\": n}");
  if (auto unknown = unknown_field(*fee, {"percent", "amount"})) return fail(error, "platform_fee: " + *unknown);
  const JsonValue* percent = get_member(*fee, "percent");
  const JsonValue* amount = get_member(*fee, "amount");
  if ((percent != nullptr) == (amount != nullptr))
    return fail(error, "platform_fee takes exactly one of percent and amount");
  const std::optional<int64_t> n = int_of(percent ? *percent : *amount);
  if (percent && (!n || *n < 0 || *n > 100)) return fail(error, "platform_fee.percent must be an integer from 0 to 100");
  if (amount && (!n || *n < 0 || *n > kMaxFeeAmount))
    return fail(error, "platform_fee.amount must be an integer from 0 to 99999999 (minor units)");
  (percent ? p.fee_percent : p.fee_amount) = *n;
  return true;
}

bool read_account(const JsonValue& body, Payouts& p, std::string* error) {
  const JsonValue* acct = get_member(body, "stripe_account");
  if (!acct || !acct->IsString() || !valid_account_id(string_of(*acct)))
    return fail(error, "stripe_account must be a connected account id (acct_ then letters and digits)");
  p.stripe_account = std::string(string_of(*acct));
  const JsonValue* behalf = get_member(body, "on_behalf_of");
  if (behalf && !behalf->IsBool()) return fail(error, "on_behalf_of must be true or false");
  p.on_behalf_of = behalf && behalf->GetBool();
  return true;
}

}  // namespace

int64_t Payouts::application_fee(int64_t price) const {
  const int64_t fee = fee_percent ? price * *fee_percent / 100 : fee_amount.value_or(0);
  return fee < price ? fee : price;
}

bool valid_account_id(std::string_view id) {
  constexpr std::string_view kPrefix = "acct_";
  if (id.size() <= kPrefix.size() || id.size() > kPrefix.size() + 100 || id.substr(0, kPrefix.size()) != kPrefix) return false;
  for (char c : id.substr(kPrefix.size()))
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

std::optional<Payouts> payouts_from_request(const JsonValue& body, std::string* error) {
  if (!body.IsObject()) return fail(error, "body must be a JSON object"), std::nullopt;
  if (auto unknown = unknown_field(body, {"stripe_account", "platform_fee", "on_behalf_of"}))
    return fail(error, *unknown), std::nullopt;
  Payouts p;
  if (!read_account(body, p, error) || !read_fee(get_member(body, "platform_fee"), p, error)) return std::nullopt;
  return p;
}

void write_payouts(JsonWriter& w, const Payouts& p) {
  w.object().field("stripe_account", p.stripe_account).key("platform_fee").object();
  if (p.fee_percent) w.field("percent", *p.fee_percent);
  else w.field("amount", p.fee_amount.value_or(0));
  w.end_object().field("on_behalf_of", p.on_behalf_of).key("charges_enabled");
  if (p.charges_enabled) w.value(*p.charges_enabled);
  else w.value(nullptr);
  w.field("checked_at", p.checked_at).end_object();
}

std::string payouts_to_storage(const Payouts& p) {
  JsonWriter w;
  write_payouts(w, p);
  return w.take();
}

// Stored as written above: the request's fields, and what Stripe said.
std::optional<Payouts> payouts_from_storage(std::string_view text) {
  auto doc = parse_json(text, 4);
  if (!doc || !doc->IsObject()) return std::nullopt;
  Payouts p;
  if (!read_account(*doc, p, nullptr) || !read_fee(get_member(*doc, "platform_fee"), p, nullptr)) return std::nullopt;
  const JsonValue* enabled = get_member(*doc, "charges_enabled");
  if (enabled && enabled->IsBool()) p.charges_enabled = enabled->GetBool();
  p.checked_at = get_int(*doc, "checked_at").value_or(0);
  return p;
}

}  // namespace slotguard
