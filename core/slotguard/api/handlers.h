// HTTP handlers. Each is a task: it runs until it needs the store or Stripe, then
// suspends until the host answers. The route table (routes.h) says which route runs
// which handler and checks the admin token before the handlers it marks Admin.
#pragma once
#include <string>

#include "slotguard/base/http_types.h"
#include "slotguard/host/services.h"

namespace slotguard::api {

Co<HttpResponse> route(Services& s, const HttpRequest& req);

Co<HttpResponse> put_event(Services& s, const HttpRequest& req, std::string event_id);
Co<HttpResponse> get_event(Services& s, std::string event_id);
Co<HttpResponse> get_slots(Services& s, const HttpRequest& req, std::string event_id);
Co<HttpResponse> create_reservation(Services& s, const HttpRequest& req);
Co<HttpResponse> get_reservation(Services& s, std::string rid);
Co<HttpResponse> cancel_reservation(Services& s, const HttpRequest& req, std::string rid);
Co<HttpResponse> stripe_webhook(Services& s, const HttpRequest& req);
Co<HttpResponse> sweep(Services& s);
Co<HttpResponse> list_events(Services& s, const HttpRequest& req);
Co<HttpResponse> list_reservations(Services& s, const HttpRequest& req);
Co<HttpResponse> deliver_notifications(Services& s);
Co<HttpResponse> put_availability(Services& s, const HttpRequest& req, std::string expert_id);
Co<HttpResponse> get_availability(Services& s, std::string expert_id);
Co<HttpResponse> delete_availability(Services& s, std::string expert_id);
Co<HttpResponse> put_busy(Services& s, const HttpRequest& req, std::string expert_id, std::string block_id);
Co<HttpResponse> delete_busy(Services& s, std::string expert_id, std::string block_id);
Co<HttpResponse> list_busy(Services& s, const HttpRequest& req, std::string expert_id);
Co<HttpResponse> reschedule_reservation(Services& s, const HttpRequest& req, std::string rid);

}  // namespace slotguard::api
