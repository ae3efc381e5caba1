// the expert's console, bundled with @slotguard/client from widget/src/console.js by scripts/lib/build-widget.mjs: do not edit.
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
  function formatPrice(price) {
    if (!price) return "";
    const fmt = new Intl.NumberFormat(void 0, { style: "currency", currency: price.currency.toUpperCase() });
    const digits = fmt.resolvedOptions().maximumFractionDigits ?? 2;
    return fmt.format(price.amount / 10 ** digits);
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

  // widget/src/console.js
  var WEEKDAYS = (
    /** @type {const} */
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
  );
  var WEEKDAY_NAMES = { mon: "Monday", tue: "Tuesday", wed: "Wednesday", thu: "Thursday", fri: "Friday", sat: "Saturday", sun: "Sunday" };
  var STATUS_NAMES = {
    pending_payment: "awaiting payment",
    confirmed: "confirmed",
    released: "released",
    refunded: "refunded",
    awaiting_approval: "awaiting approval"
  };
  var $ = (id) => (
    /** @type {any} */
    document.getElementById(id)
  );
  var session = (
    /** @type {null | {
    *   client: ReturnType<typeof createClient>, expert: string, timeZone: string, weekStart: string,
    *   availability: any | null, events: any[], reservations: any[], busy: any[] }} */
    null
  );
  function say(text, { alert = false } = {}) {
    const box = $(alert ? "console-alert" : "console-status");
    box.replaceChildren(text ? el("p", { text }) : "");
    if (alert && text) box.focus();
  }
  async function signIn(e) {
    e.preventDefault();
    const token = $("token").value;
    const expert = $("expert").value.trim();
    $("sign-in-error").hidden = true;
    if (!token || !expert) return;
    const client = createClient({ adminToken: token });
    $("sign-in-button").disabled = true;
    try {
      let availability = null;
      try {
        availability = (await client.getAvailability({ path: { expert_id: expert } })).availability ?? null;
      } catch (error) {
        if (!isSlotguardError(error, "availability_not_found")) throw error;
      }
      const timeZone = availability?.time_zone && validTimeZone(availability.time_zone) ? availability.time_zone : browserTimeZone();
      session = { client, expert, timeZone, weekStart: mondayOf(dayIn(Date.now(), timeZone)), availability, events: [], reservations: [], busy: [] };
    } catch (error) {
      $("sign-in-button").disabled = false;
      const text = isSlotguardError(error, "unauthorized") ? "The admin token was not accepted. Check it and try again." : problemText(error);
      $("sign-in-error").textContent = text;
      $("sign-in-error").hidden = false;
      $("sign-in-error").focus();
      return;
    }
    $("token").value = "";
    $("sign-in-button").disabled = false;
    $("sign-in").hidden = true;
    $("app").hidden = false;
    $("signed-in-as").textContent = `Signed in for ${expert} (${session.timeZone.replace(/_/g, " ")} time).`;
    drawAvailability();
    await Promise.all([loadWeek(), loadEvents()]);
    $("app-title").focus();
  }
  function signOut() {
    session = null;
    for (const id of ["calendar", "events", "weekly", "overrides", "console-status", "console-alert", "booking-details"]) $(id).replaceChildren();
    $("app").hidden = true;
    $("sign-in").hidden = false;
    $("token").focus();
  }
  function mondayOf(day) {
    const [y, m, d] = day.split("-").map(Number);
    const weekday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
    return addDays(day, -weekday);
  }
  async function loadWeek() {
    if (!session) return;
    const s = session;
    const from = startOfDay(s.weekStart, s.timeZone);
    const to = startOfDay(addDays(s.weekStart, 7), s.timeZone);
    $("week-label").textContent = `${formatShortDay(from, s.timeZone)} \u2013 ${formatShortDay(to - 1, s.timeZone)}`;
    $("calendar").setAttribute("aria-busy", "true");
    try {
      const reservations = [];
      let cursor;
      do {
        const page = await s.client.listReservations({ query: { expert_id: s.expert, from: rfc3339(from), to: rfc3339(to), limit: 100, cursor } });
        reservations.push(...page.reservations);
        cursor = page.next_cursor ?? void 0;
      } while (cursor);
      const { busy } = await s.client.listBusy({ path: { expert_id: s.expert }, query: { from: rfc3339(from), to: rfc3339(to) } });
      s.reservations = reservations;
      s.busy = busy;
    } catch (error) {
      $("calendar").setAttribute("aria-busy", "false");
      $("calendar").replaceChildren(el("p", { class: "notice", text: `The week could not be loaded. ${problemText(error)}` }));
      return;
    }
    $("calendar").setAttribute("aria-busy", "false");
    drawWeek();
  }
  function drawWeek() {
    if (!session) return;
    const s = session;
    const days = Array.from({ length: 7 }, (_, i) => addDays(s.weekStart, i));
    $("calendar").replaceChildren(...days.map((day) => {
      const items = [
        ...s.reservations.filter((r) => dayIn(Date.parse(r.start), s.timeZone) === day).map((r) => ({ at: r.start, node: bookingItem(r) })),
        ...s.busy.filter((b) => dayIn(Date.parse(b.start), s.timeZone) === day).map((b) => ({ at: b.start, node: busyItem(b) }))
      ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
      const noon = instantOf(day, "12:00", s.timeZone);
      return el(
        "section",
        { class: "day", "aria-labelledby": `day-${day}`, "data-day": day },
        el("h3", { id: `day-${day}`, text: formatShortDay(noon, s.timeZone) }),
        items.length ? el("ul", { class: "items" }, ...items.map((i) => i.node)) : el("p", { class: "muted small", text: "Nothing booked" })
      );
    }));
  }
  function bookingItem(r) {
    const s = (
      /** @type {NonNullable<typeof session>} */
      session
    );
    const time = `${formatTime(r.start, s.timeZone)}\u2013${formatTime(r.end, s.timeZone)}`;
    const status = STATUS_NAMES[r.status] ?? r.status;
    return el(
      "li",
      { class: `booking status-${r.status}`, "data-reservation": r.id },
      el(
        "button",
        { type: "button", class: "item", onclick: () => openBooking(r) },
        el("span", { class: "time", text: time }),
        el("span", { text: `${r.guest?.name ?? r.guest?.email ?? ""} \xB7 ${r.event_id}` }),
        el("span", { class: "badge", text: status })
      )
    );
  }
  function busyItem(b) {
    const s = (
      /** @type {NonNullable<typeof session>} */
      session
    );
    const time = `${formatTime(b.start, s.timeZone)}\u2013${formatTime(b.end, s.timeZone)}`;
    return el(
      "li",
      { class: "busy", "data-busy": b.id },
      el("span", { class: "time", text: time }),
      el("span", { text: "Busy" }),
      el("button", {
        type: "button",
        class: "secondary small",
        "aria-label": `Remove busy block ${time} on ${formatDay(b.start, s.timeZone)}`,
        text: "Remove",
        onclick: () => removeBusy(b)
      })
    );
  }
  async function removeBusy(b) {
    if (!session) return;
    try {
      await session.client.deleteBusy({ path: { expert_id: session.expert, block_id: b.id } });
      say(`The busy block at ${formatTime(b.start, session.timeZone)} on ${formatDay(b.start, session.timeZone)} was removed.`);
    } catch (error) {
      say(`The busy block could not be removed. ${problemText(error)}`, { alert: true });
    }
    await loadWeek();
  }
  async function addBusy(e) {
    e.preventDefault();
    if (!session) return;
    const s = session;
    const day = $("busy-day").value;
    const from = $("busy-from").value;
    const to = $("busy-to").value;
    if (!day || !from || !to) return $("busy-form").reportValidity();
    const start = instantOf(day, from, s.timeZone);
    const end = to <= from ? instantOf(addDays(day, 1), to, s.timeZone) : instantOf(day, to, s.timeZone);
    const id = `console-${crypto.randomUUID().slice(0, 8)}`;
    try {
      const answer = await s.client.putBusy({ path: { expert_id: s.expert, block_id: id }, body: { start: rfc3339(start), end: rfc3339(end) } });
      const overlaps = (
        /** @type {any} */
        answer.overlapping_reservations ?? []
      );
      say(`Busy ${from}\u2013${to} on ${formatDay(start, s.timeZone)} was added.${overlaps.length ? ` It overlaps ${overlaps.length} booking(s), which stand.` : ""}`);
    } catch (error) {
      say(`The busy block could not be added. ${problemText(error)}`, { alert: true });
      return;
    }
    s.weekStart = mondayOf(day);
    await loadWeek();
  }
  function refundPreview(r, now = Date.now()) {
    const event = session?.events.find((e) => e.id === r.event_id);
    if (r.status === "pending_payment") return { ok: true, text: "Nothing has been paid: cancelling releases the hold and frees the time." };
    if (r.status === "awaiting_approval") return { ok: true, text: "The card is only authorized: cancelling releases the hold and the card is not charged." };
    if (r.status !== "confirmed") return { ok: false, text: `This booking is ${STATUS_NAMES[r.status] ?? r.status}; there is nothing to cancel.` };
    let tiers = null;
    if (r.cancellation === null) return { ok: false, text: "This booking was made under no cancellation terms, so it cannot be cancelled here." };
    if (r.cancellation?.tiers) tiers = r.cancellation.tiers;
    else if (event?.cancellation?.tiers) {
      const first = Date.parse(r.start);
      tiers = event.cancellation.tiers.map((t) => ({ until: rfc3339(first - t.before_minutes * 6e4), refund_percent: t.refund_percent }));
    }
    if (!tiers) return { ok: false, text: "This booking was made under no cancellation terms, so it cannot be cancelled here." };
    const tier = tiers.find((t) => t.until === null || now <= Date.parse(t.until));
    const percent = tier?.refund_percent ?? 0;
    const price = event?.price;
    const amount = price ? { amount: Math.floor(price.amount * percent / 100), currency: price.currency } : null;
    const money = amount ? formatPrice(amount) : `${percent} %`;
    return {
      ok: true,
      percent,
      amount,
      text: percent > 0 ? `Cancelling now refunds ${money} (${percent} % of ${price ? formatPrice(price) : "the price"}) to the guest.` : "Cancelling now refunds nothing: it is later than every refund tier of this booking."
    };
  }
  function openBooking(r) {
    if (!session) return;
    const s = session;
    const dialog = $("booking-dialog");
    const rows = [
      ["Guest", `${r.guest?.name ?? ""} <${r.guest?.email ?? ""}>`],
      ["Event type", r.event_id],
      ["Expert", r.expert_id],
      ["When", `${formatDay(r.start, s.timeZone)}, ${formatTime(r.start, s.timeZone)}\u2013${formatTime(r.end, s.timeZone)}`],
      ["Status", STATUS_NAMES[r.status] ?? r.status],
      ["Reference", r.id]
    ];
    if (r.refund) rows.push(["Refunded", formatPrice(r.refund)]);
    $("booking-details").replaceChildren(...rows.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })]));
    const preview = refundPreview(r);
    $("refund-preview").textContent = preview.text;
    const cancel = $("cancel-booking");
    cancel.hidden = !preview.ok;
    cancel.textContent = preview.amount && preview.percent ? `Cancel and refund ${formatPrice(preview.amount)}` : "Cancel booking";
    cancel.onclick = () => cancelBooking(r);
    dialog.showModal();
  }
  async function cancelBooking(r) {
    if (!session) return;
    const s = session;
    $("booking-dialog").close();
    try {
      const { reservation } = await s.client.cancelReservation({ path: { id: r.id } });
      const refunded = reservation.refund ? ` ${formatPrice(reservation.refund)} is refunded to the guest.` : "";
      say(`The booking of ${r.guest?.name ?? r.guest?.email} on ${formatDay(r.start, s.timeZone)} at ${formatTime(r.start, s.timeZone)} was cancelled.${refunded}`);
    } catch (error) {
      say(`The booking could not be cancelled. ${problemText(error)}`, { alert: true });
    }
    await loadWeek();
  }
  function intervalsEditor(label, intervals, idPrefix) {
    const list = el("div", { class: "intervals", "data-intervals": idPrefix });
    const add = (from = "09:00", to = "17:00") => {
      const n = list.children.length + 1;
      const row = el(
        "div",
        { class: "interval" },
        el("label", { class: "visually-hidden", for: `${idPrefix}-from-${n}`, text: `${label}: interval ${n} from` }),
        el("input", { type: "time", id: `${idPrefix}-from-${n}`, class: "from", value: from, required: true }),
        el("span", { "aria-hidden": "true", text: "\u2013" }),
        el("label", { class: "visually-hidden", for: `${idPrefix}-to-${n}`, text: `${label}: interval ${n} to` }),
        el("input", { type: "time", id: `${idPrefix}-to-${n}`, class: "to", value: to, required: true })
      );
      row.append(el("button", { type: "button", class: "secondary small", "aria-label": `Remove ${label} interval ${n}`, text: "Remove", onclick: () => row.remove() }));
      list.append(row);
    };
    for (const [from, to] of intervals) add(from, to);
    const addButton = el("button", {
      type: "button",
      class: "secondary small",
      text: "Add hours",
      "aria-label": `Add hours on ${label}`,
      onclick: () => {
        const last = (
          /** @type {HTMLInputElement | null | undefined} */
          list.lastElementChild?.querySelector(".to")?.value
        );
        add(last && last < "23:00" ? last : "09:00", last && last < "23:00" ? `${String(Math.min(23, Number(last.slice(0, 2)) + 1)).padStart(2, "0")}:${last.slice(3)}` : "17:00");
      }
    });
    return el("div", { class: "intervals-editor" }, list, addButton);
  }
  function readIntervals(container) {
    return [...container.querySelectorAll(".interval")].map((row) => [row.querySelector(".from").value, row.querySelector(".to").value]);
  }
  function drawAvailability() {
    if (!session) return;
    const doc = session.availability ?? { time_zone: session.timeZone, weekly: {}, overrides: [] };
    const zone = $("avail-tz");
    zone.replaceChildren(...[.../* @__PURE__ */ new Set([doc.time_zone, ...timeZones()])].map((z) => el("option", { value: z, text: z.replace(/_/g, " ") })));
    zone.value = doc.time_zone;
    $("weekly").replaceChildren(...WEEKDAYS.map((d) => el(
      "div",
      { class: "weekday", "data-weekday": d },
      el("h4", { text: WEEKDAY_NAMES[d] }),
      intervalsEditor(WEEKDAY_NAMES[d], doc.weekly?.[d] ?? [], `w-${d}`)
    )));
    $("overrides").replaceChildren(...(doc.overrides ?? []).map((o) => overrideRow(o.date, o.intervals)));
    $("avail-state").textContent = session.availability ? "" : "No working hours are set: every aligned start, day and night, is offered.";
  }
  function overrideRow(date, intervals) {
    const n = crypto.randomUUID().slice(0, 6);
    const row = el(
      "div",
      { class: "override", "data-override": date || "" },
      el("label", { for: `o-date-${n}`, text: "Date" }),
      el("input", { type: "date", id: `o-date-${n}`, class: "o-date", value: date, required: true }),
      intervalsEditor(`override ${date || "new"}`, intervals, `o-${n}`),
      el("p", { class: "muted small", text: "No hours: a day off." })
    );
    row.append(el("button", { type: "button", class: "secondary small", text: "Remove this date", onclick: () => row.remove() }));
    return row;
  }
  async function saveAvailability(e) {
    e.preventDefault();
    if (!session) return;
    const s = session;
    const weekly = {};
    for (const d of WEEKDAYS) {
      const intervals = readIntervals($("weekly").querySelector(`[data-weekday="${d}"]`));
      if (intervals.length) weekly[d] = intervals.sort((a, b) => a[0].localeCompare(b[0]));
    }
    const overrides = [...$("overrides").querySelectorAll(".override")].map((row) => ({
      date: row.querySelector(".o-date").value,
      intervals: readIntervals(row).sort((a, b) => a[0].localeCompare(b[0]))
    })).sort((a, b) => a.date.localeCompare(b.date));
    const body = { time_zone: $("avail-tz").value, weekly, overrides };
    if (s.availability?.limits) body.limits = s.availability.limits;
    try {
      const answer = await s.client.putAvailability({ path: { expert_id: s.expert }, body });
      s.availability = answer.availability;
      s.timeZone = answer.availability.time_zone;
      say("Working hours saved.");
      drawAvailability();
      await loadWeek();
    } catch (error) {
      say(`The working hours were not saved. ${problemText(error)}`, { alert: true });
    }
  }
  async function loadEvents() {
    if (!session) return;
    const s = session;
    try {
      s.events = (await s.client.listEvents({ query: { expert_id: s.expert } })).events;
    } catch (error) {
      $("events").replaceChildren(el("p", { class: "notice", text: `The event types could not be loaded. ${problemText(error)}` }));
      return;
    }
    if (s.events.length === 0) return $("events").replaceChildren(el("p", { class: "muted", text: "No event types yet." }));
    const head = el("tr", {}, ...["Title", "Id", "Length", "Price", "Rules"].map((h) => el("th", { scope: "col", text: h })));
    $("events").replaceChildren(el("table", {}, el("thead", {}, head), el("tbody", {}, ...s.events.map((ev) => {
      const rules = [];
      if (ev.pool) rules.push(`team pool: ${ev.pool.experts.join(", ")}`);
      if (ev.limits?.per_day) rules.push(`at most ${ev.limits.per_day} a day`);
      if (ev.limits?.per_week) rules.push(`at most ${ev.limits.per_week} a week`);
      if (ev.cancellation?.tiers) rules.push(`refunds: ${ev.cancellation.tiers.map((t) => `${t.refund_percent} % up to ${Math.round(t.before_minutes / 60)} h before`).join(", ")}`);
      if (ev.approval?.required) rules.push("needs approval");
      return el(
        "tr",
        { "data-event": ev.id },
        el("th", { scope: "row", text: ev.title }),
        el("td", { text: ev.id }),
        el("td", { text: `${ev.duration_minutes} min` }),
        el("td", { text: formatPrice(ev.price) }),
        el("td", { text: rules.join("; ") || "\u2014" })
      );
    }))));
  }
  var q = new URLSearchParams(location.search);
  if (q.get("expert")) $("expert").value = q.get("expert");
  $("sign-in-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", signOut);
  $("prev-week").addEventListener("click", () => {
    if (session) {
      session.weekStart = addDays(session.weekStart, -7);
      loadWeek();
    }
  });
  $("next-week").addEventListener("click", () => {
    if (session) {
      session.weekStart = addDays(session.weekStart, 7);
      loadWeek();
    }
  });
  $("this-week").addEventListener("click", () => {
    if (session) {
      session.weekStart = mondayOf(dayIn(Date.now(), session.timeZone));
      loadWeek();
    }
  });
  $("busy-form").addEventListener("submit", addBusy);
  $("availability-form").addEventListener("submit", saveAvailability);
  $("add-override").addEventListener("click", () => {
    const row = overrideRow("", []);
    $("overrides").append(row);
    row.querySelector("input")?.focus();
  });
  $("keep-booking").addEventListener("click", () => $("booking-dialog").close());
})();
