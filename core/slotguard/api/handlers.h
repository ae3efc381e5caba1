// HTTP handlers. Each is a task: it runs until it needs the store or Stripe, then
// suspends until the host answers. The route table (routes.h) says which route runs
// which handler and checks the admin token before the handlers it marks Admin.
#pragma once
#include <string>

#include "slotguard/base/http_types.h"
#include "slotguard/api/api_services.h"

namespace slotguard::api {

Co<HttpResponse> route(ApiServices& s, const HttpRequest& req);

Co<HttpResponse> put_event(ApiServices& s, const HttpRequest& req, std::string event_id);
Co<HttpResponse> get_event(ApiServices& s, std::string event_id);
Co<HttpResponse> get_slots(ApiServices& s, const HttpRequest& req, std::string event_id);
Co<HttpResponse> create_reservation(ApiServices& s, const HttpRequest& req);
Co<HttpResponse> get_reservation(ApiServices& s, std::string rid);
Co<HttpResponse> cancel_reservation(ApiServices& s, const HttpRequest& req, std::string rid);
Co<HttpResponse> stripe_webhook(ApiServices& s, const HttpRequest& req);
Co<HttpResponse> sweep(ApiServices& s);
Co<HttpResponse> list_events(ApiServices& s, const HttpRequest& req);
Co<HttpResponse> list_reservations(ApiServices& s, const HttpRequest& req);
Co<HttpResponse> deliver_notifications(ApiServices& s);
Co<HttpResponse> put_availability(ApiServices& s, const HttpRequest& req, std::string expert_id);
Co<HttpResponse> get_availability(ApiServices& s, std::string expert_id);
Co<HttpResponse> delete_availability(ApiServices& s, std::string expert_id);
Co<HttpResponse> put_busy(ApiServices& s, const HttpRequest& req, std::string expert_id, std::string block_id);
Co<HttpResponse> delete_busy(ApiServices& s, std::string expert_id, std::string block_id);
Co<HttpResponse> list_busy(ApiServices& s, const HttpRequest& req, std::string expert_id);
// An expert's calendar feeds and their sync (calendars_handler.cpp).
Co<HttpResponse> put_calendars(ApiServices& s, const HttpRequest& req, std::string expert_id);
Co<HttpResponse> get_calendars(ApiServices& s, std::string expert_id);
Co<HttpResponse> delete_calendars(ApiServices& s, std::string expert_id);
Co<HttpResponse> sync_calendar(ApiServices& s, const HttpRequest& req, std::string expert_id, std::string feed_id);
Co<HttpResponse> calendars_due(ApiServices& s, const HttpRequest& req);
Co<HttpResponse> reschedule_reservation(ApiServices& s, const HttpRequest& req, std::string rid);
// The connected account an expert is paid through (booking/payouts.h).
Co<HttpResponse> put_payouts(ApiServices& s, const HttpRequest& req, std::string expert_id);
Co<HttpResponse> get_payouts(ApiServices& s, std::string expert_id);
Co<HttpResponse> delete_payouts(ApiServices& s, std::string expert_id);
// The expert's answer to a booking awaiting approval (payments/approval.h).
Co<HttpResponse> approve_reservation(ApiServices& s, const HttpRequest& req, std::string rid);
Co<HttpResponse> decline_reservation(ApiServices& s, const HttpRequest& req, std::string rid);
// Prepaid packs of sessions (booking/packs.h).
Co<HttpResponse> create_pack(ApiServices& s, const HttpRequest& req);
Co<HttpResponse> get_pack(ApiServices& s, std::string pack_id);

}  // namespace slotguard::api
