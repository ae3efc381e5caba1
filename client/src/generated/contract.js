// Generated from docs/openapi.yaml by scripts/lib/gen-client.mjs: do not edit.

/** Every error code the API answers (the spec's lists; core/slotguard/api/errors.def and the hosts'). */
export const ERROR_CODES = /** @type {const} */ ([
  "approval_already_decided",
  "approval_deadline_passed",
  "authorization_expired",
  "availability_not_found",
  "bad_request",
  "booking_cap_reached",
  "busy_block_not_found",
  "calendar_feed_not_found",
  "calendars_not_found",
  "contention",
  "event_expert_fixed",
  "event_not_found",
  "expert_cannot_accept_payments",
  "idempotency_key_reused",
  "internal_error",
  "invalid_event",
  "invalid_idempotency_key",
  "invalid_json",
  "invalid_query",
  "invalid_signature",
  "method_not_allowed",
  "not_awaiting_approval",
  "not_found",
  "out_of_memory",
  "overloaded",
  "pack_expired",
  "pack_not_found",
  "pack_not_paid",
  "pack_used_up",
  "packs_need_shared_store",
  "payload_too_large",
  "payment_provider_error",
  "payment_provider_unavailable",
  "payouts_not_found",
  "pool_needs_shared_store",
  "rate_limited",
  "request_timeout",
  "reschedule_limit_reached",
  "reservation_confirmed",
  "reservation_not_found",
  "reservation_not_movable",
  "reservation_released",
  "server_misconfigured",
  "shutting_down",
  "slot_not_offered",
  "slot_unavailable",
  "store_unavailable",
  "too_many_holds",
  "unauthorized",
  "uri_too_long",
  "validation_failed",
  "webhook_not_configured"
]);

/** @typedef {typeof ERROR_CODES[number]} ErrorCode */

/** Every operation of the spec: method, path, whether it takes the admin token or an Idempotency-Key, and whether it answers text. */
export const OPERATIONS = /** @type {const} */ ({
  "approveReservation": {
    "method": "POST",
    "path": "/v1/reservations/{reservation_id}/approve",
    "admin": true,
    "idempotencyKey": false,
    "text": false
  },
  "calendarsDue": {
    "method": "POST",
    "path": "/v1/maintenance/calendars",
    "admin": true,
    "idempotencyKey": false,
    "text": false
  },
  "cancelReservation": {
    "method": "DELETE",
    "path": "/v1/reservations/{id}",
    "admin": false,
    "idempotencyKey": false,
    "text": false
  },
  "createPack": {
    "method": "POST",
    "path": "/v1/packs",
    "admin": false,
    "idempotencyKey": true,
    "text": false
  },
  "createReservation": {
    "method": "POST",
    "path": "/v1/reservations",
    "admin": false,
    "idempotencyKey": true,
    "text": false
  },
  "declineReservation": {
    "method": "POST",
    "path": "/v1/reservations/{reservation_id}/decline",
    "admin": true,
    "idempotencyKey": false,
    "text": false
  },
  "deleteAvailability": {
    "method": "DELETE",
    "path": "/v1/experts/{expert_id}/availability",
    "admin": true,
    "idempotencyKey": false,
    "text": false
  },
  "deleteBusy": {
    "method": "DELETE",
    "path": "/v1/experts/{expert_id}/busy/{block_id}",
    "admin": true,
    "idempotencyKey": false,
    "text": false
  },
  "deleteCalendars": {
    "method": "DELETE",
    "path": "/v1/experts/{expert_id}/calendars",
    "admin": true,
    "idempotencyKey": false,
    "text": false
  },
  "deletePayouts": {
    "method": "DELETE",
    "path": "/v1/experts/{expert_id}/payouts",
    "admin": true,
    "idempotencyKey": false,
    "text": false
  },
  "deliverNotifications": {
    "method": "POST",
    "path": "/v1/maintenance/notify",
    "admin": true,
    "idempotencyKey": false,
    "text": false
  },
  "getAvailability": {
    "method": "GET",
    "path": "/v1/experts/{expert_id}/availability",
    "admin": true,
    "idempotencyKey": false,
    "text": false
  },
  "getCalendars": {
    "method": "GET",
    "path": "/v1/experts/{expert_id}/calendars",
    "admin": true,
    "idempotencyKey": false,
    "text": false
  },
  "getEvent": {
    "method": "GET",
    "path": "/v1/events/{event_id}",
    "admin": false,
    "idempotencyKey": false,
    "text": false
  },
  "getPack": {
    "method": "GET",
    "path": "/v1/packs/{pack_id}",
    "admin": false,
    "idempotencyKey": false,
    "text": false
  },
  "getPayouts": {
    "method": "GET",
    "path": "/v1/experts/{expert_id}/payouts",
    "admin": true,
    "idempotencyKey": false,
    "text": false
  },
  "getReservation": {
    "method": "GET",
    "path": "/v1/reservations/{id}",
    "admin": false,
    "idempotencyKey": false,
    "text": false
  },
  "getSlots": {
    "method": "GET",
    "path": "/v1/events/{event_id}/slots",
    "admin": false,
    "idempotencyKey": false,
    "text": false
  },
  "health": {
    "method": "GET",
    "path": "/healthz",
    "admin": false,
    "idempotencyKey": false,
    "text": false
  },
  "listBusy": {
    "method": "GET",
    "path": "/v1/experts/{expert_id}/busy",
    "admin": true,
    "idempotencyKey": false,
    "text": false
  },
  "listEvents": {
    "method": "GET",
    "path": "/v1/events",
    "admin": false,
    "idempotencyKey": false,
    "text": false
  },
  "listReservations": {
    "method": "GET",
    "path": "/v1/reservations",
    "admin": true,
    "idempotencyKey": false,
    "text": false
  },
  "metrics": {
    "method": "GET",
    "path": "/metrics",
    "admin": false,
    "idempotencyKey": false,
    "text": true
  },
  "putAvailability": {
    "method": "PUT",
    "path": "/v1/experts/{expert_id}/availability",
    "admin": true,
    "idempotencyKey": false,
    "text": false
  },
  "putBusy": {
    "method": "PUT",
    "path": "/v1/experts/{expert_id}/busy/{block_id}",
    "admin": true,
    "idempotencyKey": false,
    "text": false
  },
  "putCalendars": {
    "method": "PUT",
    "path": "/v1/experts/{expert_id}/calendars",
    "admin": true,
    "idempotencyKey": false,
    "text": false
  },
  "putEvent": {
    "method": "PUT",
    "path": "/v1/events/{event_id}",
    "admin": true,
    "idempotencyKey": false,
    "text": false
  },
  "putPayouts": {
    "method": "PUT",
    "path": "/v1/experts/{expert_id}/payouts",
    "admin": true,
    "idempotencyKey": false,
    "text": false
  },
  "rescheduleReservation": {
    "method": "POST",
    "path": "/v1/reservations/{id}/reschedule",
    "admin": false,
    "idempotencyKey": false,
    "text": false
  },
  "stripeWebhook": {
    "method": "POST",
    "path": "/v1/stripe/webhook",
    "admin": false,
    "idempotencyKey": false,
    "text": false
  },
  "sweep": {
    "method": "POST",
    "path": "/v1/maintenance/sweep",
    "admin": true,
    "idempotencyKey": false,
    "text": false
  },
  "syncCalendar": {
    "method": "POST",
    "path": "/v1/experts/{expert_id}/calendars/{feed_id}/sync",
    "admin": true,
    "idempotencyKey": false,
    "text": false
  }
});
