// Generated from docs/openapi.yaml by scripts/lib/gen-client.mjs: do not edit.
export interface paths {
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An expert's event types, ordered by event id (at most 200). */
        get: operations["listEvents"];
        put?: never;
        post?: never;
        delete?: never;
        /**
         * CORS preflight.
         * @description Answered 204 when `Origin` is allowed (`SLOTGUARD_CORS_ORIGINS`; none by default).
         */
        options: {
            parameters: {
                query?: never;
                header: {
                    Origin: components["parameters"]["Origin"];
                    "Access-Control-Request-Method": components["parameters"]["AccessControlRequestMethod"];
                    "Access-Control-Request-Headers"?: components["parameters"]["AccessControlRequestHeaders"];
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                204: components["responses"]["CorsPreflight"];
                404: components["responses"]["RouteNotFound"];
                405: components["responses"]["PreflightRefused"];
                429: components["responses"]["RateLimited"];
                500: components["responses"]["InternalError"];
                503: components["responses"]["HostUnavailable"];
            };
        };
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events/{event_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                event_id: components["parameters"]["EventId"];
            };
            cookie?: never;
        };
        /** Read an event type. */
        get: operations["getEvent"];
        /** Create (201) or replace (200) an event type. */
        put: operations["putEvent"];
        post?: never;
        delete?: never;
        /**
         * CORS preflight.
         * @description Answered 204 when `Origin` is allowed (`SLOTGUARD_CORS_ORIGINS`; none by default).
         */
        options: {
            parameters: {
                query?: never;
                header: {
                    Origin: components["parameters"]["Origin"];
                    "Access-Control-Request-Method": components["parameters"]["AccessControlRequestMethod"];
                    "Access-Control-Request-Headers"?: components["parameters"]["AccessControlRequestHeaders"];
                };
                path: {
                    event_id: components["parameters"]["EventId"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                204: components["responses"]["CorsPreflight"];
                404: components["responses"]["RouteNotFound"];
                405: components["responses"]["PreflightRefused"];
                429: components["responses"]["RateLimited"];
                500: components["responses"]["InternalError"];
                503: components["responses"]["HostUnavailable"];
            };
        };
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events/{event_id}/slots": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                event_id: components["parameters"]["EventId"];
            };
            cookie?: never;
        };
        /**
         * Offered start times in [from, to) and whether each is free.
         * @description Starts align to the event's `slot_step_minutes` counted from each UTC midnight
         *     (from each local midnight of the expert's time zone when the expert has an
         *     availability document), respect `min_notice_minutes` and `max_advance_days`, and
         *     are listed in order. When the expert has availability, only starts whose whole
         *     appointment (not the buffers) lies inside one interval of its local day are
         *     listed; a local time skipped by a daylight-saving change is absent, and one that
         *     happens twice is listed once (its first occurrence). `available` is false while
         *     an active hold or booking or a busy block (with the event's buffers) overlaps
         *     the slot, or, for a seated event, while all its seats are taken; who holds it is
         *     never shown.
         */
        get: operations["getSlots"];
        put?: never;
        post?: never;
        delete?: never;
        /**
         * CORS preflight.
         * @description Answered 204 when `Origin` is allowed (`SLOTGUARD_CORS_ORIGINS`; none by default).
         */
        options: {
            parameters: {
                query?: never;
                header: {
                    Origin: components["parameters"]["Origin"];
                    "Access-Control-Request-Method": components["parameters"]["AccessControlRequestMethod"];
                    "Access-Control-Request-Headers"?: components["parameters"]["AccessControlRequestHeaders"];
                };
                path: {
                    event_id: components["parameters"]["EventId"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                204: components["responses"]["CorsPreflight"];
                404: components["responses"]["RouteNotFound"];
                405: components["responses"]["PreflightRefused"];
                429: components["responses"]["RateLimited"];
                500: components["responses"]["InternalError"];
                503: components["responses"]["HostUnavailable"];
            };
        };
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/reservations/{reservation_id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                reservation_id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve a booking awaiting approval: capture the guest's payment and confirm.
         * @description For an event type with `approval.required`: the guest's card was authorized at
         *     Checkout and the booking is `awaiting_approval` until `approval.respond_by`. The
         *     answer is recorded first, so of an approve and a decline racing exactly one wins
         *     and only its Stripe call is made; then the PaymentIntent is captured and the
         *     booking confirmed. Sends `reservation.approved` and `reservation.confirmed`.
         */
        post: operations["approveReservation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/reservations/{reservation_id}/decline": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                reservation_id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Decline a booking awaiting approval: void the guest's authorization and release.
         * @description The answer is recorded first (see approve), then the PaymentIntent is cancelled:
         *     the guest is never charged. The booking ends `released` (`declined`). Sends
         *     `reservation.declined` and `reservation.released`.
         */
        post: operations["declineReservation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/experts/{expert_id}/payouts": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                expert_id: components["schemas"]["ClientId"];
            };
            cookie?: never;
        };
        /** The connected account the expert is paid through, and the platform's fee. */
        get: operations["getPayouts"];
        /**
         * Pay the expert through a Stripe Connect account: destination charges with a platform fee.
         * @description New holds of the expert's event types open Checkout Sessions as destination charges:
         *     `payment_intent_data[transfer_data][destination]` is the account and
         *     `payment_intent_data[application_fee_amount]` the fee the core computes from the
         *     price (`percent`, rounded down to a whole minor unit, or `amount`; never more than
         *     the price), with `payment_intent_data[on_behalf_of]` when `on_behalf_of` is true.
         *     The reservation keeps the destination and the fee it was held under. Stripe is asked
         *     about the account at once (`charges_enabled`); while it cannot take charges, new holds
         *     answer 422 `expert_cannot_accept_payments` (bookings already made are unaffected).
         *     Refunds reverse the transfer and refund the fee in the refund's proportion.
         */
        put: operations["putPayouts"];
        post?: never;
        /** Stop paying the expert through a connected account (new holds are plain charges). */
        delete: operations["deletePayouts"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/experts/{expert_id}/availability": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                expert_id: components["parameters"]["ExpertId"];
            };
            cookie?: never;
        };
        /** Read an expert's working hours. */
        get: operations["getAvailability"];
        /**
         * Create (201) or replace (200) an expert's working hours.
         * @description Weekly intervals and dated overrides in local wall-clock time of an IANA time
         *     zone: `09:00` means 09:00 local on both sides of a daylight-saving change. From
         *     then on a start of this expert's event types is offered only if the whole
         *     appointment (not its buffers) lies inside one interval of its local day (an
         *     override replaces the weekday's intervals for its date; an empty list is a day
         *     off), and starts align to `slot_step_minutes` from each local midnight. A local
         *     time that does not exist is never offered; one that happens twice is offered
         *     once, the first time. Existing reservations are not touched. An expert without
         *     a document keeps every aligned start, day and night.
         */
        put: operations["putAvailability"];
        post?: never;
        /**
         * Remove an expert's working hours (back to every aligned start).
         * @description Repeatable; answers the same when there was no document.
         */
        delete: operations["deleteAvailability"];
        /**
         * CORS preflight.
         * @description Answered 204 when `Origin` is allowed (`SLOTGUARD_CORS_ORIGINS`; none by default).
         */
        options: {
            parameters: {
                query?: never;
                header: {
                    Origin: components["parameters"]["Origin"];
                    "Access-Control-Request-Method": components["parameters"]["AccessControlRequestMethod"];
                    "Access-Control-Request-Headers"?: components["parameters"]["AccessControlRequestHeaders"];
                };
                path: {
                    expert_id: components["parameters"]["ExpertId"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                204: components["responses"]["CorsPreflight"];
                404: components["responses"]["RouteNotFound"];
                405: components["responses"]["PreflightRefused"];
                429: components["responses"]["RateLimited"];
                500: components["responses"]["InternalError"];
                503: components["responses"]["HostUnavailable"];
            };
        };
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/experts/{expert_id}/busy": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                expert_id: components["parameters"]["ExpertId"];
            };
            cookie?: never;
        };
        /** An expert's busy blocks that overlap [from, to), ordered by start (at most 500). */
        get: operations["listBusy"];
        put?: never;
        post?: never;
        delete?: never;
        /**
         * CORS preflight.
         * @description Answered 204 when `Origin` is allowed (`SLOTGUARD_CORS_ORIGINS`; none by default).
         */
        options: {
            parameters: {
                query?: never;
                header: {
                    Origin: components["parameters"]["Origin"];
                    "Access-Control-Request-Method": components["parameters"]["AccessControlRequestMethod"];
                    "Access-Control-Request-Headers"?: components["parameters"]["AccessControlRequestHeaders"];
                };
                path: {
                    expert_id: components["parameters"]["ExpertId"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                204: components["responses"]["CorsPreflight"];
                404: components["responses"]["RouteNotFound"];
                405: components["responses"]["PreflightRefused"];
                429: components["responses"]["RateLimited"];
                500: components["responses"]["InternalError"];
                503: components["responses"]["HostUnavailable"];
            };
        };
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/experts/{expert_id}/busy/{block_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                expert_id: components["parameters"]["ExpertId"];
                /** @description Chosen by the app (e.g. the id of the event in the other calendar). */
                block_id: components["schemas"]["ClientId"];
            };
            cookie?: never;
        };
        get?: never;
        /**
         * Create (201) or replace (200) one busy block from the expert's other calendars.
         * @description A busy block conflicts with holds exactly like a confirmed reservation, in the
         *     same transaction: a block and a hold racing for the same time never both
         *     stand. A block that overlaps existing active reservations is stored anyway
         *     (the outside event happened) and the answer lists their ids, so the app can act.
         */
        put: operations["putBusy"];
        post?: never;
        /** Remove one busy block; its time is free again. */
        delete: operations["deleteBusy"];
        /**
         * CORS preflight.
         * @description Answered 204 when `Origin` is allowed (`SLOTGUARD_CORS_ORIGINS`; none by default).
         */
        options: {
            parameters: {
                query?: never;
                header: {
                    Origin: components["parameters"]["Origin"];
                    "Access-Control-Request-Method": components["parameters"]["AccessControlRequestMethod"];
                    "Access-Control-Request-Headers"?: components["parameters"]["AccessControlRequestHeaders"];
                };
                path: {
                    expert_id: components["parameters"]["ExpertId"];
                    /** @description Chosen by the app (e.g. the id of the event in the other calendar). */
                    block_id: components["schemas"]["ClientId"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                204: components["responses"]["CorsPreflight"];
                404: components["responses"]["RouteNotFound"];
                405: components["responses"]["PreflightRefused"];
                429: components["responses"]["RateLimited"];
                500: components["responses"]["InternalError"];
                503: components["responses"]["HostUnavailable"];
            };
        };
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/experts/{expert_id}/calendars": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                expert_id: components["parameters"]["ExpertId"];
            };
            cookie?: never;
        };
        /** The expert's calendar feeds. */
        get: operations["getCalendars"];
        /**
         * Create (201) or replace (200) the expert's calendar feeds (iCalendar URLs).
         * @description The hosts read each feed on a timer (the Node host every `calendarSyncIntervalMs`,
         *     the Worker on its cron) and turn its busy events into busy blocks (see
         *     `POST /v1/experts/{expert_id}/calendars/{feed_id}/sync`). Each feed's id is derived
         *     from its URL. Feeds no longer listed lose their blocks now (`blocks_removed`);
         *     busy blocks the app wrote itself are never touched. A feed URL may carry a secret
         *     (a private calendar address): it is shown to the admin only and never logged.
         */
        put: operations["putCalendars"];
        post?: never;
        /**
         * Remove the expert's calendar feeds and every busy block they made.
         * @description Idempotent; blocks the app wrote itself stay.
         */
        delete: operations["deleteCalendars"];
        /**
         * CORS preflight.
         * @description Answered 204 when `Origin` is allowed (`SLOTGUARD_CORS_ORIGINS`; none by default).
         */
        options: {
            parameters: {
                query?: never;
                header: {
                    Origin: components["parameters"]["Origin"];
                    "Access-Control-Request-Method": components["parameters"]["AccessControlRequestMethod"];
                    "Access-Control-Request-Headers"?: components["parameters"]["AccessControlRequestHeaders"];
                };
                path: {
                    expert_id: components["parameters"]["ExpertId"];
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                204: components["responses"]["CorsPreflight"];
                404: components["responses"]["RouteNotFound"];
                405: components["responses"]["PreflightRefused"];
                429: components["responses"]["RateLimited"];
                500: components["responses"]["InternalError"];
                503: components["responses"]["HostUnavailable"];
            };
        };
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/experts/{expert_id}/calendars/{feed_id}/sync": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                expert_id: components["parameters"]["ExpertId"];
                /** @description The feed's id, as `GET .../calendars` and `POST /v1/maintenance/calendars` give it. */
                feed_id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Apply one feed's busy events as busy blocks (the hosts' calendar sync calls it).
         * @description The host sends the feed's whole set of busy events as it read them now, expanded
         *     (recurrences, time zones) within the window `POST /v1/maintenance/calendars`
         *     gives; the core makes them blocks and applies the difference to the feed's own
         *     blocks (ids `cal-<feed_id>-...`): adds, moves, removes. Each event is cut into
         *     blocks of at most 24 hours counted from its start; only blocks that overlap the
         *     window are kept. Dated events (all-day) cover whole days in the expert's time
         *     zone (its availability's; UTC without one). Each change is its own transaction;
         *     a sync cut short is finished by the next one.
         *
         *     `{"error": "..."}` instead says the host could not read the feed: nothing
         *     changes, the feed's last good blocks stay, and the core logs
         *     `calendar_feed_failed` and counts `slotguard_calendar_syncs_total{outcome="failed"}`.
         */
        post: operations["syncCalendar"];
        delete?: never;
        /**
         * CORS preflight.
         * @description Answered 204 when `Origin` is allowed (`SLOTGUARD_CORS_ORIGINS`; none by default).
         */
        options: {
            parameters: {
                query?: never;
                header: {
                    Origin: components["parameters"]["Origin"];
                    "Access-Control-Request-Method": components["parameters"]["AccessControlRequestMethod"];
                    "Access-Control-Request-Headers"?: components["parameters"]["AccessControlRequestHeaders"];
                };
                path: {
                    expert_id: components["parameters"]["ExpertId"];
                    /** @description The feed's id, as `GET .../calendars` and `POST /v1/maintenance/calendars` give it. */
                    feed_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                204: components["responses"]["CorsPreflight"];
                404: components["responses"]["RouteNotFound"];
                405: components["responses"]["PreflightRefused"];
                429: components["responses"]["RateLimited"];
                500: components["responses"]["InternalError"];
                503: components["responses"]["HostUnavailable"];
            };
        };
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/reservations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One expert's reservations whose start lies in [from, to), ordered by start (for reconciliation). */
        get: operations["listReservations"];
        put?: never;
        /**
         * Hold a slot, then open its Stripe Checkout Session.
         * @description The hold is committed atomically before Stripe is called; only the winner of a
         *     contested slot reaches Stripe. With an `Idempotency-Key`, the same request
         *     (same parsed body) replays: the answer follows the reservation's current state
         *     and carries `Idempotent-Replayed: true`, and a replay after a 503 finishes what
         *     the first attempt began.
         */
        post: operations["createReservation"];
        delete?: never;
        /**
         * CORS preflight.
         * @description Answered 204 when `Origin` is allowed (`SLOTGUARD_CORS_ORIGINS`; none by default).
         */
        options: {
            parameters: {
                query?: never;
                header: {
                    Origin: components["parameters"]["Origin"];
                    "Access-Control-Request-Method": components["parameters"]["AccessControlRequestMethod"];
                    "Access-Control-Request-Headers"?: components["parameters"]["AccessControlRequestHeaders"];
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                204: components["responses"]["CorsPreflight"];
                404: components["responses"]["RouteNotFound"];
                405: components["responses"]["PreflightRefused"];
                429: components["responses"]["RateLimited"];
                500: components["responses"]["InternalError"];
                503: components["responses"]["HostUnavailable"];
            };
        };
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/reservations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The reservation id (`rsv_...`). It is the capability: whoever has it may read, cancel and reschedule. */
                id: string;
            };
            cookie?: never;
        };
        /** Read a reservation. */
        get: operations["getReservation"];
        put?: never;
        post?: never;
        /**
         * Release a held reservation (expiring its Checkout Session), or cancel a confirmed one under the terms it was booked with.
         * @description A `pending_payment` hold is released and its Checkout Session expired; a payment
         *     that still arrives for it is refunded. When the guest paid the session meanwhile
         *     (Stripe will not expire it), the payment is refunded at once and the answer is
         *     `refunded`. A `confirmed` booking may be cancelled only
         *     under the `cancellation` terms it was made under (fixed when it was held from its
         *     event type's tiers and its first start; see the reservation's `cancellation`):
         *     the `refund_percent` of the first tier whose `until` it is not past is refunded,
         *     rounded down to a whole minor unit, and nothing after the last tier. Moving the
         *     booking does not move those dates. The slot is freed and the refund queued in the same commit (sent to
         *     Stripe now and retried by the sweep); the reservation ends `refunded` with its
         *     `refund`, or `released` when the policy gives nothing back. `release_reason` is
         *     `cancelled` either way. Repeatable: a reservation already released or refunded is
         *     answered as it is.
         *
         *     With `?unpaid_only=true` only an unpaid hold is released: a `confirmed` booking
         *     answers 409 `reservation_confirmed` and stands, whatever its policy. A page that
         *     lands on its "back from Checkout" address uses it, since the guest may have paid
         *     in another tab meanwhile.
         */
        delete: operations["cancelReservation"];
        /**
         * CORS preflight.
         * @description Answered 204 when `Origin` is allowed (`SLOTGUARD_CORS_ORIGINS`; none by default).
         */
        options: {
            parameters: {
                query?: never;
                header: {
                    Origin: components["parameters"]["Origin"];
                    "Access-Control-Request-Method": components["parameters"]["AccessControlRequestMethod"];
                    "Access-Control-Request-Headers"?: components["parameters"]["AccessControlRequestHeaders"];
                };
                path: {
                    /** @description The reservation id (`rsv_...`). It is the capability: whoever has it may read, cancel and reschedule. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                204: components["responses"]["CorsPreflight"];
                404: components["responses"]["RouteNotFound"];
                405: components["responses"]["PreflightRefused"];
                429: components["responses"]["RateLimited"];
                500: components["responses"]["InternalError"];
                503: components["responses"]["HostUnavailable"];
            };
        };
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/reservations/{id}/reschedule": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The reservation id (`rsv_...`). It is the capability: whoever has it may move it. */
                id: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Move a pending or confirmed reservation to another start of its event type, in one commit.
         * @description The new time is held and the old one freed together, or nothing changes (the
         *     booking keeps its time). The new start must be offered as for
         *     `POST /v1/reservations` (aligned, within the horizon and the expert's
         *     availability), at least the event type's `reschedule.before_minutes` ahead;
         *     the booking itself must start at least that far ahead (exactly that far counts),
         *     and may have been moved at most `reschedule.max_times` times before (counted on
         *     the reservation, `reschedule_count`, in the same commit as the move). The payment
         *     stays attached (a confirmed booking stays confirmed) and a pending reservation's
         *     checkout stays valid. Repeating the request with the current start answers 200
         *     and changes nothing: it is neither counted again nor refused by the limit or the
         *     notice. Sends `reservation.rescheduled`.
         */
        post: operations["rescheduleReservation"];
        delete?: never;
        /**
         * CORS preflight.
         * @description Answered 204 when `Origin` is allowed (`SLOTGUARD_CORS_ORIGINS`; none by default).
         */
        options: {
            parameters: {
                query?: never;
                header: {
                    Origin: components["parameters"]["Origin"];
                    "Access-Control-Request-Method": components["parameters"]["AccessControlRequestMethod"];
                    "Access-Control-Request-Headers"?: components["parameters"]["AccessControlRequestHeaders"];
                };
                path: {
                    /** @description The reservation id (`rsv_...`). It is the capability: whoever has it may move it. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                204: components["responses"]["CorsPreflight"];
                404: components["responses"]["RouteNotFound"];
                405: components["responses"]["PreflightRefused"];
                429: components["responses"]["RateLimited"];
                500: components["responses"]["InternalError"];
                503: components["responses"]["HostUnavailable"];
            };
        };
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/packs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Buy a pack of sessions of an event type through Stripe Checkout.
         * @description The pack is written `pending_payment` and its Checkout Session opened for the
         *     offer's price; once Stripe reports the payment (webhook, or the events pass) it is
         *     `active` for the offer's `valid_days`. Nothing is held meanwhile: a pack reserves
         *     no slot. Book with its credits through `POST /v1/reservations` with `pack_id`.
         *     With an `Idempotency-Key`, the same request replays (and opens the checkout the
         *     first attempt could not).
         */
        post: operations["createPack"];
        delete?: never;
        /**
         * CORS preflight.
         * @description Answered 204 when `Origin` is allowed (`SLOTGUARD_CORS_ORIGINS`; none by default).
         */
        options: {
            parameters: {
                query?: never;
                header: {
                    Origin: components["parameters"]["Origin"];
                    "Access-Control-Request-Method": components["parameters"]["AccessControlRequestMethod"];
                    "Access-Control-Request-Headers"?: components["parameters"]["AccessControlRequestHeaders"];
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                204: components["responses"]["CorsPreflight"];
                404: components["responses"]["RouteNotFound"];
                405: components["responses"]["PreflightRefused"];
                429: components["responses"]["RateLimited"];
                500: components["responses"]["InternalError"];
                503: components["responses"]["HostUnavailable"];
            };
        };
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/packs/{pack_id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The pack id (`pak_...`). */
                pack_id: string;
            };
            cookie?: never;
        };
        /** Read a pack and the credits it has left. */
        get: operations["getPack"];
        put?: never;
        post?: never;
        delete?: never;
        /**
         * CORS preflight.
         * @description Answered 204 when `Origin` is allowed (`SLOTGUARD_CORS_ORIGINS`; none by default).
         */
        options: {
            parameters: {
                query?: never;
                header: {
                    Origin: components["parameters"]["Origin"];
                    "Access-Control-Request-Method": components["parameters"]["AccessControlRequestMethod"];
                    "Access-Control-Request-Headers"?: components["parameters"]["AccessControlRequestHeaders"];
                };
                path: {
                    /** @description The pack id (`pak_...`). */
                    pack_id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                204: components["responses"]["CorsPreflight"];
                404: components["responses"]["RouteNotFound"];
                405: components["responses"]["PreflightRefused"];
                429: components["responses"]["RateLimited"];
                500: components["responses"]["InternalError"];
                503: components["responses"]["HostUnavailable"];
            };
        };
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stripe/webhook": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Stripe's events about Checkout Sessions.
         * @description The signature is verified over the raw body with every configured secret
         *     (`STRIPE_WEBHOOK_SECRET`, comma-separated while rotating). Each event applies
         *     once: a redelivery answers 200 with `duplicate: true`. Handled types:
         *     `checkout.session.completed`, `checkout.session.async_payment_succeeded`,
         *     `checkout.session.async_payment_failed`, `checkout.session.expired`; any other
         *     is recorded as `unsupported_type`. A 503 makes Stripe deliver the event again.
         */
        post: operations["stripeWebhook"];
        delete?: never;
        /**
         * CORS preflight.
         * @description Answered 204 when `Origin` is allowed (`SLOTGUARD_CORS_ORIGINS`; none by default).
         */
        options: {
            parameters: {
                query?: never;
                header: {
                    Origin: components["parameters"]["Origin"];
                    "Access-Control-Request-Method": components["parameters"]["AccessControlRequestMethod"];
                    "Access-Control-Request-Headers"?: components["parameters"]["AccessControlRequestHeaders"];
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                204: components["responses"]["CorsPreflight"];
                404: components["responses"]["RouteNotFound"];
                405: components["responses"]["PreflightRefused"];
                429: components["responses"]["RateLimited"];
                500: components["responses"]["InternalError"];
                503: components["responses"]["HostUnavailable"];
            };
        };
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/maintenance/sweep": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Release expired holds, finish or undo holds whose checkout never linked, retry refunds, purge old records.
         * @description Bounded work per call; `more` says whether to call again. Sweeps may overlap each
         *     other and live traffic. The Node host runs it every minute, the Worker on its cron.
         *     First, Stripe's `checkout.session.*` events after the cursor the store keeps
         *     (`GET /v1/events`, at most five pages a run) are applied as their webhooks would
         *     be, once: an event whose webhook came is skipped, and a webhook arriving later
         *     answers `duplicate`. Before an expired hold with a Checkout Session is released, Stripe is asked what
         *     became of the session: a paid one is applied as its webhook would be (the booking
         *     is confirmed, or refunded when its slot is gone), an unpaid voucher keeps the hold
         *     until the voucher's expiry, an open one is expired first, and while Stripe does
         *     not answer the hold is kept (it blocks nobody) for the next run. A pack still
         *     `pending_payment` once its checkout's expiry passed is settled the same way:
         *     activated if Stripe says its session was paid, `lapsed` otherwise.
         *     Retention purges released and refunded reservations (with their indexes and
         *     idempotency keys), and lapsed packs, after `SLOTGUARD_RETENTION_DAYS` (default 30);
         *     confirmed ones and paid packs are kept.
         */
        post: operations["sweep"];
        delete?: never;
        /**
         * CORS preflight.
         * @description Answered 204 when `Origin` is allowed (`SLOTGUARD_CORS_ORIGINS`; none by default).
         */
        options: {
            parameters: {
                query?: never;
                header: {
                    Origin: components["parameters"]["Origin"];
                    "Access-Control-Request-Method": components["parameters"]["AccessControlRequestMethod"];
                    "Access-Control-Request-Headers"?: components["parameters"]["AccessControlRequestHeaders"];
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                204: components["responses"]["CorsPreflight"];
                404: components["responses"]["RouteNotFound"];
                405: components["responses"]["PreflightRefused"];
                429: components["responses"]["RateLimited"];
                500: components["responses"]["InternalError"];
                503: components["responses"]["HostUnavailable"];
            };
        };
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/maintenance/notify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Deliver due notifications from the outbox to the app's endpoint (`SLOTGUARD_NOTIFY_URL`).
         * @description Bounded work per call; `more` says whether to call again. The hosts call it on a
         *     timer; see `webhooks` for what the app receives.
         */
        post: operations["deliverNotifications"];
        delete?: never;
        /**
         * CORS preflight.
         * @description Answered 204 when `Origin` is allowed (`SLOTGUARD_CORS_ORIGINS`; none by default).
         */
        options: {
            parameters: {
                query?: never;
                header: {
                    Origin: components["parameters"]["Origin"];
                    "Access-Control-Request-Method": components["parameters"]["AccessControlRequestMethod"];
                    "Access-Control-Request-Headers"?: components["parameters"]["AccessControlRequestHeaders"];
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                204: components["responses"]["CorsPreflight"];
                404: components["responses"]["RouteNotFound"];
                405: components["responses"]["PreflightRefused"];
                429: components["responses"]["RateLimited"];
                500: components["responses"]["InternalError"];
                503: components["responses"]["HostUnavailable"];
            };
        };
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/maintenance/calendars": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * The calendar feeds to sync, and the window to read them for.
         * @description A page of at most 100 experts' feeds; with `more`, call again with
         *     `{"after": <after>}`. The window runs from today's UTC midnight for
         *     `calendar_horizon_days`. The hosts' calendar sync calls it; with a Durable Object
         *     per expert the Worker's cron calls it on each object (a call through the Worker's
         *     front door sums the objects' answers, which carries no feed list).
         */
        post: operations["calendarsDue"];
        delete?: never;
        /**
         * CORS preflight.
         * @description Answered 204 when `Origin` is allowed (`SLOTGUARD_CORS_ORIGINS`; none by default).
         */
        options: {
            parameters: {
                query?: never;
                header: {
                    Origin: components["parameters"]["Origin"];
                    "Access-Control-Request-Method": components["parameters"]["AccessControlRequestMethod"];
                    "Access-Control-Request-Headers"?: components["parameters"]["AccessControlRequestHeaders"];
                };
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                204: components["responses"]["CorsPreflight"];
                404: components["responses"]["RouteNotFound"];
                405: components["responses"]["PreflightRefused"];
                429: components["responses"]["RateLimited"];
                500: components["responses"]["InternalError"];
                503: components["responses"]["HostUnavailable"];
            };
        };
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness. */
        get: operations["health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This instance's counters and gauges, Prometheus text format.
         * @description Every metric the core knows is listed (`# HELP`, `# TYPE`) even at zero. Alert
         *     rules: `examples/prometheus/alerts.yml`.
         */
        get: operations["metrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface webhooks {
    "reservation.held": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A slot was held for a guest (status `pending_payment`). */
        post: operations["notifyReservationHeld"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "reservation.confirmed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The guest paid and the slot is theirs (status `confirmed`). */
        post: operations["notifyReservationConfirmed"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "reservation.rescheduled": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A pending or confirmed reservation moved to a new time (`data.reservation` has the new `start` and `end`). */
        post: operations["notifyReservationRescheduled"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "reservation.released": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A hold or booking no longer stands (`data.reason` says why).
         * @description Sent when a reservation leaves `pending_payment` or `confirmed` for good: released
         *     (expired, cancelled, payment failed, Stripe refused the checkout), or `refunded`
         *     because the guest paid for a slot that was lost or cancelled. The refund itself is
         *     reported by `reservation.refunded` once Stripe confirms it.
         */
        post: operations["notifyReservationReleased"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "reservation.refunded": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stripe confirmed the refund of a payment whose slot was lost, whose hold the guest had cancelled, or whose booking the guest cancelled under its policy (status `refunded`). */
        post: operations["notifyReservationRefunded"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface components {
    schemas: {
        /** @description An identifier chosen by a client. */
        ClientId: string;
        Error: {
            error: {
                /** @description Stable, machine-readable: see each response. */
                code: string;
                /** @description For people; may change. */
                message: string;
            };
        };
        Price: {
            /** @description In minor units (cents). */
            amount: number;
            /** @description ISO 4217, lower case (e.g. `eur`). */
            currency: string;
        };
        PaymentMethodTypes: ("card" | "multibanco")[];
        /**
         * @description An event type as PUT. A field not listed here is refused (422
         *     `validation_failed`, "unknown field <name>"). `multibanco` requires currency
         *     `eur`. `title` is 1 to 200 bytes of UTF-8.
         */
        EventInput: {
            /** @description Optional; must equal the path. */
            id?: components["schemas"]["ClientId"];
            expert_id: components["schemas"]["ClientId"];
            title: string;
            duration_minutes: number;
            /** @default 0 */
            buffer_before_minutes?: number;
            /** @default 0 */
            buffer_after_minutes?: number;
            /**
             * @description Starts align to it from each UTC midnight, or from each local midnight when the expert has availability.
             * @default 30
             */
            slot_step_minutes?: number;
            /** @default 0 */
            min_notice_minutes?: number;
            /** @default 60 */
            max_advance_days?: number;
            price: components["schemas"]["Price"];
            /**
             * @default [
             *       "card"
             *     ]
             */
            payment_method_types?: components["schemas"]["PaymentMethodTypes"];
            /**
             * @description How many active reservations may share one start of this event type (a
             *     workshop). They block the expert's other event types and other starts as one
             *     booking would.
             * @default 1
             */
            seats?: number;
            /**
             * @description The older name of `reschedule.before_minutes`, still accepted. Given with it,
             *     the two must be equal (422 `validation_failed` otherwise): neither silently wins.
             */
            reschedule_min_notice_minutes?: number;
            reschedule?: components["schemas"]["RescheduleTerms"];
            /**
             * @description Whether and how a confirmed booking may be cancelled by its guest; null (the
             *     default) allows no cancellation once paid. Given as tiers, or in the older
             *     two-field form, which is read as its tiers; `GET` always shows the tiers.
             * @default null
             */
            cancellation?: components["schemas"]["CancellationPolicy"] | components["schemas"]["TwoFieldCancellationPolicy"] | null;
            approval?: components["schemas"]["ApprovalPolicy"];
            limits?: components["schemas"]["BookingLimits"];
            pool?: components["schemas"]["PoolRule"];
            /** @description Packs of sessions it sells ahead (`POST /v1/packs`); each size at most once. */
            packs?: components["schemas"]["PackOffer"][];
        };
        /** @description An event type as stored, every field present. */
        Event: {
            id: components["schemas"]["ClientId"];
            expert_id: components["schemas"]["ClientId"];
            title: string;
            duration_minutes: number;
            buffer_before_minutes: number;
            buffer_after_minutes: number;
            slot_step_minutes: number;
            min_notice_minutes: number;
            max_advance_days: number;
            price: components["schemas"]["Price"];
            payment_method_types: components["schemas"]["PaymentMethodTypes"];
            seats: number;
            /** @description The value in force (`min_notice_minutes` when none was given), the same as `reschedule.before_minutes`. */
            reschedule_min_notice_minutes: number;
            /** @description Shown with the notice in force, and `max_times` null when there is no limit. */
            reschedule: WithRequired<components["schemas"]["RescheduleTerms"], "before_minutes" | "max_times">;
            cancellation: components["schemas"]["CancellationPolicy"] | null;
            approval?: components["schemas"]["ApprovalPolicy"];
            limits?: components["schemas"]["BookingLimits"];
            pool?: components["schemas"]["PoolRule"];
            /** @description Packs of sessions it sells ahead (`POST /v1/packs`); each size at most once. */
            packs?: components["schemas"]["PackOffer"][];
        };
        /**
         * @description A pack of `sessions` bookings of this event type, bought at once through Checkout
         *     for `price` (in the event type's currency) and usable for `valid_days` from its
         *     payment. Not offered for an event type that needs approval. The Worker with a
         *     Durable Object per expert refuses packs (`packs_need_shared_store`).
         */
        PackOffer: {
            sessions: number;
            price: components["schemas"]["Price"];
            valid_days: number;
        };
        PackInput: {
            event_id: components["schemas"]["ClientId"];
            /** @description The size of one of the event type's `packs`. */
            sessions: number;
            guest: components["schemas"]["Guest"];
            /** @description Where Stripe sends the guest after paying. Default: `/return/?pack=<id>&outcome=paid` on the origin this request was made to. */
            success_url?: string;
            /** @description Where Stripe sends the guest who cancels. Default: `/return/?pack=<id>&outcome=cancelled` on that origin. */
            cancel_url?: string;
        };
        Pack: {
            /** @description The pack id (`pak_...`): whoever has it may read it, and its guest books with it. */
            id: string;
            event_id: components["schemas"]["ClientId"];
            expert_id: components["schemas"]["ClientId"];
            guest: components["schemas"]["Guest"];
            /**
             * @description `pending_payment`: its Checkout Session is open. `active`: paid; its credits
             *     may be spent until `expires_at`. `lapsed`: its checkout expired unpaid.
             * @enum {string}
             */
            status: "pending_payment" | "active" | "lapsed";
            sessions: number;
            credits_left: number;
            /**
             * Format: date-time
             * @description While `active`: the credits are usable before it.
             */
            expires_at: string | null;
            price: components["schemas"]["Price"];
            valid_days: number;
            /** Format: date-time */
            created_at: string;
            /** @description Stripe's hosted checkout page, while `pending_payment`. */
            checkout_url: string | null;
        };
        PackBody: {
            pack: components["schemas"]["Pack"];
        };
        /**
         * @description A team pool: the event type is booked with any one free member. `round_robin`
         *     gives bookings in turn, starting after the member the pool last gave one to;
         *     `least_booked` gives the next one to the member this pool has given the fewest.
         *     Each member's own working hours, busy blocks, other bookings and caps apply; the
         *     reservation's `expert_id` says which member it got. `expert_id` of the event type
         *     must be one of `experts` (the member it is listed under). The Worker with a
         *     Durable Object per expert refuses pools (`pool_needs_shared_store`).
         */
        PoolRule: {
            experts: components["schemas"]["ClientId"][];
            /**
             * @description `all`: a collective meeting, booked with every member at once. The hold takes the
             *     time on every member's ledger in one commit, or on none; `/slots` shows a start
             *     free only while every member's hours offer it and every member is free; the
             *     reservation's `expert_id` is the member the event type is listed under and
             *     `team` names the others. It moves, confirms and ends for all of them together.
             * @enum {string}
             */
            assign: "round_robin" | "least_booked" | "all";
        };
        /**
         * @description At most this many bookings a day and a week (either may be left out: no cap of
         *     that length). On an event type it counts that type's bookings; in the expert's
         *     availability, all of the expert's. Days and ISO weeks (Monday to Sunday) are
         *     the expert's local ones (UTC without an availability document). Holds, series
         *     and moves are counted in the hold's own commit, so concurrent requests never
         *     pass a cap; a released or lapsed hold frees its place; a move within one day
         *     does not count twice. A cap counts the bookings held while a cap applied to
         *     them. Shown only when set.
         */
        BookingLimits: {
            per_day?: number;
            per_week?: number;
        };
        PayoutsDefinition: {
            stripe_account: string;
            platform_fee: {
                percent: number;
            } | {
                amount: number;
            };
            /**
             * @description The connected account is the settlement merchant (`payment_intent_data[on_behalf_of]`).
             * @default false
             */
            on_behalf_of?: boolean;
        };
        PayoutsBody: {
            payouts: {
                stripe_account: string;
                platform_fee: Record<string, never>;
                on_behalf_of: boolean;
                /** @description What Stripe last said of the account; null before it was asked. */
                charges_enabled: boolean | null;
                /** @description When Stripe said it, in ms since the epoch (0 before). */
                checked_at: number;
            };
        };
        /**
         * @description Bookings the expert approves before the card is charged. The Checkout Session only
         *     authorizes the payment (card only: `payment_method_types` must be `[card]`); the
         *     booking then awaits approval, holding its slot, for `respond_within_minutes`. The
         *     limit, six days, is a day short of the seven Stripe keeps a card authorization,
         *     so the sweep declines an unanswered booking while the authorization still stands.
         */
        ApprovalPolicy: {
            required: boolean;
            /** @default 1440 */
            respond_within_minutes?: number;
        };
        /**
         * @description Refund tiers, the most generous first. A confirmed booking cancelled (DELETE) at
         *     least `before_minutes` before its first start gets the `refund_percent` of the
         *     first tier it is still that far ahead of (exactly `before_minutes` ahead counts);
         *     a cancellation later than every tier gets nothing back (the reservation ends
         *     `released`, as it does under a 0 % tier). Refunds are rounded down to a whole
         *     minor unit of the currency (50 % of 5001 cents is 2500). The tiers are fixed on
         *     the booking when it is held (see the reservation's `cancellation`). 1 to 8 tiers;
         *     `before_minutes` strictly decreasing from one tier to the next, `refund_percent`
         *     never increasing; anything else is refused (422 `validation_failed`, naming the
         *     field, e.g. `cancellation.tiers[1].before_minutes`).
         */
        CancellationPolicy: {
            tiers: {
                before_minutes: number;
                refund_percent: number;
            }[];
        };
        /**
         * @description When and how often a booking may be moved (`POST /v1/reservations/{id}/reschedule`).
         *     Either field may be left out: `before_minutes` then defaults to
         *     `reschedule_min_notice_minutes`, else `min_notice_minutes`; `max_times` to no limit.
         */
        RescheduleTerms: {
            /** @description A booking may be moved only while it starts at least this many minutes ahead, to a new start at least this far ahead. */
            before_minutes?: number;
            /** @description How many times one booking may be moved in its life; null, no limit; 0, never. */
            max_times?: number | null;
        };
        /**
         * @description The first form of a policy, still accepted in a PUT: the whole price at least
         *     `refund_before_minutes` before the first start, `refund_percent` of it from then
         *     until the start. It is read as the tiers
         *     `[{before_minutes: refund_before_minutes, refund_percent: 100}, {before_minutes: 0, refund_percent: refund_percent}]`
         *     (only the first when `refund_before_minutes` is 0) and shown as them. Mixing its
         *     fields with `tiers` is refused.
         */
        TwoFieldCancellationPolicy: {
            refund_before_minutes: number;
            refund_percent: number;
        };
        EventBody: {
            event: components["schemas"]["Event"];
        };
        Slot: {
            /** Format: date-time */
            start: string;
            /**
             * Format: date-time
             * @description start + the event's duration.
             */
            end: string;
            available: boolean;
            /** @description Seated events only (`seats` over 1); 0 whenever `available` is false. */
            seats_left?: number;
        };
        Guest: {
            /** @description One `@`, a dot after it, no spaces or `<>,;`. */
            email: string;
            /** @description 1 to 200 bytes. */
            name: string;
        };
        /** @description Exactly one of `start` and `starts`. */
        ReservationInput: {
            event_id: components["schemas"]["ClientId"];
            /**
             * Format: date-time
             * @description An offered start (see the event's slots).
             */
            start?: string;
            /**
             * @description A series, instead of `start`: 2 to 12 offered starts, in order, none
             *     overlapping another. Every start is held in one commit or none is (a 409 names
             *     the `starts[i]` that was refused); one Checkout Session is opened for the total
             *     (the event's price times the starts), and the series is confirmed or refunded
             *     together: a payment that arrives after the series lost a slot is refunded
             *     whole. The answer is the series' lead (the first start); `series` lists every
             *     occurrence. Cancelling one paid occurrence refunds its own share under the
             *     cancellation terms. Not offered for a pool's event type or one that needs
             *     approval.
             */
            starts?: string[];
            guest: components["schemas"]["Guest"];
            /**
             * @description Pay with a credit of this pack (`POST /v1/packs`) instead of through Checkout:
             *     the credit is taken in the hold's own commit and the reservation answers
             *     `confirmed`, with no `checkout_url`. The pack must be this guest's (by e-mail),
             *     of this event type, paid, unexpired, with a credit left. Only with `start`.
             */
            pack_id?: string;
            /** @description Among the event's; default: all of the event's. */
            payment_method_types?: components["schemas"]["PaymentMethodTypes"];
            /** @description Where Stripe sends the guest after paying. Default: `default_success_url`, the booking page's `/return/?reservation=<id>&outcome=paid` on the origin this request was made to. */
            success_url?: string;
            /** @description Where Stripe sends the guest who cancels. Default: `default_cancel_url`, `/return/?reservation=<id>&outcome=cancelled` on the origin this request was made to. */
            cancel_url?: string;
        };
        /**
         * @description `pending_payment`: held until `expires_at` while the guest pays.
         *     `awaiting_approval`: the guest's card is authorized and the slot held until the
         *     expert answers (`approval.respond_by`; see approve and decline). `confirmed`: paid,
         *     the slot is theirs. `released`: ended without payment, or cancelled under a policy
         *     that gave nothing back. `refunded`: paid, but the slot was lost or the guest had
         *     cancelled, so the money (all of it, or what the cancellation policy gives) went
         *     back; see `refund`.
         * @enum {string}
         */
        ReservationStatus: "pending_payment" | "confirmed" | "released" | "refunded" | "awaiting_approval";
        Reservation: {
            id: string;
            event_id: components["schemas"]["ClientId"];
            expert_id: components["schemas"]["ClientId"];
            /** Format: date-time */
            start: string;
            /** Format: date-time */
            end: string;
            guest: components["schemas"]["Guest"];
            status: components["schemas"]["ReservationStatus"];
            /**
             * @description Present once `released` or `refunded`: `cancelled` (DELETE, of a hold or of a
             *     confirmed booking under its event type's policy), `hold_expired` (the
             *     sweep), `checkout_expired` and `payment_failed` (Stripe's events),
             *     `payment_provider_error` (Stripe refused to open the checkout), `slot_lost`
             *     (paid after the hold had lapsed and someone else took the slot: refunded),
             *     `declined` (the expert declined), `approval_expired` (nobody approved by the
             *     deadline), `authorization_lost` (approved, but Stripe no longer held the
             *     payment).
             * @enum {string}
             */
            release_reason?: "cancelled" | "hold_expired" | "checkout_expired" | "payment_failed" | "payment_provider_error" | "slot_lost" | "declined" | "approval_expired" | "authorization_lost";
            /**
             * Format: date-time
             * @description When the hold ends; null unless `pending_payment`.
             */
            expires_at: string | null;
            /** @description Stripe's Checkout Session (`cs_...`), once linked. */
            checkout_session_id: string | null;
            /** @description Stripe's PaymentIntent (`pi_...`), once known. */
            payment_intent_id: string | null;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            /**
             * @description The terms this booking was made under, fixed when it was held from its event
             *     type's `cancellation` tiers and its first start: once paid, a guest who cancels
             *     at or before a tier's `until` gets that tier's `refund_percent` of the price
             *     back (the first such tier), and nothing after the last. Neither a reschedule
             *     nor a later change of the event type changes them. Null: the guest cannot
             *     cancel it once paid. Absent only on reservations held before terms were
             *     recorded, which are cancelled under their event type's current policy.
             */
            cancellation?: {
                tiers: {
                    /**
                     * Format: date-time
                     * @description The last instant this tier applies: the first start less the tier's
                     *     `before_minutes`. Null (no end) only in terms recorded before tiers,
                     *     whose late percentage applied at any time.
                     */
                    until: string | null;
                    refund_percent: number;
                }[];
            } | null;
            /** @description How many times it has been moved (see the event type's `reschedule.max_times`). */
            reschedule_count?: number;
            /** @description Present when it is an occurrence of a series (held with `starts`); shared by the series. */
            series_id?: string;
            /**
             * @description The series' reservations, first start first; the first (the lead) carries the
             *     Checkout Session for the whole series. Present with `series_id`.
             */
            series?: string[];
            /** @description A collective meeting's other members (its event type's pool assigns `all`); their time is taken too. */
            team?: string[];
            /** @description Present when it was paid with a credit of this pack. */
            pack_id?: string;
            /**
             * @description Present with `pack_id`: whether its cancellation gave the credit back (it does
             *     when the booking's terms would refund the whole price at that moment and the
             *     pack has not expired).
             */
            credit_returned?: boolean;
            /** @description Present when its event type needs the expert's approval (fixed when held). */
            approval?: {
                respond_within_minutes: number;
                /**
                 * Format: date-time
                 * @description The deadline while `awaiting_approval`; null otherwise.
                 */
                respond_by: string | null;
                /**
                 * @description The answer, once given.
                 * @enum {string|null}
                 */
                decision: "approve" | "decline" | null;
            };
            /** @description Present exactly when `refunded`; the amount refunded (or being refunded), in the price's minor units. */
            refund?: {
                amount: number;
                currency: string;
            };
        } & (unknown & unknown);
        ReservationBody: {
            reservation: components["schemas"]["Reservation"];
            /** @description Stripe's hosted checkout page; present while the reservation is `pending_payment` with its session linked. */
            checkout_url?: string;
        };
        Notification: {
            /** @description The same on every delivery attempt (`ntf_<reservation id>_<sequence>`). */
            id: string;
            /** @enum {string} */
            type: "reservation.held" | "reservation.confirmed" | "reservation.rescheduled" | "reservation.released" | "reservation.refunded" | "reservation.awaiting_approval" | "reservation.approved" | "reservation.declined";
            /** @description When the change was committed, Unix seconds. */
            created: number;
            data: {
                /** @description Exactly what GET /v1/reservations/{id} returns as `reservation`, as of the change. */
                reservation: components["schemas"]["Reservation"];
                /** @description `reservation.released` only: the reservation's `release_reason`. */
                reason?: string;
            };
        };
        /**
         * @description `[["HH:MM", "HH:MM"], ...]`: [start, end) in local wall-clock time, `00:00` to
         *     `23:59` (`24:00` is not a time of day), each ending after it starts, in order and
         *     not overlapping (touching is allowed); at most 12 a day. An empty list: not working.
         */
        LocalIntervals: string[][];
        /**
         * @description An expert's working hours as PUT. Unknown fields are refused. A weekday left out
         *     has no hours. `overrides` replace the weekday's intervals on their dates (the
         *     expert's local dates).
         */
        AvailabilityInput: {
            /** @description An IANA time zone name, e.g. `Europe/Lisbon`. */
            time_zone: string;
            weekly?: {
                mon?: components["schemas"]["LocalIntervals"];
                tue?: components["schemas"]["LocalIntervals"];
                wed?: components["schemas"]["LocalIntervals"];
                thu?: components["schemas"]["LocalIntervals"];
                fri?: components["schemas"]["LocalIntervals"];
                sat?: components["schemas"]["LocalIntervals"];
                sun?: components["schemas"]["LocalIntervals"];
            };
            overrides?: {
                /**
                 * Format: date
                 * @description A real date, `YYYY-MM-DD` (from 1970), each at most once.
                 */
                date: string;
                intervals: components["schemas"]["LocalIntervals"];
            }[];
            limits?: components["schemas"]["BookingLimits"];
        };
        /** @description The document as stored and answered, normalised; `weekly` lists all seven days and `overrides` are ordered by date. */
        Availability: {
            time_zone: string;
            weekly: {
                mon: components["schemas"]["LocalIntervals"];
                tue: components["schemas"]["LocalIntervals"];
                wed: components["schemas"]["LocalIntervals"];
                thu: components["schemas"]["LocalIntervals"];
                fri: components["schemas"]["LocalIntervals"];
                sat: components["schemas"]["LocalIntervals"];
                sun: components["schemas"]["LocalIntervals"];
            };
            overrides: {
                /** Format: date */
                date: string;
                intervals: components["schemas"]["LocalIntervals"];
            }[];
            limits?: components["schemas"]["BookingLimits"];
        };
        AvailabilityBody: {
            availability: components["schemas"]["Availability"];
        };
        BusyBlock: {
            id: components["schemas"]["ClientId"];
            /** Format: date-time */
            start: string;
            /** Format: date-time */
            end: string;
        };
        CalendarsAnswer: {
            calendars: {
                feeds: {
                    /** @description Derived from the URL; its blocks' ids start with cal-<id>-. */
                    id: string;
                    url: string;
                }[];
            };
            /** @description PUT: blocks of feeds no longer listed, removed now. */
            blocks_removed?: number;
        };
        BusyWritten: {
            busy: components["schemas"]["BusyBlock"];
            /** @description Active reservations (pending or confirmed) the block overlaps; stored anyway, for the app to act on. */
            overlapping_reservations: string[];
        };
    };
    responses: {
        /** @description No such route (a host whose core predates this route answers so too). */
        RouteNotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The host could not hand the request to the core (e.g. headers too large). */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description A valid admin bearer token is required. */
        Unauthorized: {
            headers: {
                "WWW-Authenticate": "Bearer";
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The body exceeds the route's limit. */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The body did not arrive within the host's deadline; the connection is closed. */
        RequestTimeout: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The path exceeds 1024 bytes. */
        UriTooLong: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The host's per-client rate limit; retry after the given seconds. */
        RateLimited: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /**
         * @description `internal_error`: the module trapped with this request in flight; a fresh instance
         *     serves the next one and nothing committed is lost. `server_misconfigured`: the
         *     Worker's bindings are wrong (see its logs).
         */
        InternalError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The host is at its cap of requests in flight, shutting down, or out of memory. */
        HostUnavailable: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The store failed or answered something unreadable (`store_unavailable`), or a host answer; nothing changed. */
        StoreUnavailable: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /**
         * @description `store_unavailable`: the store failed; `contention`: too many concurrent changes to
         *     the same record; or a host answer. Nothing changed; retry shortly.
         */
        StoreWriteUnavailable: {
            headers: {
                "Retry-After": components["headers"]["RetryAfter"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The origin may call this path with the requested method and headers. */
        CorsPreflight: {
            headers: {
                "Access-Control-Allow-Origin": string;
                "Access-Control-Allow-Methods": string;
                "Access-Control-Allow-Headers"?: string;
                "Access-Control-Max-Age"?: number;
                [name: string]: unknown;
            };
            content?: never;
        };
        /**
         * @description The origin is not allowed (or no origin is configured): the preflight is answered
         *     like any other method the path does not serve, without CORS headers.
         */
        PreflightRefused: {
            headers: {
                Allow: string;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: {
        EventId: components["schemas"]["ClientId"];
        ExpertId: components["schemas"]["ClientId"];
        /**
         * @description `t=<unix seconds>,v1=<hex HMAC-SHA256 with the secret over "<t>.<raw body>">`,
         *     Stripe's scheme. While `SLOTGUARD_NOTIFY_SECRET` lists several secrets, the first
         *     signs. Check it against the raw body and reject old timestamps
         *     (`verifyNotification` in `@slotguard/node` does both).
         */
        SlotguardSignature: string;
        Origin: string;
        AccessControlRequestMethod: string;
        AccessControlRequestHeaders: string;
    };
    requestBodies: {
        /**
         * @description The same `id` on every attempt (deduplicate by it). Delivered in order per
         *     reservation; any 2xx answer means delivered, anything else is retried with
         *     exponential back-off for at least 3 days. Each notification is written in the
         *     same store commit as the change it reports.
         */
        Notification: {
            content: {
                "application/json": components["schemas"]["Notification"];
            };
        };
    };
    headers: {
        /** @description Seconds to wait before retrying. */
        RetryAfter: number;
        /** @description Seconds to wait before retrying, when the code says so. */
        RetryAfterOptional: number;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listEvents: {
        parameters: {
            query: {
                expert_id: components["schemas"]["ClientId"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The expert's event types (an empty list when there are none). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        events: components["schemas"]["Event"][];
                    };
                };
            };
            /** @description The query string is malformed, or the host could not decode the request. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: components["responses"]["RouteNotFound"];
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            /** @description expert_id is missing or not a valid id. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    getEvent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                event_id: components["parameters"]["EventId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event type. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventBody"];
                };
            };
            400: components["responses"]["BadRequest"];
            /** @description No such event type (or no such route). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    putEvent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                event_id: components["parameters"]["EventId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EventInput"];
            };
        };
        responses: {
            /** @description Replaced. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventBody"];
                };
            };
            /** @description Created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventBody"];
                };
            };
            /** @description The body is not a JSON object (bad JSON, invalid UTF-8, nested deeper than 16 levels). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["RouteNotFound"];
            408: components["responses"]["RequestTimeout"];
            /**
             * @description `event_expert_fixed`: the Worker with a Durable Object per expert
             *     (`SLOTGUARD_DO_MODE = "per-expert"`) keeps an event type with the expert it was
             *     created for; moving it to another expert needs a new event id.
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            /**
             * @description The definition is invalid; the message names the field. `pool_needs_shared_store`:
             *     the Worker with a Durable Object per expert keeps each expert's ledger in its
             *     own object, so no hold could see every member of a pool: pools need a store the
             *     members share (D1, one Durable Object, SQLite, PostgreSQL).
             *     `packs_need_shared_store`: the same Worker cannot route a pack's payment to
             *     its expert's object, so it refuses packs too.
             */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["StoreWriteUnavailable"];
        };
    };
    getSlots: {
        parameters: {
            query: {
                from: string;
                /** @description After `from`, at most 7 days later. */
                to: string;
            };
            header?: never;
            path: {
                event_id: components["parameters"]["EventId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The slots of the range (an empty list when none is offered). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        event_id: components["schemas"]["ClientId"];
                        slots: components["schemas"]["Slot"][];
                    };
                };
            };
            /** @description The query string is malformed, or the host could not decode the request. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such event type (or no such route). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            /** @description from or to is missing or not RFC 3339, to is not after from, or the range exceeds 7 days. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    approveReservation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                reservation_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The booking, confirmed: the payment was captured. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReservationBody"];
                };
            };
            /** @description The body is not empty and not a JSON object. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description No such reservation (or no such route). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            408: components["responses"]["RequestTimeout"];
            /**
             * @description `not_awaiting_approval`: the booking is not awaiting approval (its event type
             *     needs none, its guest has not paid yet, or it was answered already).
             *     `approval_already_decided`: the other answer was given first and stands.
             *     `approval_deadline_passed`: too late to approve; the sweep declines it.
             *     `authorization_expired`: approved, but Stripe no longer held the payment; the
             *     booking is released.
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            /** @description `validation_failed`: the body has a field (it takes none). */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            /**
             * @description `payment_provider_unavailable`: the answer is recorded, Stripe did not answer;
             *     asking again (or the sweep, after the deadline) finishes it, never the other
             *     answer. `store_unavailable`, `contention`: nothing changed.
             */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    declineReservation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                reservation_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The booking, released: the authorization was voided. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReservationBody"];
                };
            };
            /** @description The body is not empty and not a JSON object. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description No such reservation (or no such route). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            408: components["responses"]["RequestTimeout"];
            /**
             * @description `not_awaiting_approval`: the booking is not awaiting approval (its event type
             *     needs none, its guest has not paid yet, or it was answered already).
             *     `approval_already_decided`: the other answer was given first and stands.
             *     `approval_deadline_passed`: too late to approve; the sweep declines it.
             *     `authorization_expired`: approved, but Stripe no longer held the payment; the
             *     booking is released.
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            /** @description `validation_failed`: the body has a field (it takes none). */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            /**
             * @description `payment_provider_unavailable`: the answer is recorded, Stripe did not answer;
             *     asking again (or the sweep, after the deadline) finishes it, never the other
             *     answer. `store_unavailable`, `contention`: nothing changed.
             */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPayouts: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                expert_id: components["schemas"]["ClientId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The payouts record, with what Stripe last said of the account. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PayoutsBody"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            /** @description No payouts for this expert (or no such route). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    putPayouts: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                expert_id: components["schemas"]["ClientId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PayoutsDefinition"];
            };
        };
        responses: {
            /** @description Replaced. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PayoutsBody"];
                };
            };
            /** @description Created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PayoutsBody"];
                };
            };
            /** @description The body is not a JSON object (bad JSON, invalid UTF-8, nested deeper than 16 levels). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description No such route. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            /** @description `validation_failed`: the message names the field (an unknown one, a malformed account id, a fee that is neither one percent nor one amount). */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["StoreWriteUnavailable"];
        };
    };
    deletePayouts: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                expert_id: components["schemas"]["ClientId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The record removed. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PayoutsBody"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            /** @description No payouts for this expert (or no such route). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["StoreWriteUnavailable"];
        };
    };
    getAvailability: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                expert_id: components["parameters"]["ExpertId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The document as stored. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AvailabilityBody"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            /** @description The expert has no availability document (every aligned start is offered), or no such route. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    putAvailability: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                expert_id: components["parameters"]["ExpertId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AvailabilityInput"];
            };
        };
        responses: {
            /** @description Replaced; the document as stored (normalised). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AvailabilityBody"];
                };
            };
            /** @description Created; the document as stored (normalised). */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AvailabilityBody"];
                };
            };
            /** @description The body is not a JSON object (bad JSON, invalid UTF-8, nested deeper than 16 levels). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["RouteNotFound"];
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            /**
             * @description The message names the problem: an invalid expert id, a missing or unknown
             *     time zone, an unknown field or weekday, a time that is not `HH:MM` from
             *     `00:00` to `23:59` (`24:00` included), an interval that does not end after it
             *     starts, intervals out of order or overlapping, more than 12 intervals a day, a
             *     date that does not exist or repeats, more than 400 overrides.
             */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["StoreWriteUnavailable"];
        };
    };
    deleteAvailability: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                expert_id: components["parameters"]["ExpertId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The document is gone (or was never there). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        deleted: true;
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            /** @description The expert id is not a valid id, or no such route. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["StoreWriteUnavailable"];
        };
    };
    listBusy: {
        parameters: {
            query: {
                from: string;
                /** @description After `from`, at most 92 days later. */
                to: string;
            };
            header?: never;
            path: {
                expert_id: components["parameters"]["ExpertId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The blocks; `more` is true when the range held more than could be listed (narrow it). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        busy: components["schemas"]["BusyBlock"][];
                        more: boolean;
                    };
                };
            };
            /** @description The query string is malformed, or the host could not decode the request. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["RouteNotFound"];
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            /** @description An invalid expert id; from or to missing or not RFC 3339; to not after from; a range over 92 days. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    putBusy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                expert_id: components["parameters"]["ExpertId"];
                /** @description Chosen by the app (e.g. the id of the event in the other calendar). */
                block_id: components["schemas"]["ClientId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: date-time */
                    start: string;
                    /**
                     * Format: date-time
                     * @description After start
                     */
                    end: string;
                };
            };
        };
        responses: {
            /** @description Replaced. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BusyWritten"];
                };
            };
            /** @description Created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BusyWritten"];
                };
            };
            /** @description The body is not a JSON object (bad JSON, invalid UTF-8, nested deeper than 16 levels). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["RouteNotFound"];
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            /** @description An invalid expert or block id; start or end missing or not RFC 3339; end not after start; a block longer than 24 hours. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["StoreWriteUnavailable"];
        };
    };
    deleteBusy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                expert_id: components["parameters"]["ExpertId"];
                /** @description Chosen by the app (e.g. the id of the event in the other calendar). */
                block_id: components["schemas"]["ClientId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The block that was removed. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        busy: components["schemas"]["BusyBlock"];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            /** @description No such block (or no such route). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["StoreWriteUnavailable"];
        };
    };
    getCalendars: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                expert_id: components["parameters"]["ExpertId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The feeds. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CalendarsAnswer"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            /** @description The expert has no calendar feeds (or no such route). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    putCalendars: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                expert_id: components["parameters"]["ExpertId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    feeds: {
                        /** @description An http or https URL of an iCalendar feed (webcal: feeds are their https address), printable ASCII; each URL once. */
                        url: string;
                    }[];
                };
            };
        };
        responses: {
            /** @description Replaced. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CalendarsAnswer"];
                };
            };
            /** @description Created. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CalendarsAnswer"];
                };
            };
            /** @description The body is not a JSON object (bad JSON, invalid UTF-8, nested deeper than 16 levels). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["RouteNotFound"];
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            /** @description An invalid expert id; feeds missing, more than 5, or an unknown field; a URL that is not http(s), has no host, is longer than 2048 bytes, has spaces or non-ASCII bytes, or appears twice. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["StoreWriteUnavailable"];
        };
    };
    deleteCalendars: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                expert_id: components["parameters"]["ExpertId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed (or there were none). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        deleted: true;
                        blocks_removed: number;
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            /** @description An invalid expert id (or no such route). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["StoreWriteUnavailable"];
        };
    };
    syncCalendar: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                expert_id: components["parameters"]["ExpertId"];
                /** @description The feed's id, as `GET .../calendars` and `POST /v1/maintenance/calendars` give it. */
                feed_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    events: ({
                        /** @description The event's UID; for an occurrence of a recurring event, with which occurrence ("<UID>|<RECURRENCE-ID>"). One event per key. */
                        key: string;
                        /** Format: date-time */
                        start: string;
                        /** Format: date-time */
                        end: string;
                    } | {
                        key: string;
                        /** Format: date */
                        start_date: string;
                        /**
                         * Format: date
                         * @description The day after the last (iCalendar's DTEND of an all-day event).
                         */
                        end_date: string;
                    })[];
                } | {
                    /** @description Why the feed could not be read (kept to 200 bytes). */
                    error: string;
                };
            };
        };
        responses: {
            /** @description Applied, or the failure recorded. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        sync: {
                            feed_id: string;
                            /** @enum {unknown} */
                            outcome: "applied" | "failed";
                            added?: number;
                            moved?: number;
                            removed?: number;
                            unchanged?: number;
                            /** @description outcome failed: the blocks the feed keeps. */
                            kept?: number;
                        };
                    };
                };
            };
            /** @description The body is not a JSON object (bad JSON, invalid UTF-8, nested deeper than 16 levels). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description The expert has no such feed (or no such route). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            /** @description An invalid expert id; both or neither of events and error; an unknown field; an event without a key or with a bad time or date, or ending before it starts; more than 2000 events; two events with one key; more than 2000 blocks in the window. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["StoreWriteUnavailable"];
        };
    };
    listReservations: {
        parameters: {
            query: {
                expert_id: components["schemas"]["ClientId"];
                from: string;
                /** @description After `from`, at most 92 days later. */
                to: string;
                /** @description Only reservations in this state. */
                status?: components["schemas"]["ReservationStatus"];
                limit?: number;
                /** @description The `next_cursor` of the previous page, as given (opaque). */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of reservations; `next_cursor` is null on the last page. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        reservations: components["schemas"]["Reservation"][];
                        next_cursor: string | null;
                    };
                };
            };
            /** @description The query string is malformed, or the host could not decode the request. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["RouteNotFound"];
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            /**
             * @description expert_id missing or invalid; from or to missing or not RFC 3339; to not after
             *     from; a range over 92 days; limit outside 1..100; an unknown status; a cursor
             *     that is not one this API gave.
             */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    createReservation: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 255 printable ASCII characters; reuse it to retry the same request. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReservationInput"];
            };
        };
        responses: {
            /**
             * @description Held, with its checkout open: send the guest to `checkout_url`. A replay answers
             *     201 with the reservation as it is now; `checkout_url` is present only while
             *     it is `pending_payment`.
             */
            201: {
                headers: {
                    /** @description `true` when this answer replays an earlier request with the same Idempotency-Key. */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReservationBody"];
                };
            };
            /** @description The body is not a JSON object, or the Idempotency-Key is not 1 to 255 printable ASCII characters. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such event type (or no such route). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            408: components["responses"]["RequestTimeout"];
            /**
             * @description `pack_not_paid`, `pack_expired`, `pack_used_up`: the `pack_id` cannot pay for it.
             *     `slot_unavailable`: another active hold or booking or a busy block overlaps
             *     the slot, or every seat of a seated event's start is taken (nothing about
             *     them is shown). `reservation_released`: the hold ended before its checkout
             *     could open (a late replay, or a release that raced the checkout).
             *     `booking_cap_reached`: the start's day or week already has as many bookings
             *     as the event type's or the expert's `limits` allow (the message says which).
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            /**
             * @description `validation_failed`: the message names the field. `slot_not_offered`: the
             *     start is misaligned, too soon, too far ahead, in the past, or the appointment
             *     does not lie within the expert's availability.
             *     `idempotency_key_reused`: the key was used with a different request.
             *     `expert_cannot_accept_payments`: the expert is paid through a Stripe Connect
             *     account that cannot take charges yet; nothing was held.
             */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /**
             * @description `too_many_holds`: this guest (by e-mail) already has the configured maximum of
             *     active unpaid holds with this expert (`SLOTGUARD_MAX_ACTIVE_HOLDS_PER_GUEST`,
             *     default 2); pay or cancel one first. `rate_limited` (with `Retry-After`): the
             *     host's per-client limit.
             */
            429: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfterOptional"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            500: components["responses"]["InternalError"];
            /** @description Stripe refused to open the session for good; the slot was not kept. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /**
             * @description `payment_provider_unavailable`: Stripe did not answer, or answered 409/429/5xx;
             *     the slot stays held: retry with the same `Idempotency-Key`.
             *     `store_unavailable` / `contention`: nothing was held; retry shortly.
             *     Host answers: `overloaded`, `shutting_down`, `out_of_memory`.
             */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getReservation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The reservation id (`rsv_...`). It is the capability: whoever has it may read, cancel and reschedule. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The reservation; `checkout_url` while it is `pending_payment`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReservationBody"];
                };
            };
            400: components["responses"]["BadRequest"];
            /** @description No such reservation (or no such route). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    cancelReservation: {
        parameters: {
            query?: {
                /** @description `true`: release only an unpaid hold; a paid booking stands (409). The only query parameter this route takes. */
                unpaid_only?: "true";
            };
            header?: never;
            path: {
                /** @description The reservation id (`rsv_...`). It is the capability: whoever has it may read, cancel and reschedule. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The reservation, now (or already) `released`, or `refunded` (with `refund`). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReservationBody"];
                };
            };
            400: components["responses"]["BadRequest"];
            /** @description No such reservation (or no such route). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            408: components["responses"]["RequestTimeout"];
            /** @description The reservation is paid (confirmed) and was made under no cancellation terms (its `cancellation` is null), or `unpaid_only=true` was asked. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            /** @description A query parameter other than `unpaid_only=true`. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["StoreWriteUnavailable"];
        };
    };
    rescheduleReservation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The reservation id (`rsv_...`). It is the capability: whoever has it may move it. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: date-time
                     * @description An offered start of the same event type.
                     */
                    start: string;
                };
            };
        };
        responses: {
            /** @description The reservation at its new time; `checkout_url` while it is `pending_payment`. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReservationBody"];
                };
            };
            /** @description The body is not a JSON object (bad JSON, invalid UTF-8, nested deeper than 16 levels). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such reservation (or no such route). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            408: components["responses"]["RequestTimeout"];
            /**
             * @description `slot_unavailable`: the new time is taken (nothing changed: the booking keeps
             *     its time). `reservation_not_movable`: the reservation is no longer pending or
             *     confirmed, it starts sooner than the reschedule notice
             *     (`reschedule.before_minutes`), or its event type is gone.
             *     `reschedule_limit_reached`: it has already been moved `reschedule.max_times`
             *     times (the message names the limit). `booking_cap_reached`: the new start's
             *     day or week is full under the `limits` (a move within one day never counts twice).
             */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            /**
             * @description `validation_failed`: start is missing or not RFC 3339. `slot_not_offered`: the
             *     new start is misaligned, sooner than the reschedule notice, too far ahead, or
             *     outside the expert's availability.
             */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["StoreWriteUnavailable"];
        };
    };
    createPack: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1 to 255 printable ASCII characters; reuse it to retry the same request. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PackInput"];
            };
        };
        responses: {
            /** @description The pack, with its checkout open; send the guest to `checkout_url`. */
            201: {
                headers: {
                    /** @description `true` when this answer replays an earlier request with the same Idempotency-Key. */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PackBody"];
                };
            };
            /** @description The body is not a JSON object, or the Idempotency-Key is not 1 to 255 printable ASCII characters. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description No such event type (or no such route). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            /**
             * @description `validation_failed`: the message names the field (a `sessions` the event type
             *     sells no pack of names the sizes it sells). `idempotency_key_reused`: the key
             *     was used with a different request.
             */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            /** @description Stripe refused to open the session for good; the pack lapsed and nothing was charged. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /**
             * @description `payment_provider_unavailable`: Stripe did not answer, or answered 409/429;
             *     retry with the same `Idempotency-Key`. `store_unavailable` / `contention`:
             *     retry shortly. Host answers: `overloaded`, `shutting_down`, `out_of_memory`.
             */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfter"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getPack: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The pack id (`pak_...`). */
                pack_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The pack. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PackBody"];
                };
            };
            400: components["responses"]["BadRequest"];
            /** @description No such pack (or no such route). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    stripeWebhook: {
        parameters: {
            query?: never;
            header: {
                /** @description `t=<unix seconds>,v1=<hex HMAC-SHA256 over "<t>.<raw body>">`, within the tolerance (300 s by default). */
                "Stripe-Signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    id: string;
                    type: string;
                    data: {
                        object: Record<string, never>;
                    };
                };
            };
        };
        responses: {
            /** @description The event was recorded (now, or earlier: a duplicate). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        received: true;
                        /**
                         * @description What the event did, e.g. `confirmed`, `confirmed_late`, `refunded`,
                         *     `released`, `held_for_voucher`, `hold_lost`, `ignored`,
                         *     `already_confirmed`, `already_refunded`, `foreign_session`,
                         *     `orphan_session`, `orphan_refund_failed`, `unknown_session`,
                         *     `unknown_reservation`, `unsupported_type`, `duplicate`; for a pack's
                         *     session `pack_activated`, `pack_lapsed`, `unknown_pack`.
                         */
                        outcome: string;
                        duplicate: boolean;
                    };
                };
            };
            /** @description The signature does not verify (missing, malformed, wrong secret, outside the tolerance), or the body is not a Stripe event. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            404: components["responses"]["RouteNotFound"];
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            /**
             * @description `webhook_not_configured` (no `Retry-After`): no signing secret is configured.
             *     `store_unavailable`, `contention`, `payment_provider_unavailable` (with
             *     `Retry-After`): nothing was recorded; Stripe delivers the event again.
             *     Host answers: `overloaded`, `shutting_down`, `out_of_memory`.
             */
            503: {
                headers: {
                    "Retry-After": components["headers"]["RetryAfterOptional"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    sweep: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description What this run did. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Expired holds released. */
                        released: number;
                        /** @description Holds whose Checkout Session was created late and linked. */
                        linked: number;
                        /** @description Bookings settled from what Stripe said though no webhook brought it: events applied by the events pass (confirmed, refunded, held for a voucher, released) and expired holds whose Checkout Session Stripe reported paid or completed with a voucher. */
                        reconciled: number;
                        /** @description Refunds Stripe confirmed on this run. */
                        refunds_retried: number;
                        /** @description Steps that failed and will be tried again (the events pass counts as one: Stripe did not list its events, or an event's effect could not be applied yet). */
                        failed: number;
                        /** @description Records removed by retention: reservations (with their indexes and idempotency keys), lapsed packs and Stripe event records. */
                        purged: number;
                        /** @description Work was left for the next run. */
                        more: boolean;
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["RouteNotFound"];
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    deliverNotifications: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description What this run did. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Notifications the endpoint accepted (2xx). */
                        delivered: number;
                        /** @description Notifications given up after the retry window. */
                        failed: number;
                        /** @description Attempts that failed and are scheduled again with back-off. */
                        deferred: number;
                        /** @description Due notifications were left for the next run. */
                        more: boolean;
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["RouteNotFound"];
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    calendarsDue: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    after?: components["schemas"]["ClientId"];
                };
            };
        };
        responses: {
            /** @description The feeds. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        from: string;
                        /** Format: date-time */
                        to: string;
                        feeds: {
                            expert_id: components["schemas"]["ClientId"];
                            feed_id: string;
                            url: string;
                        }[];
                        more: boolean;
                        after?: components["schemas"]["ClientId"];
                    };
                };
            };
            /** @description The body is not a JSON object. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["RouteNotFound"];
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            /** @description An unknown field, or `after` that is not an expert id. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The host and its module answer. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @constant */
                        status: "ok";
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["RouteNotFound"];
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["HostUnavailable"];
        };
    };
    metrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text exposition format 0.0.4. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["RouteNotFound"];
            408: components["responses"]["RequestTimeout"];
            413: components["responses"]["PayloadTooLarge"];
            414: components["responses"]["UriTooLong"];
            429: components["responses"]["RateLimited"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["HostUnavailable"];
        };
    };
    notifyReservationHeld: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description `t=<unix seconds>,v1=<hex HMAC-SHA256 with the secret over "<t>.<raw body>">`,
                 *     Stripe's scheme. While `SLOTGUARD_NOTIFY_SECRET` lists several secrets, the first
                 *     signs. Check it against the raw body and reject old timestamps
                 *     (`verifyNotification` in `@slotguard/node` does both).
                 */
                "Slotguard-Signature": components["parameters"]["SlotguardSignature"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: components["requestBodies"]["Notification"];
        responses: {
            /** @description Delivered; this notification is not sent again. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not delivered; sent again later with the same `id` and body, signed anew. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    notifyReservationConfirmed: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description `t=<unix seconds>,v1=<hex HMAC-SHA256 with the secret over "<t>.<raw body>">`,
                 *     Stripe's scheme. While `SLOTGUARD_NOTIFY_SECRET` lists several secrets, the first
                 *     signs. Check it against the raw body and reject old timestamps
                 *     (`verifyNotification` in `@slotguard/node` does both).
                 */
                "Slotguard-Signature": components["parameters"]["SlotguardSignature"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: components["requestBodies"]["Notification"];
        responses: {
            /** @description Delivered; this notification is not sent again. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not delivered; sent again later with the same `id` and body, signed anew. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    notifyReservationRescheduled: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description `t=<unix seconds>,v1=<hex HMAC-SHA256 with the secret over "<t>.<raw body>">`,
                 *     Stripe's scheme. While `SLOTGUARD_NOTIFY_SECRET` lists several secrets, the first
                 *     signs. Check it against the raw body and reject old timestamps
                 *     (`verifyNotification` in `@slotguard/node` does both).
                 */
                "Slotguard-Signature": components["parameters"]["SlotguardSignature"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: components["requestBodies"]["Notification"];
        responses: {
            /** @description Delivered; this notification is not sent again. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not delivered; sent again later with the same `id` and body, signed anew. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    notifyReservationReleased: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description `t=<unix seconds>,v1=<hex HMAC-SHA256 with the secret over "<t>.<raw body>">`,
                 *     Stripe's scheme. While `SLOTGUARD_NOTIFY_SECRET` lists several secrets, the first
                 *     signs. Check it against the raw body and reject old timestamps
                 *     (`verifyNotification` in `@slotguard/node` does both).
                 */
                "Slotguard-Signature": components["parameters"]["SlotguardSignature"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: components["requestBodies"]["Notification"];
        responses: {
            /** @description Delivered; this notification is not sent again. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not delivered; sent again later with the same `id` and body, signed anew. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    notifyReservationRefunded: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description `t=<unix seconds>,v1=<hex HMAC-SHA256 with the secret over "<t>.<raw body>">`,
                 *     Stripe's scheme. While `SLOTGUARD_NOTIFY_SECRET` lists several secrets, the first
                 *     signs. Check it against the raw body and reject old timestamps
                 *     (`verifyNotification` in `@slotguard/node` does both).
                 */
                "Slotguard-Signature": components["parameters"]["SlotguardSignature"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: components["requestBodies"]["Notification"];
        responses: {
            /** @description Delivered; this notification is not sent again. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not delivered; sent again later with the same `id` and body, signed anew. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
}
type WithRequired<T, K extends keyof T> = T & {
    [P in K]-?: T[P];
};
