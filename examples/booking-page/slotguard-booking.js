// the <slotguard-booking> widget, bundled with @slotguard/client from widget/src/index.js by scripts/lib/build-widget.mjs: do not edit.
"use strict";
(() => {
  // client/src/generated/contract.js
  var ERROR_CODES = (
    /** @type {const} */
    [
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
    ]
  );
  var OPERATIONS = (
    /** @type {const} */
    {
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
    }
  );

  // client/src/idempotency.js
  function stable(value) {
    if (Array.isArray(value)) return `[${value.map(stable).join(",")}]`;
    if (value && typeof value === "object") {
      return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stable(value[k])}`).join(",")}}`;
    }
    return JSON.stringify(value) ?? "null";
  }
  function createKeyMemory({ newKey = () => crypto.randomUUID() } = {}) {
    const pending = /* @__PURE__ */ new Map();
    return {
      /** The key for this call: the given one, the one of an unfinished same call, or a new one. */
      keyFor(operation, call, given) {
        const id = `${operation}
${stable(call)}`;
        const key = given ?? pending.get(id) ?? newKey();
        pending.set(id, key);
        return { key, id };
      },
      /** The call got a final answer (any 2xx or 4xx): a later same call is a new one. */
      settled(id) {
        pending.delete(id);
      }
    };
  }

  // client/src/retry.js
  function retryAfterMs(value, now = Date.now()) {
    if (value === null || value.trim() === "") return null;
    if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1e3;
    const at = Date.parse(value);
    return Number.isNaN(at) ? null : Math.max(0, at - now);
  }
  async function with503Retries(make, { retries, maxDelayMs, sleep = (ms) => new Promise((r) => setTimeout(r, ms)) }) {
    for (let attempt = 0; ; attempt++) {
      const res = await make();
      if (res.status !== 503 || attempt >= retries) return res;
      const wait = retryAfterMs(res.headers.get("retry-after"));
      if (wait === null || wait > maxDelayMs) return res;
      await res.body?.cancel();
      await sleep(wait);
    }
  }

  // client/src/index.js
  var SlotguardError = class extends Error {
    /**
     * @param {object} o
     * @param {OperationId} o.operation
     * @param {number} o.status
     * @param {ErrorCode | 'unexpected_response'} o.code
     * @param {string} o.message
     * @param {number | null} o.retryAfterMs  what Retry-After asked for, if anything
     * @param {string | undefined} o.idempotencyKey  the key a hold was sent with
     */
    constructor({ operation, status, code, message, retryAfterMs: retryAfterMs2, idempotencyKey }) {
      super(`${operation}: ${status} ${code}: ${message}`);
      this.name = "SlotguardError";
      this.operation = operation;
      this.status = status;
      this.code = code;
      this.detail = message;
      this.retryAfterMs = retryAfterMs2;
      this.idempotencyKey = idempotencyKey;
    }
  };
  function isSlotguardError(error, ...codes) {
    return error instanceof SlotguardError && (codes.length === 0 || codes.includes(
      /** @type {ErrorCode} */
      error.code
    ));
  }
  function createClient(options = {}) {
    const baseUrl = options.baseUrl ?? globalThis.location?.origin;
    if (!baseUrl) throw new TypeError("createClient: baseUrl is required outside a browser page");
    const send = options.fetch ?? ((request) => globalThis.fetch(request));
    const retries = options.retries ?? 2;
    const maxDelayMs = options.maxRetryDelayMs ?? 3e4;
    const keys = createKeyMemory({ newKey: options.newIdempotencyKey });
    async function call(operation, o = {}) {
      const op = OPERATIONS[operation];
      if (!op) throw new TypeError(`unknown operation ${operation}`);
      const url = new URL(fillPath(
        op.path,
        /** @type {any} */
        o.path ?? {}
      ), baseUrl);
      for (const [k, v] of Object.entries(
        /** @type {any} */
        o.query ?? {}
      )) if (v !== void 0) url.searchParams.set(k, String(v));
      const headers = new Headers(o.headers);
      if (op.admin && options.adminToken) headers.set("authorization", `Bearer ${options.adminToken}`);
      if (o.body !== void 0) headers.set("content-type", "application/json");
      const memo = op.idempotencyKey ? keys.keyFor(operation, [o.path, o.query, o.body], o.idempotencyKey) : null;
      if (memo) headers.set("idempotency-key", memo.key);
      const body = o.body === void 0 ? void 0 : JSON.stringify(o.body);
      const res = await with503Retries(() => send(new Request(url, { method: op.method, headers, body, signal: o.signal })), {
        retries,
        maxDelayMs
      });
      if (memo && res.status < 500) keys.settled(memo.id);
      if (!res.ok) throw await errorOf(operation, res, memo?.key);
      const data = op.text ? await res.text() : res.status === 204 ? void 0 : await readJson(res);
      if (!memo) return (
        /** @type {Result<Op>} */
        data
      );
      const replayed = res.headers.get("idempotent-replayed") === "true";
      return (
        /** @type {Result<Op>} */
        { ...data, idempotencyKey: memo.key, replayed }
      );
    }
    const methods = Object.fromEntries(Object.keys(OPERATIONS).map((name) => [name, (o) => call(
      /** @type {any} */
      name,
      o
    )]));
    return (
      /** @type {any} */
      { ...methods, call }
    );
  }
  function fillPath(template, params) {
    return template.replace(/\{([^}]+)\}/g, (_, name) => {
      const v = params[name];
      if (v === void 0 || v === null || v === "") throw new TypeError(`path parameter ${name} is required`);
      return encodeURIComponent(String(v));
    });
  }
  async function readJson(res) {
    const text = await res.text();
    return text === "" ? void 0 : JSON.parse(text);
  }
  async function errorOf(operation, res, idempotencyKey) {
    const retry = retryAfterMs(res.headers.get("retry-after"));
    let parsed;
    try {
      parsed = JSON.parse(await res.text());
    } catch {
      parsed = null;
    }
    const code = parsed?.error?.code;
    const known = typeof code === "string" && /** @type {readonly string[]} */
    ERROR_CODES.includes(code);
    return new SlotguardError({
      operation,
      status: res.status,
      code: known ? (
        /** @type {ErrorCode} */
        code
      ) : "unexpected_response",
      message: typeof parsed?.error?.message === "string" ? parsed.error.message : `HTTP ${res.status}`,
      retryAfterMs: retry,
      idempotencyKey
    });
  }

  // widget/src/shared.js
  var MINUTE = 6e4;
  var DAY = 24 * 60 * MINUTE;
  var browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
  function timeZones() {
    let zones = [];
    try {
      zones = /** @type {any} */
      Intl.supportedValuesOf("timeZone");
    } catch {
      zones = [];
    }
    const own = browserTimeZone();
    return zones.includes(own) ? zones : [own, ...zones];
  }
  function validTimeZone(zone) {
    try {
      new Intl.DateTimeFormat("en", { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }
  function wallClock(ms, timeZone) {
    const parts = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric"
    }).formatToParts(ms);
    const v = {};
    for (const p of parts) if (p.type !== "literal") v[p.type] = Number(p.value);
    return v;
  }
  function offsetMs(ms, timeZone) {
    const w = wallClock(ms, timeZone);
    return Date.UTC(w.year, w.month - 1, w.day, w.hour % 24, w.minute, w.second) - Math.floor(ms / 1e3) * 1e3;
  }
  function hhmmIn(ms, timeZone) {
    const w = wallClock(ms, timeZone);
    return `${String(w.hour % 24).padStart(2, "0")}:${String(w.minute).padStart(2, "0")}`;
  }
  function dayIn(ms, timeZone) {
    const w = wallClock(ms, timeZone);
    return `${w.year}-${String(w.month).padStart(2, "0")}-${String(w.day).padStart(2, "0")}`;
  }
  function instantOf(day, hhmm, timeZone) {
    const [y, m, d] = day.split("-").map(Number);
    const [hh, mm] = hhmm.split(":").map(Number);
    const wall = Date.UTC(y, m - 1, d, hh, mm);
    let guess = wall - offsetMs(wall, timeZone);
    guess = wall - offsetMs(guess, timeZone);
    return guess;
  }
  var startOfDay = (day, timeZone) => instantOf(day, "00:00", timeZone);
  function addDays(day, n) {
    const [y, m, d] = day.split("-").map(Number);
    return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
  }
  var rfc3339 = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  var formatTime = (iso, timeZone) => new Intl.DateTimeFormat(void 0, { timeZone, hour: "numeric", minute: "2-digit" }).format(new Date(iso));
  var formatDay = (msOrIso, timeZone) => new Intl.DateTimeFormat(void 0, { timeZone, weekday: "long", day: "numeric", month: "long" }).format(new Date(msOrIso));
  var formatShortDay = (msOrIso, timeZone) => new Intl.DateTimeFormat(void 0, { timeZone, weekday: "short", day: "numeric", month: "short" }).format(new Date(msOrIso));
  var formatWhen = (iso, timeZone) => new Intl.DateTimeFormat(void 0, { timeZone, dateStyle: "full", timeStyle: "short" }).format(new Date(iso));
  function zoneName(iso, timeZone) {
    const part = new Intl.DateTimeFormat(void 0, { timeZone, timeZoneName: "short" }).formatToParts(new Date(iso)).find((p) => p.type === "timeZoneName");
    return part?.value ?? timeZone;
  }
  function formatPrice(price) {
    if (!price) return "";
    const fmt = new Intl.NumberFormat(void 0, { style: "currency", currency: price.currency.toUpperCase() });
    const digits = fmt.resolvedOptions().maximumFractionDigits ?? 2;
    return fmt.format(price.amount / 10 ** digits);
  }
  function durationUntil(iso, now = Date.now()) {
    const minutes = Math.max(0, Math.round((new Date(iso).getTime() - now) / MINUTE));
    const rtf = new Intl.RelativeTimeFormat(void 0, { numeric: "always" });
    return minutes < 90 ? rtf.format(minutes, "minute") : rtf.format(Math.round(minutes / 60), "hour");
  }
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "text") node.textContent = v;
      else if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
      else if (v !== false && v !== void 0 && v !== null) node.setAttribute(k, v === true ? "" : String(v));
    }
    node.append(...children);
    return node;
  }
  function problemText(error) {
    if (!isSlotguardError(error)) return "The booking service could not be reached. Check your connection and try again.";
    if (error.status >= 500) return "The booking service is busy or unavailable right now. Please try again in a moment.";
    return error.detail;
  }

  // widget/src/style.js
  var STYLE = `
:host { display: block; --sg-accent: #1d4ed8; --sg-text: #1a1a1a; --sg-muted: #4b5563; --sg-bg: #fff; --sg-line: #9ca3af;
  --sg-warn-bg: #fff7e6; --sg-warn: #7a4b00; color: var(--sg-text); font: 16px/1.5 system-ui, sans-serif; }
* { box-sizing: border-box; }
.sg { max-width: 40rem; background: var(--sg-bg); }
h2 { font-size: 1.4rem; margin: 0 0 .75rem; }
fieldset { border: 1px solid var(--sg-line); border-radius: 8px; margin: 0 0 1rem; padding: .75rem; min-width: 0; }
legend { font-weight: 600; padding: 0 .25rem; }
fieldset.day { border: 0; border-top: 1px solid var(--sg-line); border-radius: 0; padding: .5rem 0 0; margin: 0 0 .5rem; }
.choices, .slots, .offers, .actions { display: flex; flex-wrap: wrap; gap: .5rem; }
.choice, .slot { display: flex; align-items: center; gap: .5rem; min-height: 44px; padding: .4rem .75rem;
  border: 1px solid var(--sg-line); border-radius: 8px; cursor: pointer; }
.choice { flex: 1 1 100%; }
.choice-meta, .muted, .theirs { color: var(--sg-muted); }
.theirs { font-size: .85rem; }
.slot:has(input:checked), .choice:has(input:checked) { border-color: var(--sg-accent); box-shadow: inset 0 0 0 1px var(--sg-accent); }
.small { font-size: .9rem; }
.zone-row, .week-row { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem; margin: 0 0 1rem; }
.zone-row p { flex-basis: 100%; margin: 0; }
.week-row { justify-content: space-between; }
.week-label { margin: 0; font-weight: 600; }
.field { display: flex; flex-direction: column; margin: 0 0 .75rem; }
input:not([type=radio]), select { font: inherit; min-height: 44px; padding: .4rem .5rem; border: 1px solid var(--sg-line); border-radius: 6px; max-width: 100%; }
button, .button { font: inherit; min-height: 44px; padding: .5rem 1rem; border-radius: 8px; border: 1px solid var(--sg-accent);
  background: var(--sg-accent); color: #fff; cursor: pointer; text-decoration: none; display: inline-flex; align-items: center; }
button.secondary { background: var(--sg-bg); color: var(--sg-accent); }
button:disabled { opacity: .6; cursor: not-allowed; }
:focus-visible { outline: 3px solid var(--sg-accent); outline-offset: 2px; }
.notice { background: var(--sg-warn-bg); color: var(--sg-warn); border-radius: 8px; padding: .5rem .75rem; margin: 0 0 .75rem; }
.notice p { margin: .25rem 0; }
.status:not(:empty) { margin-top: 1rem; }
.pool-note { margin: 0 0 .75rem; }
#count-field { margin: .75rem 0 .5rem; }
.summary p { margin: .25rem 0; }
.series-list { margin: .25rem 0 0; padding-left: 1.5rem; }
.series-list li.taken { color: var(--sg-warn); }
.details { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
.details dt { font-weight: 600; }
.details dd { margin: 0; overflow-wrap: anywhere; }
.details ol { margin: 0; padding-left: 1.25rem; }
[hidden] { display: none !important; }
`;

  // widget/src/booking.js
  var NEAREST = 3;
  var SERIES_MIN = 2;
  var SERIES_MAX = 12;
  var SERIES_DEFAULT = 4;
  var allowsSeries = (ev) => Boolean(ev) && !ev.pool && !ev.approval?.required;
  var poolText = (ev) => `You book any available expert of a team of ${ev.pool.experts.length}: each time shown is free with at least one of them, and once the time is held you are told who you got.`;
  var SlotguardBooking = class extends HTMLElement {
    static observedAttributes = ["event", "expert", "api", "expert-time-zone", "time-zone", "day"];
    constructor() {
      super();
      this.root = this.attachShadow({ mode: "open" });
      this.events = [];
      this.slots = [];
      this.eventId = "";
      this.timeZone = browserTimeZone();
      this.weekStart = "";
      this.generation = 0;
      this.busy = false;
      this.reloadQueued = false;
      this.built = false;
      this.keptChoice = null;
      this.clientFor = null;
    }
    connectedCallback() {
      if (!this.built) this.build();
      this.queueReload();
    }
    attributeChangedCallback() {
      if (this.built) this.queueReload();
    }
    /** Several attributes set in one go load once. */
    queueReload() {
      if (this.reloadQueued) return;
      this.reloadQueued = true;
      queueMicrotask(() => {
        this.reloadQueued = false;
        this.load();
      });
    }
    /** One client per API origin: it remembers the Idempotency-Key of an unanswered hold. */
    get client() {
      const api = this.getAttribute("api") ?? "";
      if (!this.clientFor || this.clientFor.api !== api) this.clientFor = { api, client: createClient(api ? { baseUrl: api } : {}) };
      return this.clientFor.client;
    }
    get expertTimeZone() {
      const zone = this.getAttribute("expert-time-zone");
      return zone && validTimeZone(zone) ? zone : null;
    }
    /** @param {string} id */
    $(id) {
      return (
        /** @type {any} */
        this.root.getElementById(id)
      );
    }
    build() {
      this.built = true;
      const zoneSelect = (
        /** @type {HTMLSelectElement} */
        el("select", { id: "tz", onchange: () => this.setTimeZone(zoneSelect.value) })
      );
      this.root.replaceChildren(
        el("style", { text: STYLE }),
        el(
          "form",
          { id: "form", class: "sg", "aria-labelledby": "title", novalidate: true, onsubmit: (e) => this.reserve(e) },
          el("h2", { id: "title", text: "Book an appointment" }),
          el(
            "fieldset",
            { id: "event-fieldset", "aria-busy": "true" },
            el("legend", { text: "What would you like to book?" }),
            el("div", { id: "events", class: "choices" }, el("p", { class: "muted", text: "Loading\u2026" }))
          ),
          el(
            "div",
            { class: "zone-row" },
            el("label", { for: "tz", text: "Times are shown in" }),
            zoneSelect,
            el("p", { id: "expert-zone", class: "muted small", hidden: true })
          ),
          el(
            "fieldset",
            { id: "slots-fieldset", "aria-busy": "true", "aria-describedby": "week-label" },
            el("legend", { id: "slots-legend", text: "Free times" }),
            el(
              "div",
              { class: "week-row" },
              el(
                "button",
                { type: "button", id: "prev-week", class: "secondary", onclick: () => this.shiftWeek(-7) },
                el("span", { "aria-hidden": "true", text: "\u2190 " }),
                "Previous week"
              ),
              el("p", { id: "week-label", class: "week-label" }),
              el(
                "button",
                { type: "button", id: "next-week", class: "secondary", onclick: () => this.shiftWeek(7) },
                "Next week",
                el("span", { "aria-hidden": "true", text: " \u2192" })
              )
            ),
            el("p", { id: "pool-note", class: "pool-note", hidden: true }),
            el("div", { id: "notice", class: "notice", role: "alert", tabindex: "-1", hidden: true }),
            el("div", { id: "slots", class: "days", onchange: () => this.drawSeries() })
          ),
          el(
            "fieldset",
            { id: "repeat-fieldset", hidden: true },
            el("legend", { text: "How often?" }),
            el(
              "div",
              { class: "choices" },
              el(
                "label",
                { class: "choice", for: "repeat-once" },
                el("input", { type: "radio", name: "repeat", id: "repeat-once", value: "once", checked: true, onchange: () => this.drawSeries() }),
                el("span", { class: "choice-title", text: "Once" })
              ),
              el(
                "label",
                { class: "choice", for: "repeat-weekly" },
                el("input", { type: "radio", name: "repeat", id: "repeat-weekly", value: "weekly", onchange: () => this.drawSeries() }),
                el("span", { class: "choice-title", text: "Every week, as a series" }),
                el("span", { class: "choice-meta", text: "the same time each week, paid at one checkout" })
              )
            ),
            el(
              "div",
              { class: "field", id: "count-field", hidden: true },
              el("label", { for: "count", text: `How many appointments (${SERIES_MIN} to ${SERIES_MAX})` }),
              el("input", {
                id: "count",
                name: "count",
                type: "number",
                inputmode: "numeric",
                min: String(SERIES_MIN),
                max: String(SERIES_MAX),
                value: String(SERIES_DEFAULT),
                required: true,
                oninput: () => this.drawSeries()
              })
            ),
            el("div", { id: "series-summary", class: "summary", "aria-live": "polite", hidden: true })
          ),
          el(
            "fieldset",
            {},
            el("legend", { text: "Your details" }),
            el(
              "div",
              { class: "field" },
              el("label", { for: "name", text: "Name" }),
              el("input", { id: "name", name: "name", autocomplete: "name", required: true, maxlength: "200" })
            ),
            el(
              "div",
              { class: "field" },
              el("label", { for: "email", text: "E-mail" }),
              el("input", { id: "email", name: "email", type: "email", autocomplete: "email", required: true, maxlength: "254" })
            )
          ),
          el("button", { type: "submit", id: "reserve", text: "Reserve and pay" }),
          el("p", { class: "muted small", text: "The time is held for you while you pay. If you leave checkout without paying, it is released." }),
          el("div", { id: "status", class: "status", role: "status", "aria-live": "polite", tabindex: "-1" })
        )
      );
    }
    /** Reads the attributes and loads the event types, then the week. */
    async load() {
      const zone = this.getAttribute("time-zone");
      if (zone && validTimeZone(zone)) this.timeZone = zone;
      this.fillZones();
      const expertZone = this.expertTimeZone;
      this.$("expert-zone").hidden = !expertZone;
      if (expertZone) this.$("expert-zone").textContent = `The expert works in ${expertZone.replace(/_/g, " ")} time; their time is shown beside each of yours.`;
      const day = this.getAttribute("day");
      this.weekStart = day && /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : dayIn(Date.now(), this.timeZone);
      const box = this.$("events");
      this.$("event-fieldset").setAttribute("aria-busy", "true");
      box.replaceChildren(el("p", { class: "muted", text: "Loading\u2026" }));
      try {
        this.events = await this.fetchEvents();
      } catch (error) {
        this.$("event-fieldset").setAttribute("aria-busy", "false");
        box.replaceChildren(
          el("p", { class: "notice", text: problemText(error) }),
          el("button", { type: "button", class: "secondary", text: "Try again", onclick: () => this.load() })
        );
        this.emitError(error);
        return;
      }
      this.$("event-fieldset").setAttribute("aria-busy", "false");
      if (this.events.length === 0) {
        box.replaceChildren(el("p", { class: "notice", text: "Nothing can be booked here right now." }));
        this.$("slots").replaceChildren();
        return;
      }
      if (!this.events.some((e) => e.id === this.eventId)) this.eventId = this.events[0].id;
      box.replaceChildren(...this.events.map((e) => {
        const id = `event-${e.id}`;
        return el(
          "label",
          { class: "choice", for: id },
          el("input", {
            type: "radio",
            name: "event",
            id,
            value: e.id,
            checked: e.id === this.eventId,
            onchange: () => {
              this.eventId = e.id;
              this.loadSlots();
            }
          }),
          el("span", { class: "choice-title", text: e.title }),
          el("span", { class: "choice-meta", text: `${e.duration_minutes} min \xB7 ${formatPrice(e.price)}${e.pool ? " \xB7 any available expert" : ""}` })
        );
      }));
      await this.loadSlots();
    }
    async fetchEvents() {
      const ids = (this.getAttribute("event") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
      const client = this.client;
      if (ids.length > 0) {
        const found = await Promise.all(ids.map((id) => client.getEvent({ path: { event_id: id } }).then(
          (a) => a.event,
          (error) => {
            if (isSlotguardError(error, "event_not_found")) return null;
            throw error;
          }
        )));
        return found.filter(Boolean);
      }
      const expert = this.getAttribute("expert");
      if (!expert) return [];
      return (await client.listEvents({ query: { expert_id: expert } })).events;
    }
    fillZones() {
      const select = this.$("tz");
      const zones = /* @__PURE__ */ new Set([this.timeZone, browserTimeZone(), ...this.expertTimeZone ? [this.expertTimeZone] : [], ...timeZones()]);
      if (select.options.length !== zones.size) {
        select.replaceChildren(...[...zones].map((z) => el("option", { value: z, text: z.replace(/_/g, " ") })));
      }
      select.value = this.timeZone;
    }
    setTimeZone(zone) {
      if (!validTimeZone(zone)) return;
      this.timeZone = zone;
      this.drawSlots();
      this.say(`Times are now shown in ${zone.replace(/_/g, " ")} time.`);
    }
    get event() {
      return this.events.find((e) => e.id === this.eventId) ?? null;
    }
    /** The first and last day a guest may look at: today to the event's horizon. */
    dayBounds() {
      const today = dayIn(Date.now(), this.timeZone);
      const ev = this.event;
      return { min: today, max: ev?.max_advance_days ? addDays(today, ev.max_advance_days) : null };
    }
    shiftWeek(days) {
      const { min, max } = this.dayBounds();
      let next = addDays(this.weekStart, days);
      if (next < min) next = min;
      if (max && next > max) return;
      this.weekStart = next;
      this.loadSlots();
    }
    /** Loads the week's slots; `keepNotice` leaves a "just taken" notice in place. */
    async loadSlots({ keepNotice = false } = {}) {
      const ev = this.event;
      if (!ev) return;
      if (!keepNotice) this.showNotice(null);
      this.showEventNotes(ev);
      const { min, max } = this.dayBounds();
      if (this.weekStart < min) this.weekStart = min;
      this.$("prev-week").disabled = this.weekStart <= min;
      this.$("next-week").disabled = Boolean(max && addDays(this.weekStart, 7) > max);
      const generation = ++this.generation;
      this.keptChoice = this.chosenStart() ?? this.keptChoice;
      const fieldset = this.$("slots-fieldset");
      fieldset.setAttribute("aria-busy", "true");
      this.$("slots").replaceChildren(el("p", { class: "muted", id: "loading", text: "Loading free times\u2026" }));
      const from = startOfDay(this.weekStart, this.timeZone);
      const to = Math.min(startOfDay(addDays(this.weekStart, 7), this.timeZone), from + 7 * DAY);
      this.$("week-label").textContent = `${formatShortDay(from, this.timeZone)} \u2013 ${formatShortDay(to - 1, this.timeZone)}`;
      try {
        const answer = await this.client.getSlots({ path: { event_id: ev.id }, query: { from: rfc3339(from), to: rfc3339(to) } });
        if (generation !== this.generation) return;
        this.slots = answer.slots.filter((s) => s.available);
      } catch (error) {
        if (generation !== this.generation) return;
        fieldset.setAttribute("aria-busy", "false");
        this.$("slots").replaceChildren(
          el("p", { class: "notice", id: "slots-error", text: `The free times could not be loaded. ${problemText(error)}` }),
          el("button", { type: "button", class: "secondary", text: "Try again", onclick: () => this.loadSlots() })
        );
        this.emitError(error);
        return;
      }
      fieldset.setAttribute("aria-busy", "false");
      this.drawSlots();
    }
    /** The free times, one group per day of the guest's zone, the expert's time beside each. */
    drawSlots() {
      const box = this.$("slots");
      const chosen = this.chosenStart() ?? this.keptChoice;
      this.keptChoice = null;
      if (this.slots.length === 0) {
        box.replaceChildren(el("p", { class: "muted", id: "no-slots", text: "No free times this week. Try the next week." }));
        this.drawSeries();
        return;
      }
      const byDay = /* @__PURE__ */ new Map();
      for (const s of this.slots) {
        const day = dayIn(Date.parse(s.start), this.timeZone);
        if (!byDay.has(day)) byDay.set(day, []);
        byDay.get(day)?.push(s);
      }
      const expertZone = this.expertTimeZone;
      const showExpert = expertZone && expertZone !== this.timeZone;
      let index = 0;
      box.replaceChildren(...[...byDay].map(([day, slots]) => {
        const dayLabel = formatDay(slots[0].start, this.timeZone);
        return el(
          "fieldset",
          { class: "day", "data-day": day },
          el("legend", { text: dayLabel }),
          el("div", { class: "slots" }, ...slots.map((s) => {
            const id = `slot-${index++}`;
            const mine = formatTime(s.start, this.timeZone);
            const theirs = showExpert ? `${formatTime(s.start, expertZone)} ${zoneName(s.start, expertZone)}` : "";
            return el(
              "label",
              { class: "slot", for: id },
              el("input", {
                type: "radio",
                name: "slot",
                id,
                value: s.start,
                checked: s.start === chosen,
                "aria-label": showExpert ? `${mine} on ${dayLabel} (${theirs} for the expert)` : `${mine} on ${dayLabel}`
              }),
              el("span", { class: "mine", text: mine }),
              showExpert ? el("span", { class: "theirs", "aria-hidden": "true", text: theirs }) : ""
            );
          }))
        );
      }));
      this.drawSeries();
    }
    /** The pool's "any available expert" line, and the series choice where the event type allows one. */
    showEventNotes(ev) {
      const note = this.$("pool-note");
      note.hidden = !ev.pool;
      note.textContent = ev.pool ? poolText(ev) : "";
      const slots = this.$("slots-fieldset");
      if (ev.pool) slots.setAttribute("aria-describedby", "week-label pool-note");
      else slots.setAttribute("aria-describedby", "week-label");
      const repeat = this.$("repeat-fieldset");
      repeat.hidden = !allowsSeries(ev);
      if (repeat.hidden) this.$("repeat-once").checked = true;
      this.drawSeries();
    }
    /** Whether the guest asked for a weekly series (and the event type takes one). */
    get weekly() {
      return allowsSeries(this.event) && this.$("repeat-weekly").checked;
    }
    /** How many appointments the series has, or null when the field is not 2 to 12. */
    seriesCount() {
      const n = Number(this.$("count").value);
      return Number.isInteger(n) && n >= SERIES_MIN && n <= SERIES_MAX ? n : null;
    }
    /**
     * The series' starts: `start`, then the same wall-clock time each following week in the
     * expert's zone (the one their hours are in; the guest's when it is not known), so a
     * change of summer time keeps the appointment at the expert's usual hour.
     * @param {string} start @param {number} n
     */
    seriesStarts(start, n) {
      const zone = this.expertTimeZone ?? this.timeZone;
      const at = Date.parse(start);
      const day = dayIn(at, zone);
      const time = hhmmIn(at, zone);
      return Array.from({ length: n }, (_, k) => k === 0 ? start : rfc3339(instantOf(addDays(day, 7 * k), time, zone)));
    }
    /** The series' dates and its total, under the choice; `taken` marks a start the API refused. */
    drawSeries(taken = (
      /** @type {string | null} */
      null
    )) {
      const weekly = this.weekly;
      this.$("count-field").hidden = !weekly;
      const summary = this.$("series-summary");
      summary.hidden = !weekly;
      if (!weekly) return summary.replaceChildren();
      const ev = this.event;
      const start = this.chosenStart();
      const n = this.seriesCount();
      if (!n) return summary.replaceChildren(el("p", { id: "series-total", text: `Choose ${SERIES_MIN} to ${SERIES_MAX} appointments.` }));
      if (!start) return summary.replaceChildren(el("p", { id: "series-total", text: "Choose a time above: the series repeats it every week." }));
      const total = ev?.price ? { amount: ev.price.amount * n, currency: ev.price.currency } : null;
      const price = total ? `${formatPrice(total)} in all (${n} \xD7 ${formatPrice(ev.price)}), paid at one checkout` : "one booking for all of them";
      summary.replaceChildren(
        el("p", { id: "series-total", text: `${n} appointments, ${price}:` }),
        el("ol", { id: "series-list", class: "series-list" }, ...this.seriesStarts(start, n).map((t) => el(
          "li",
          { class: t === taken ? "taken" : "", "data-start": t },
          `${formatShortDay(t, this.timeZone)}, ${formatTime(t, this.timeZone)}`,
          t === taken ? el("strong", { text: " (taken)" }) : ""
        )))
      );
    }
    chosenStart() {
      return (
        /** @type {HTMLInputElement | null} */
        this.root.querySelector('input[name="slot"]:checked')?.value ?? null
      );
    }
    /** @param {string} text @param {HTMLElement} [extra] */
    say(text, extra) {
      this.$("status").replaceChildren(el("p", { text }), ...extra ? [extra] : []);
    }
    /** The notice above the list ("just taken"), with buttons for the nearest free times. */
    showNotice(text, offers = []) {
      const notice = this.$("notice");
      notice.hidden = !text;
      if (!text) return notice.replaceChildren();
      const buttons = offers.map((s) => el("button", {
        type: "button",
        class: "secondary offer",
        text: `${formatShortDay(s.start, this.timeZone)}, ${formatTime(s.start, this.timeZone)}`,
        onclick: () => this.pick(s.start)
      }));
      notice.replaceChildren(
        el("p", { id: "notice-text", text }),
        ...buttons.length ? [el("p", { class: "small", text: "The nearest free times:" }), el("div", { class: "offers" }, ...buttons)] : []
      );
      notice.focus();
    }
    pick(start) {
      const input = (
        /** @type {HTMLInputElement | null} */
        this.root.querySelector(`input[name="slot"][value="${start}"]`)
      );
      if (!input) return;
      input.checked = true;
      input.focus();
    }
    /** The free times nearest to `start`, leaving out `skipDay` (a day that is full). */
    /** @param {string} start @param {string | null} [skipDay] */
    nearest(start, skipDay = null) {
      const at = Date.parse(start);
      return this.slots.filter((s) => s.start !== start && (!skipDay || dayIn(Date.parse(s.start), this.timeZone) !== skipDay)).sort((a, b) => Math.abs(Date.parse(a.start) - at) - Math.abs(Date.parse(b.start) - at)).slice(0, NEAREST).sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
    }
    setBusy(on) {
      this.busy = on;
      this.$("reserve").disabled = on;
      this.$("form").setAttribute("aria-busy", on ? "true" : "false");
    }
    emitError(error) {
      const detail = isSlotguardError(error) ? { code: error.code, message: error.detail } : { code: "network", message: String(error?.message ?? error) };
      this.dispatchEvent(new CustomEvent("slotguard-error", { detail, bubbles: true, composed: true }));
    }
    /** @param {SubmitEvent} e */
    async reserve(e) {
      e.preventDefault();
      if (this.busy) return;
      const ev = this.event;
      const start = this.chosenStart();
      const name = this.$("name").value.trim();
      const email = this.$("email").value.trim();
      if (!start) {
        this.say("Please choose a time first.");
        this.$("status").focus();
        return;
      }
      if (!ev || !this.$("form").reportValidity() || !name || !email) return;
      const n = this.weekly ? this.seriesCount() : 1;
      if (!n) {
        this.say(`Please choose ${SERIES_MIN} to ${SERIES_MAX} appointments.`);
        this.$("count").focus();
        return;
      }
      const starts = n > 1 ? this.seriesStarts(start, n) : null;
      this.setBusy(true);
      this.showNotice(null);
      this.drawSeries();
      this.say(starts ? `Reserving ${n} appointments\u2026` : `Reserving ${formatTime(start, this.timeZone)}\u2026`);
      try {
        const guest = { email, name };
        const answer = await this.client.createReservation({ body: starts ? { event_id: ev.id, starts, guest } : { event_id: ev.id, start, guest } });
        this.held(answer.reservation, answer.checkout_url ?? "");
      } catch (error) {
        this.setBusy(false);
        this.emitError(error);
        if (starts) await this.seriesRefused(error, starts);
        else await this.refused(error, start);
      }
    }
    /** The time is the guest's: with whom, until when, then Checkout. */
    held(r, checkoutUrl) {
      const when = `${formatTime(r.start, this.timeZone)} on ${formatDay(r.start, this.timeZone)}`;
      const until = `until ${formatTime(r.expires_at, this.timeZone)} (${durationUntil(r.expires_at)})`;
      const link = el("a", { href: checkoutUrl, id: "checkout-link", text: "Continue to payment" });
      let text = `${when} with ${r.expert_id} is held for you ${until}.`;
      if (this.event?.pool) text = `${when} is held for you ${until} with ${r.expert_id}, the expert of the team who is free then.`;
      if (r.series?.length) text = `Your ${r.series.length} weekly appointments with ${r.expert_id}, the first at ${when}, are held for you ${until}.`;
      this.$("status").replaceChildren(
        el("p", { id: "held", text: `${text} Taking you to payment\u2026` }),
        el("p", {}, link)
      );
      this.$("status").focus();
      const go = this.dispatchEvent(new CustomEvent("slotguard-held", { detail: { reservation: r, checkoutUrl }, bubbles: true, composed: true, cancelable: true }));
      if (!go || !/^https?:\/\//.test(checkoutUrl)) return this.setBusy(false);
      const delay = Number(this.getAttribute("redirect-delay-ms") ?? 1500);
      setTimeout(() => location.assign(checkoutUrl), Number.isFinite(delay) ? delay : 1500);
    }
    /** Every refusal of a hold as something the guest can act on. */
    async refused(error, start) {
      const time = `${formatTime(start, this.timeZone)} on ${formatDay(start, this.timeZone)}`;
      if (isSlotguardError(error, "slot_unavailable", "slot_not_offered", "booking_cap_reached")) {
        this.say("");
        await this.loadSlots({ keepNotice: true });
        if (error.code === "booking_cap_reached") {
          const day = dayIn(Date.parse(start), this.timeZone);
          return this.showNotice(`Sorry, ${formatDay(start, this.timeZone)} is fully booked. Please pick another day.`, this.nearest(start, day));
        }
        const text = error.code === "slot_unavailable" ? `Sorry, ${time} was just taken by someone else.` : `Sorry, ${time} can no longer be booked.`;
        return this.showNotice(text, this.nearest(start));
      }
      if (isSlotguardError(error, "event_not_found")) {
        this.say("This appointment type is no longer offered.");
        return this.load();
      }
      if (isSlotguardError(error, "validation_failed")) this.say(`Please check your details: ${error.detail}.`);
      else if (isSlotguardError(error, "too_many_holds", "rate_limited")) this.say(error.detail);
      else if (isSlotguardError(error, "payment_provider_error")) this.say("Checkout could not be opened, so the time was not kept. Please try again.");
      else if (!isSlotguardError(error) || error.status >= 500) {
        this.say('The booking service could not be reached. Your choice is kept: press "Reserve and pay" again in a moment.');
      } else this.say(`Nothing was reserved: ${error.detail}`);
      this.$("status").focus();
    }
    /**
     * A refused series held nothing. A 409 or 422 names the refused start as `starts[i]`:
     * the guest is told which appointment it was, sees it marked in the list, and may pick
     * another time or fewer weeks.
     * @param {any} error @param {string[]} starts
     */
    async seriesRefused(error, starts) {
      if (!isSlotguardError(error, "slot_unavailable", "slot_not_offered", "booking_cap_reached")) return this.refused(error, starts[0]);
      const at = Number(/starts\[(\d+)\]/.exec(error.detail ?? "")?.[1] ?? -1);
      const which = at >= 0 && at < starts.length ? starts[at] : null;
      this.say("");
      await this.loadSlots({ keepNotice: true });
      this.drawSeries(which);
      const lead = `Sorry, nothing was held: `;
      const after = which === starts[0] ? " Please choose another time." : " Please choose another time, or fewer appointments.";
      if (!which) return this.showNotice(`${lead}${error.detail}.${after}`);
      const named = `appointment ${at + 1} of ${starts.length}, ${formatTime(which, this.timeZone)} on ${formatDay(which, this.timeZone)},`;
      if (error.code === "slot_unavailable") return this.showNotice(`${lead}${named} is already taken.${after}`, which === starts[0] ? this.nearest(which) : []);
      if (error.code === "booking_cap_reached") return this.showNotice(`${lead}${named} falls on a day that is fully booked.${after}`);
      const why = error.detail.replace(/^starts\[\d+\] \([^)]*\): /, "");
      return this.showNotice(`${lead}${named} cannot be booked (${why}).${after}`);
    }
  };

  // widget/src/result.js
  var POLL_DELAYS_MS = [500, 1e3, 1e3, 1e3, 2e3, 2e3, 2e3, 3e3, 5e3];
  var POLL_FOR_MS = 15 * 6e4;
  var STATUS_WORDS = {
    pending_payment: "held, awaiting payment",
    confirmed: "confirmed",
    awaiting_approval: "awaiting approval",
    released: "not booked",
    refunded: "refunded"
  };
  var RELEASE_REASONS = {
    cancelled: "The booking was cancelled.",
    hold_expired: "The time was held for you, but the payment did not arrive in time.",
    checkout_expired: "The checkout was not completed in time.",
    payment_failed: "The payment did not go through.",
    payment_provider_error: "The payment provider could not open a checkout.",
    declined: "The expert could not take this booking; your card was not charged.",
    approval_expired: "The expert did not answer in time; your card was not charged.",
    authorization_lost: "The payment could no longer be taken; your card was not charged."
  };
  var SlotguardBookingResult = class extends HTMLElement {
    constructor() {
      super();
      this.root = this.attachShadow({ mode: "open" });
      this.eventTitle = /** @type {string | null} */
      null;
      this.started = false;
      this.client = createClient({ baseUrl: location.origin });
      this.timeZone = browserTimeZone();
      this.reservationId = null;
      this.occurrences = null;
      this.occurrencesFor = "";
    }
    connectedCallback() {
      if (this.started) return;
      this.started = true;
      const api = this.getAttribute("api");
      this.client = createClient(api ? { baseUrl: api } : {});
      const zone = this.getAttribute("time-zone");
      this.timeZone = zone && validTimeZone(zone) ? zone : browserTimeZone();
      const q = new URLSearchParams(location.search);
      this.reservationId = q.get("reservation");
      this.root.replaceChildren(
        el("style", { text: STYLE }),
        el(
          "section",
          { class: "sg", "aria-labelledby": "result" },
          el("h2", { id: "result", tabindex: "-1", text: "Checking your booking\u2026" }),
          el("div", { id: "status", class: "status", role: "status", "aria-live": "polite" }),
          el("dl", { id: "details", class: "details", hidden: true }),
          el("div", { id: "actions", class: "actions" })
        )
      );
      if (!this.reservationId) this.notFound();
      else if (q.get("outcome") === "cancelled") this.cancel();
      else this.poll();
    }
    /** @param {string} id */
    $(id) {
      return (
        /** @type {any} */
        this.root.getElementById(id)
      );
    }
    bookingLink(text) {
      const href = this.getAttribute("booking-url") ?? new URL("../", location.href).href;
      return el("a", { href, id: "book-again", class: "button", text });
    }
    show({ state, heading, text, final = false, actions = (
      /** @type {(Node|string)[]} */
      []
    ) }) {
      this.$("result").textContent = heading;
      this.dataset.state = state;
      document.title = `${heading} \u2013 your booking`;
      this.$("status").replaceChildren(el("p", { id: "status-text", text }));
      this.$("actions").replaceChildren(...actions);
      if (final) this.$("result").focus();
    }
    /** Reads a series' occurrences again when the lead's status changed since the last read. */
    async loadSeries(r) {
      if (!r.series?.length || this.occurrencesFor === r.status) return;
      try {
        this.occurrences = await Promise.all(r.series.map((id) => id === r.id ? r : this.client.getReservation({ path: { id } }).then((a) => a.reservation)));
        this.occurrencesFor = r.status;
      } catch {
      }
    }
    showDetails(r) {
      const span = (o) => `${formatWhen(o.start, this.timeZone)} \u2013 ${formatTime(o.end, this.timeZone)}`;
      const when = this.occurrences ? el("ol", { id: "occurrences" }, ...this.occurrences.map((o) => el("li", { "data-status": o.status }, `${span(o)} (${STATUS_WORDS[o.status] ?? o.status})`))) : span(r);
      const rows = [
        ["What", this.eventTitle ?? r.event_id],
        ["With", r.expert_id],
        [r.series?.length ? `When (${r.series.length} appointments)` : "When", when],
        ["Name", r.guest?.name],
        ["E-mail", r.guest?.email],
        ["Reference", r.id]
      ];
      this.$("details").replaceChildren(...rows.filter(([, v]) => v).flatMap(([k, v]) => [el("dt", { text: k }), typeof v === "string" ? el("dd", { text: v }) : el("dd", {}, v)]));
      this.$("details").hidden = false;
    }
    describe(r) {
      if (r.series?.length) return this.describeSeries(r);
      const when = `${formatTime(r.start, this.timeZone)} on ${formatDay(r.start, this.timeZone)}`;
      switch (r.status) {
        case "confirmed":
          return { state: "confirmed", heading: "Your booking is confirmed", text: `${this.eventTitle ?? "Your appointment"} with ${r.expert_id} at ${when} is booked. See you then!`, final: true };
        case "pending_payment":
          return {
            state: "pending",
            heading: "Waiting for your payment to be confirmed",
            text: r.expires_at ? `${when} is held for you until ${formatTime(r.expires_at, this.timeZone)} (${durationUntil(r.expires_at)}). This page updates by itself.` : `${when} is held for you. This page updates by itself.`
          };
        case "awaiting_approval":
          return {
            state: "awaiting",
            heading: "Waiting for the expert to approve",
            final: true,
            text: `${when} is held for you. Your card is authorized, not charged: it is charged only if the expert approves.`
          };
        case "refunded":
          return {
            state: "refunded",
            heading: "Your payment was refunded",
            final: true,
            actions: [this.bookingLink("Choose another time")],
            text: `${when} could not be kept for you, so the payment has been refunded.`
          };
        default:
          return {
            state: "released",
            heading: "This booking was not completed",
            final: true,
            actions: [this.bookingLink("Choose another time")],
            text: `${RELEASE_REASONS[r.release_reason] ?? "The time was released."} Nothing was booked for ${when}.`
          };
      }
    }
    /** A series, told by its lead: every occurrence is held, confirmed or refunded together. */
    describeSeries(r) {
      const n = r.series.length;
      const from = `${n} appointments from ${formatTime(r.start, this.timeZone)} on ${formatDay(r.start, this.timeZone)}`;
      switch (r.status) {
        case "confirmed":
          return {
            state: "confirmed",
            heading: `Your ${n} bookings are confirmed`,
            final: true,
            text: `${this.eventTitle ?? "Your appointments"} with ${r.expert_id}: all ${from} are booked. See you then!`
          };
        case "pending_payment":
          return {
            state: "pending",
            heading: "Waiting for your payment to be confirmed",
            text: r.expires_at ? `The ${from} are held for you until ${formatTime(r.expires_at, this.timeZone)} (${durationUntil(r.expires_at)}). This page updates by itself.` : `The ${from} are held for you. This page updates by itself.`
          };
        case "refunded":
          return {
            state: "refunded",
            heading: "Your payment was refunded",
            final: true,
            actions: [this.bookingLink("Choose another time")],
            text: `The ${from} could not all be kept for you, so the payment has been refunded.`
          };
        default:
          return {
            state: "released",
            heading: "These bookings were not completed",
            final: true,
            actions: [this.bookingLink("Choose another time")],
            text: `${RELEASE_REASONS[r.release_reason] ?? "The times were released."} Nothing was booked for the ${from}.`
          };
      }
    }
    async loadTitle(r) {
      if (this.eventTitle) return;
      try {
        this.eventTitle = (await this.client.getEvent({ path: { event_id: r.event_id } })).event.title;
      } catch {
      }
    }
    unreachable(retry) {
      this.show({
        state: "unknown",
        heading: "We could not check your booking",
        final: true,
        text: "The booking service could not be reached. Your booking is not lost: check again in a moment.",
        actions: [el("button", { type: "button", text: "Check again", onclick: retry })]
      });
    }
    notFound() {
      this.show({
        state: "not_found",
        heading: "We could not find this booking",
        final: true,
        text: "There is no booking at this address. Nothing was booked here.",
        actions: [this.bookingLink("Book an appointment")]
      });
    }
    async poll() {
      const startedAt = Date.now();
      for (let i = 0; ; i++) {
        try {
          const { reservation: r } = await this.client.getReservation({ path: { id: String(this.reservationId) } });
          await this.loadTitle(r);
          await this.loadSeries(r);
          this.showDetails(r);
          const view = this.describe(r);
          if (view.final) return this.show(view);
          if (Date.now() - startedAt > POLL_FOR_MS) {
            return this.show({
              ...view,
              heading: "Your payment is still being confirmed",
              final: true,
              actions: [el("button", { type: "button", text: "Check again", onclick: () => this.poll() })]
            });
          }
          if (this.$("result").textContent !== view.heading) this.show(view);
        } catch (error) {
          if (isSlotguardError(error, "reservation_not_found")) return this.notFound();
          if (isSlotguardError(error) && error.status < 500) return this.unreachable(() => this.poll());
          if (Date.now() - startedAt > 6e4) return this.unreachable(() => this.poll());
        }
        await new Promise((r) => setTimeout(r, POLL_DELAYS_MS[Math.min(i, POLL_DELAYS_MS.length - 1)]));
      }
    }
    async cancel() {
      this.show({ state: "cancelling", heading: "Cancelling\u2026", text: "Releasing the time you picked." });
      try {
        const { reservation: r } = await this.client.cancelReservation({ path: { id: String(this.reservationId) }, query: { unpaid_only: "true" } });
        await this.loadTitle(r);
        await this.loadSeries(r);
        this.showDetails(r);
        if (r.status === "confirmed") return this.show(this.describe(r));
        const when = `${formatTime(r.start, this.timeZone)} on ${formatDay(r.start, this.timeZone)}`;
        return this.show({
          state: "cancelled",
          heading: "Payment cancelled",
          final: true,
          actions: [this.bookingLink("Choose another time")],
          text: r.series?.length ? `Nothing was charged. The ${r.series.length} appointments from ${when} are free again.` : `Nothing was charged. ${when} is free again.`
        });
      } catch (error) {
        if (isSlotguardError(error, "reservation_confirmed")) return this.poll();
        if (isSlotguardError(error, "reservation_not_found")) return this.notFound();
        this.show({
          state: "unknown",
          heading: "The time could not be released yet",
          final: true,
          text: "The booking service could not be reached. Nothing was charged; the hold lapses by itself if you do not pay.",
          actions: [el("button", { type: "button", text: "Try again", onclick: () => this.cancel() }), " ", this.bookingLink("Back to booking")]
        });
      }
    }
  };

  // widget/src/index.js
  if (!customElements.get("slotguard-booking")) customElements.define("slotguard-booking", SlotguardBooking);
  if (!customElements.get("slotguard-booking-result")) customElements.define("slotguard-booking-result", SlotguardBookingResult);
})();
