// Stripe-shaped API errors: {"error": {type, message, param?, code?, doc_url?}}.

export class StripeError extends Error {
  /**
   * @param {number} status HTTP status
   * @param {object} fields  type, message, param, code
   * @param {object} [opts]  saveIdempotent: whether an idempotent replay
   *   should return this error (true once the endpoint "began executing";
   *   false for parameter validation, like real Stripe); extra: more fields
   *   of the error hash (Stripe adds the PaymentIntent to its state errors).
   */
  constructor(status, { type = 'invalid_request_error', message, param, code } = {}, opts = {}) {
    super(message);
    this.status = status;
    this.type = type;
    this.param = param;
    this.code = code;
    this.saveIdempotent = opts.saveIdempotent ?? true;
    this.extra = opts.extra ?? null;
  }

  toJSON() {
    const error = { type: this.type, message: this.message };
    if (this.code) {
      error.code = this.code;
      error.doc_url = `https://stripe.com/docs/error-codes/${this.code.replace(/_/g, '-')}`;
    }
    if (this.param !== undefined && this.param !== null) error.param = this.param;
    if (this.extra) Object.assign(error, structuredClone(this.extra));
    return { error };
  }
}

const validation = { saveIdempotent: false };

export function missingParam(param) {
  return new StripeError(400, { message: `Missing required param: ${param}.`, param, code: 'parameter_missing' }, validation);
}

export function invalidParam(param, message, code) {
  return new StripeError(400, { message, param, code }, validation);
}

export function unknownParam(param) {
  return new StripeError(400, { message: `Received unknown parameter: ${param}`, param, code: 'parameter_unknown' }, validation);
}

export function invalidState(message, { code, param } = {}) {
  return new StripeError(400, { message, code, param });
}

/** A PaymentIntent in the wrong state for the call; Stripe's error carries the PaymentIntent. */
export function paymentIntentUnexpectedState(message, paymentIntent, param) {
  return new StripeError(400, { message, code: 'payment_intent_unexpected_state', param }, { extra: { payment_intent: paymentIntent } });
}

/** A Stripe-Account header naming no account this key may act as (Stripe answers 403 account_invalid). */
export function accountInvalid(accountId, key) {
  const tail = key && key.length > 4 ? key.slice(-4) : '';
  return new StripeError(
    403,
    {
      code: 'account_invalid',
      message: `The provided key 'sk_test_****${tail}' does not have access to account '${accountId}' (or that account does not exist). Application access may have been revoked. (Stripe-Account header)`,
    },
    validation,
  );
}

/** A Stripe-Account header naming a real connected account: the emulator does not act as one. */
export function stripeAccountUnsupported(accountId) {
  return new StripeError(
    400,
    {
      message: `The Stripe emulator does not act as connected accounts: the Stripe-Account header (${accountId}) is refused on every request. Make destination charges from the platform instead (payment_intent_data[transfer_data][destination]).`,
    },
    validation,
  );
}

export function resourceMissing(objectName, id, param) {
  return new StripeError(404, { message: `No such ${objectName}: '${id}'`, param, code: 'resource_missing' }, validation);
}

export function unrecognizedUrl(method, path) {
  return new StripeError(
    404,
    { message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.` },
    validation,
  );
}

export function authMissing() {
  return new StripeError(
    401,
    { message: "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')." },
    validation,
  );
}

export function authInvalid(key) {
  const tail = key.length > 4 ? key.slice(-4) : '';
  const head = key.startsWith('sk_test_') ? 'sk_test_' : key.startsWith('sk_live_') ? 'sk_live_' : '';
  return new StripeError(401, { message: `Invalid API Key provided: ${head}****${tail}` }, validation);
}

/**
 * A live key presented to the emulator: refused whatever the emulator's own key, so a
 * deployment pointed here by mistake learns at once, and the key is not echoed back.
 * @param {string} key
 */
export function liveKeyRefused(key) {
  const head = key.startsWith('rk_') ? 'rk_live_' : 'sk_live_';
  return new StripeError(401, { message: `This is a local Stripe emulator: it refuses live keys (${head}****). Use a test key.` }, validation);
}

export function idempotencyError(message) {
  return new StripeError(400, { type: 'idempotency_error', message }, validation);
}

export function bodyTooLarge(limit) {
  return new StripeError(413, { message: `Request body is too large: the limit is ${limit} bytes.` }, validation);
}

export function internalError() {
  return new StripeError(500, { type: 'api_error', message: 'An unknown error occurred in the Stripe emulator.' }, validation);
}

/**
 * A twin of a request that is still executing under the same API key and
 * idempotency key. Not saved: nothing executed, and the first request's result
 * is what the key will replay.
 */
export function idempotencyInFlight() {
  return new StripeError(
    409,
    {
      type: 'idempotency_error',
      code: 'idempotency_key_in_use',
      message:
        'There is currently another in-progress request using this Stripe API key and idempotency key. Retry once it has finished: the retry then gets its result.',
    },
    validation,
  );
}

/**
 * An injected server failure. Saved under the idempotency key like any result of
 * a request that began executing, so a retry with the same key gets it again.
 */
export function injectedApiError() {
  return new StripeError(500, {
    type: 'api_error',
    message: 'An error occurred on the Stripe side while processing this request (an injected fault). No change was made.',
  });
}

/** An injected rate limit. Not saved: a rate-limited request never executes. */
export function rateLimited() {
  return new StripeError(
    429,
    {
      type: 'rate_limit_error',
      code: 'rate_limit',
      message: 'Too many requests hit the API too quickly (an injected fault). Retry with an exponential backoff.',
    },
    validation,
  );
}
