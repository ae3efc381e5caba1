// @slotguard/client: every operation of docs/openapi.yaml as a typed method, for
// browsers, Node and Workers (only fetch, URL and crypto.randomUUID; no dependencies).
// The types and the operation table are generated from the spec (generated/, by
// scripts/lib/gen-client.mjs); this file only says how a call travels: the URL, the
// admin token, the Idempotency-Key of a hold, retries of a 503, errors as typed codes.
import { ERROR_CODES, OPERATIONS } from './generated/contract.js';
import { createKeyMemory } from './idempotency.js';
import { retryAfterMs, with503Retries } from './retry.js';

export { ERROR_CODES, OPERATIONS };

/** @typedef {import('./generated/openapi.js').operations} Operations */
/** @typedef {import('./generated/openapi.js').components['schemas']} Schemas */
/** @typedef {import('./generated/openapi.js').paths} Paths */
/** @typedef {import('./generated/contract.js').ErrorCode} ErrorCode */
/** @typedef {keyof typeof OPERATIONS & keyof Operations} OperationId  the API's operations (not the outbound notifications) */

/**
 * What a call of operation Op takes: its path and query parameters, its JSON body, and
 * for a hold the caller's own Idempotency-Key.
 * @template {OperationId} Op
 * @typedef {{
 *   path?: Operations[Op]['parameters']['path'],
 *   query?: Operations[Op]['parameters']['query'],
 *   body?: Operations[Op] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never,
 *   idempotencyKey?: string,
 *   headers?: Record<string, string>,
 *   signal?: AbortSignal,
 * }} CallOptions
 */

/**
 * The body of a successful answer (2xx) of responses R; undefined for one without a body.
 * @template R
 * @typedef {{ [K in keyof R]: K extends 200 | 201 | 202 | 204
 *   ? (R[K] extends { content: infer C } ? C[keyof C] : undefined)
 *   : never }[keyof R]} SuccessOf
 */

/**
 * What a call of Op resolves to: the answer's body, plus for a hold the key it used and
 * whether the answer replays an earlier one.
 * @template {OperationId} Op
 * @typedef {Operations[Op] extends { parameters: { header?: { 'Idempotency-Key'?: string } } }
 *   ? SuccessOf<Operations[Op]['responses']> & { idempotencyKey: string, replayed: boolean }
 *   : SuccessOf<Operations[Op]['responses']>} Result
 */

/**
 * A method per operation, named by its operationId.
 * @typedef {{ [Op in OperationId]: (options?: CallOptions<Op>) => Promise<Result<Op>> }} Methods
 */

/**
 * An answer that is not a success: `code` is the API's error code (ERROR_CODES), or
 * `unexpected_response` when the body was not slotguard's error (a proxy's page).
 */
export class SlotguardError extends Error {
  /**
   * @param {object} o
   * @param {OperationId} o.operation
   * @param {number} o.status
   * @param {ErrorCode | 'unexpected_response'} o.code
   * @param {string} o.message
   * @param {number | null} o.retryAfterMs  what Retry-After asked for, if anything
   * @param {string | undefined} o.idempotencyKey  the key a hold was sent with
   */
  constructor({ operation, status, code, message, retryAfterMs, idempotencyKey }) {
    super(`${operation}: ${status} ${code}: ${message}`);
    this.name = 'SlotguardError';
    this.operation = operation;
    this.status = status;
    this.code = code;
    this.detail = message;
    this.retryAfterMs = retryAfterMs;
    this.idempotencyKey = idempotencyKey;
  }
}

/**
 * True when `error` is a SlotguardError with one of `codes` (narrows its type).
 * @param {unknown} error  @param {...ErrorCode} codes
 * @returns {error is SlotguardError}
 */
export function isSlotguardError(error, ...codes) {
  return error instanceof SlotguardError && (codes.length === 0 || codes.includes(/** @type {ErrorCode} */ (error.code)));
}

/**
 * @typedef {object} ClientOptions
 * @property {string} [baseUrl]  the API's origin; default: the page's own origin in a browser
 * @property {string} [adminToken]  sent as a bearer token on the admin operations only
 * @property {(input: Request) => Promise<Response>} [fetch]  default: the global fetch
 * @property {number} [retries]  how many times a 503 with Retry-After is tried again (default 2)
 * @property {number} [maxRetryDelayMs]  the longest Retry-After waited for (default 30 s)
 * @property {() => string} [newIdempotencyKey]  default: crypto.randomUUID()
 */

