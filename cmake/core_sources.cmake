# The core's sources, shared by the native, wasi and Emscripten builds. Headers are
# included from the one root core/ as "slotguard/<part>/<file>.h"; the parts, bottom
# to top, are listed in HACKING.md.
set(SLOTGUARD_CORE_DIR ${CMAKE_CURRENT_LIST_DIR}/../core)
set(SLOTGUARD_CORE_SOURCES
  ${SLOTGUARD_CORE_DIR}/slotguard/base/http_types.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/base/json.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/base/metrics.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/base/sg_assert.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/base/sha256.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/base/utf8.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/time/time_rfc3339.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/time/tz_data.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/time/tz_rules.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/host/config.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/host/engine.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/host/envelope.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/host/fetch_client.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/host/services.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/host/store_client.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/booking/availability.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/booking/domain.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/booking/event_cache.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/booking/guest_holds.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/booking/notifications.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/booking/schedule_rules.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/ledger/reservation_txn.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/ledger/slot_ledger.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/ledger/store_keys.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/payments/checkout_link.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/payments/payment_effects.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/payments/stripe/form_encoding.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/payments/stripe/stripe_api.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/payments/stripe/webhook_signature.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/api/events_handler.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/api/experts_handler.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/api/listing_handler.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/api/notify_handler.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/api/records.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/api/reservations_handler.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/api/responses.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/api/retention.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/api/router.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/api/slots_handler.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/api/sweep_handler.cpp
  ${SLOTGUARD_CORE_DIR}/slotguard/api/webhook_handler.cpp
)
