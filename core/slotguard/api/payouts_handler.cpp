// /v1/experts/{expert_id}/payouts (admin): the connected account an expert is paid
// through and the platform's fee (booking/payouts.h). A PUT asks Stripe about the
// account at once, so its answer says whether the expert can take bookings; when Stripe
// does not answer, the record is kept and the first hold asks.
#include "slotguard/api/handlers.h"
#include "slotguard/api/responses.h"
#include "slotguard/booking/domain.h"
#include "slotguard/booking/payouts.h"
#include "slotguard/host/store_keys.h"
#include "slotguard/payments/connect.h"

namespace slotguard::api {

namespace {

HttpResponse payouts_body(int status, const Payouts& p) {
  JsonWriter body;
  body.object().key("payouts");
  write_payouts(body, p);
  return json_response(status, body.end_object());
}

// The stored record: `read` false only when the store failed; a record present
// (version != 0) that does not read is the store's fault too.
struct Stored {
  bool read = false;
  uint64_t version = 0;
  std::optional<Payouts> payouts;
  bool ok() const { return read && (version == 0 || payouts.has_value()); }
};

Co<Stored> load_payouts(ApiServices& s, const std::string& expert_id) {
  Stored out;
  ReadResult got = co_await s.store.read_one(keys::payouts(expert_id));
  out.read = got.status == StoreStatus::Ok;
  if (!out.read || !got.items[0].present()) co_return out;
  out.version = got.items[0].version;
  out.payouts = payouts_from_storage(got.items[0].value);
  co_return out;
}

// The record and its index by account, written together; the old account's index goes.
std::vector<KvMutation> payouts_writes(const std::string& expert_id, const std::optional<Payouts>& old,
                                       const std::optional<Payouts>& next) {
  std::vector<KvMutation> m;
  if (old && (!next || old->stripe_account != next->stripe_account))
    m.push_back({KvMutation::Op::Delete, keys::payouts_account(old->stripe_account), {}});
  if (!next) {
    m.push_back({KvMutation::Op::Delete, keys::payouts(expert_id), {}});
    return m;
  }
  m.push_back({KvMutation::Op::Set, keys::payouts(expert_id), payouts_to_storage(*next)});
  m.push_back({KvMutation::Op::Set, keys::payouts_account(next->stripe_account), expert_id});
  return m;
}

}  // namespace

Co<HttpResponse> put_payouts(ApiServices& s, const HttpRequest& req, std::string expert_id) {
  if (!valid_client_id(expert_id)) co_return validation_failed("expert id must match [A-Za-z0-9_-]{1,64}");
  HttpResponse error;
  auto body = parse_object_body(req, error);
  if (!body) co_return error;
  std::string message;
  std::optional<Payouts> wanted = payouts_from_request(*body, &message);
  if (!wanted) co_return validation_failed(message);
  const Stored before = co_await load_payouts(s, expert_id);
  if (!before.ok()) co_return store_unavailable();
  // account.updated finds its expert through payacct/<account>: one expert per account.
  ReadResult bound = co_await s.store.read_one(keys::payouts_account(wanted->stripe_account));
  if (bound.status != StoreStatus::Ok) co_return store_unavailable();
  if (bound.items[0].present() && bound.items[0].value != expert_id)
    co_return validation_failed("stripe_account is already the payouts account of another expert");
  std::vector<KvCheck> checks{{keys::payouts(expert_id), before.version},
                              {keys::payouts_account(wanted->stripe_account), bound.items[0].version}};
  StoreStatus st = co_await s.store.commit(std::move(checks), payouts_writes(expert_id, before.payouts, wanted));
  if (st == StoreStatus::Conflict) co_return contention();
  if (st != StoreStatus::Ok) co_return store_unavailable();
  s.log(LogLevel::Info, "payouts_set", {{"expert_id", expert_id}});
  co_await refresh_connected_account(s, expert_id);  // best effort: a hold asks otherwise
  const Stored after = co_await load_payouts(s, expert_id);
  co_return payouts_body(before.version ? 200 : 201, after.payouts ? *after.payouts : *wanted);
}

Co<HttpResponse> get_payouts(ApiServices& s, std::string expert_id) {
  if (!valid_client_id(expert_id)) co_return not_found(ErrorCode::payouts_not_found);
  const Stored got = co_await load_payouts(s, expert_id);
  if (!got.ok()) co_return store_unavailable();
  if (!got.payouts) co_return not_found(ErrorCode::payouts_not_found);
  co_return payouts_body(200, *got.payouts);
}

Co<HttpResponse> delete_payouts(ApiServices& s, std::string expert_id) {
  if (!valid_client_id(expert_id)) co_return not_found(ErrorCode::payouts_not_found);
  const Stored got = co_await load_payouts(s, expert_id);
  if (!got.ok()) co_return store_unavailable();
  if (!got.payouts) co_return not_found(ErrorCode::payouts_not_found);
  std::vector<KvCheck> checks{{keys::payouts(expert_id), got.version}};
  StoreStatus st = co_await s.store.commit(std::move(checks), payouts_writes(expert_id, got.payouts, std::nullopt));
  if (st == StoreStatus::Conflict) co_return contention();
  if (st != StoreStatus::Ok) co_return store_unavailable();
  s.log(LogLevel::Info, "payouts_removed", {{"expert_id", expert_id}});
  co_return payouts_body(200, *got.payouts);
}

}  // namespace slotguard::api
