// PUT/GET /v1/events/{id}: event types, written by the admin. Each event type is also
// indexed under its expert (keys::expert_event) in the same commit, for listing.
#include "slotguard/api/handlers.h"
#include "slotguard/api/records.h"
#include "slotguard/api/responses.h"
#include "slotguard/host/store_keys.h"
#include "slotguard/ledger/store_txn.h"

namespace slotguard::api {

namespace {
HttpResponse event_body(int status, const EventType& e) {
  JsonWriter body;
  body.object().key("event");
  write_event(body, e);
  return json_response(status, body.end_object());
}
}  // namespace

Co<HttpResponse> put_event(ApiServices& s, const HttpRequest& req, std::string event_id) {
  HttpResponse error;
  auto body = parse_object_body(req, error);
  if (!body) co_return error;
  std::string message;
  auto event = event_from_request(*body, event_id, &message);
  if (!event) co_return validation_failed(message);

  const std::string key = keys::event(event_id);
  const std::string stored = event_to_storage(*event);
  bool existed = false;
  DecideWrites replace = [&](const ReadResult& snap) -> std::optional<std::vector<KvMutation>> {
    existed = snap.items[0].present();
    std::vector<KvMutation> writes{{KvMutation::Op::Set, key, stored}};
    if (existed) {
      // An event type that moves to another expert leaves the old expert's list.
      auto old = event_from_storage(snap.items[0].value);
      if (old && old->expert_id != event->expert_id)
        writes.push_back({KvMutation::Op::Delete, keys::expert_event(old->expert_id, event_id), {}});
    }
    writes.push_back({KvMutation::Op::Set, keys::expert_event(event->expert_id, event_id), event_id});
    return writes;
  };
  std::vector<std::string> read_keys{key};
  const StoreTxnEnd end = co_await run_store_txn(s, std::move(read_keys), replace);
  if (end == StoreTxnEnd::Busy) co_return contention();
  if (end != StoreTxnEnd::Committed) co_return store_unavailable();
  s.events.forget(event_id);  // other instances find out through their holds' checks
  s.log(LogLevel::Info, existed ? "event_replaced" : "event_created", {{"event_id", event_id}});
  co_return event_body(existed ? 200 : 201, *event);
}

Co<HttpResponse> get_event(ApiServices& s, std::string event_id) {
  Loaded<EventType> ev = co_await load_event(s, std::move(event_id));
  if (!ev.record) co_return ev.error;
  co_return event_body(200, *ev.record);
}

}  // namespace slotguard::api
