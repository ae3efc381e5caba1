#include "slotguard/payments/stripe/checkout_session.h"

#include "slotguard/booking/domain.h"

namespace slotguard {

namespace {

// A string member's value; empty when absent or not a string.
std::string_view string_or_empty(const JsonValue* v) { return v && v->IsString() ? string_of(*v) : std::string_view(); }

// The reservation or the pack the core opened the session for.
void read_metadata(const JsonValue* metadata, SessionFacts& facts) {
  if (!metadata || !metadata->IsObject()) return;
  const JsonValue *rid = nullptr, *pack = nullptr;
  for (auto it = metadata->MemberBegin(); it != metadata->MemberEnd(); ++it) {
    if (string_of(it->name) == "reservation_id") rid = &it->value;
    else if (string_of(it->name) == "pack_id") pack = &it->value;
  }
  facts.metadata_reservation_id = string_or_empty(rid);
  facts.metadata_pack_id = string_or_empty(pack);
}

}  // namespace

SessionState read_session(const JsonValue& session) {
  SessionState f;
  if (!session.IsObject()) return f;
  const JsonValue *id = nullptr, *pi = nullptr, *metadata = nullptr, *amount = nullptr, *currency = nullptr;
  const JsonValue *livemode = nullptr, *client_ref = nullptr, *paid = nullptr, *status = nullptr;
  for (auto it = session.MemberBegin(); it != session.MemberEnd(); ++it) {
    const std::string_view k = string_of(it->name);
    if (k == "id") id = &it->value;
    else if (k == "payment_intent") pi = &it->value;
    else if (k == "metadata") metadata = &it->value;
    else if (k == "amount_total") amount = &it->value;
    else if (k == "currency") currency = &it->value;
    else if (k == "livemode") livemode = &it->value;
    else if (k == "client_reference_id") client_ref = &it->value;
    else if (k == "payment_status") paid = &it->value;
    else if (k == "status") status = &it->value;
  }
  f.facts.id = string_or_empty(id);
  f.facts.payment_intent = string_or_empty(pi);
  read_metadata(metadata, f.facts);
  if (amount) f.facts.amount_total = int_of(*amount);
  f.facts.currency = string_or_empty(currency);
  if (livemode && livemode->IsBool()) f.facts.livemode = livemode->GetBool();
  f.client_reference_id = string_or_empty(client_ref);
  f.payment_status = string_or_empty(paid);
  f.status = string_or_empty(status);
  return f;
}

std::optional<CreatedSession> created_session(const StripeResult& res) {
  if (!res.ok() || !res.object.IsObject()) return std::nullopt;
  const JsonValue *id = nullptr, *url = nullptr;
  for (auto it = res.object.MemberBegin(); it != res.object.MemberEnd(); ++it) {
    const std::string_view k = string_of(it->name);
    if (k == "id") id = &it->value;
    else if (k == "url") url = &it->value;
  }
  const std::string_view sid = string_or_empty(id), link = string_or_empty(url);
  if (sid.empty() || !valid_minted_id(sid) || link.empty()) return std::nullopt;
  return CreatedSession{std::string(sid), std::string(link)};
}

}  // namespace slotguard