/**
 * @param {ClientOptions} [options]
 * @returns {Methods & { call: <Op extends OperationId>(operation: Op, options?: CallOptions<Op>) => Promise<Result<Op>> }}
 */
export function createClient(options = {}) {
  const baseUrl = options.baseUrl ?? globalThis.location?.origin;
  if (!baseUrl) throw new TypeError('createClient: baseUrl is required outside a browser page');
  const send = options.fetch ?? ((request) => globalThis.fetch(request));
  const retries = options.retries ?? 2;
  const maxDelayMs = options.maxRetryDelayMs ?? 30_000;
  const keys = createKeyMemory({ newKey: options.newIdempotencyKey });

  /**
   * @template {OperationId} Op
   * @param {Op} operation  @param {CallOptions<Op>} [o]
   * @returns {Promise<Result<Op>>}
   */
  async function call(operation, o = {}) {
    const op = OPERATIONS[operation];
    if (!op) throw new TypeError(`unknown operation ${operation}`);
    const url = new URL(fillPath(op.path, /** @type {any} */ (o.path) ?? {}), baseUrl);
    for (const [k, v] of Object.entries(/** @type {any} */ (o.query) ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers = new Headers(o.headers);
    if (op.admin && options.adminToken) headers.set('authorization', `Bearer ${options.adminToken}`);
    if (o.body !== undefined) headers.set('content-type', 'application/json');
    const memo = op.idempotencyKey ? keys.keyFor(operation, [o.path, o.query, o.body], o.idempotencyKey) : null;
    if (memo) headers.set('idempotency-key', memo.key);
    const body = o.body === undefined ? undefined : JSON.stringify(o.body);

    const res = await with503Retries(() => send(new Request(url, { method: op.method, headers, body, signal: o.signal })), {
      retries,
      maxDelayMs,
    });
    // A 2xx or a 4xx is the final answer to this call; a 5xx may not be (the same key again).
    if (memo && res.status < 500) keys.settled(memo.id);
    if (!res.ok) throw await errorOf(operation, res, memo?.key);
    const data = op.text ? await res.text() : res.status === 204 ? undefined : await readJson(res);
    if (!memo) return /** @type {Result<Op>} */ (data);
    const replayed = res.headers.get('idempotent-replayed') === 'true';
    return /** @type {Result<Op>} */ ({ ...data, idempotencyKey: memo.key, replayed });
  }

  const methods = Object.fromEntries(Object.keys(OPERATIONS).map((name) => [name, (/** @type {any} */ o) => call(/** @type {any} */ (name), o)]));
  return /** @type {any} */ ({ ...methods, call });
}

/** @param {string} template  @param {Record<string, unknown>} params */
function fillPath(template, params) {
  return template.replace(/\{([^}]+)\}/g, (_, name) => {
    const v = params[name];
    if (v === undefined || v === null || v === '') throw new TypeError(`path parameter ${name} is required`);
    return encodeURIComponent(String(v));
  });
}

/** @param {Response} res */
async function readJson(res) {
  const text = await res.text();
  return text === '' ? undefined : JSON.parse(text);
}

/**
 * @param {OperationId} operation  @param {Response} res  @param {string | undefined} idempotencyKey
 * @returns {Promise<SlotguardError>}
 */
async function errorOf(operation, res, idempotencyKey) {
  const retry = retryAfterMs(res.headers.get('retry-after'));
  let parsed;
  try {
    parsed = JSON.parse(await res.text());
  } catch {
    parsed = null;
  }
  const code = parsed?.error?.code;
  const known = typeof code === 'string' && /** @type {readonly string[]} */ (ERROR_CODES).includes(code);
  return new SlotguardError({
    operation,
    status: res.status,
    code: known ? /** @type {ErrorCode} */ (code) : 'unexpected_response',
    message: typeof parsed?.error?.message === 'string' ? parsed.error.message : `HTTP ${res.status}`,
    retryAfterMs: retry,
    idempotencyKey,
  });
}
