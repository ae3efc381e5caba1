// The request pipeline: routing, body decoding, auth, idempotency (with keys
// in flight), injected faults, lazy expiry, common headers and Stripe-shaped
// errors. Never lets an exception escape: unknown failures become a 500
// api_error.
import { decodeForm, FormDecodeError } from '../form.js';
import {
  StripeError,
  authInvalid,
  authMissing,
  liveKeyRefused,
  injectedApiError,
  internalError,
  invalidParam,
  rateLimited,
  unrecognizedUrl,
} from '../errors.js';
import { newId } from '../ids.js';
import { readBody } from './body.js';
import { refuseStripeAccount } from './stripe-account.js';
import { json, send, serialize } from './respond.js';

function presentedApiKey(req) {
  const header = req.headers.authorization;
  if (typeof header !== 'string' || header === '') return null;
  const [scheme, value = ''] = header.split(/\s+/, 2);
  if (/^bearer$/i.test(scheme)) return value;
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return decoded.split(':')[0];
  }
  return '';
}

function decodeParams(kind, method, req, rawQuery, body) {
  try {
    const query = decodeForm(rawQuery);
    if (method === 'GET' || method === 'DELETE') return query;
    const type = String(req.headers['content-type'] ?? '').toLowerCase();
    if (kind === 'control' && type.startsWith('application/json')) {
      if (body.trim() === '') return query;
      let parsed;
      try {
        parsed = JSON.parse(body);
      } catch {
        throw invalidParam(null, 'Invalid JSON body.');
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidParam(null, 'JSON body must be an object.');
      return { ...query, ...parsed };
    }
    // Like Stripe, /v1 bodies are always form-encoded, whatever the header.
    return { ...query, ...decodeForm(body) };
  } catch (err) {
    if (err instanceof FormDecodeError) throw invalidParam(null, `Invalid request body: ${err.message}`);
    throw err;
  }
}

/** A StripeError as an answer; saved under the key only if the endpoint began executing. */
function errorAnswer(err) {
  return { serialized: serialize(json(err.toJSON(), err.status)), saveable: err.saveIdempotent };
}

/** Run the route's handler. Stripe errors become answers; anything else propagates (500, not saved). */
async function execute(route, input) {
  let out;
  try {
    out = route.handler(input);
    if (out && typeof out.then === 'function') out = await out;
  } catch (err) {
    if (err instanceof StripeError) return errorAnswer(err);
    throw err;
  }
  // Only JSON answers are replayable; the hosted page's redirects and HTML are not.
  return { serialized: serialize(out), saveable: out.kind === 'json' };
}

/**
 * @param {object} app { router, idempotency, faults, requestStats, engine, options, pageToken, apiVersion, bodyLimit }
 */
export function createRequestHandler(app) {
  const { router, idempotency, requestStats } = app;

  return async function handle(req, res) {
    const requestId = newId('req', 14);
    const stripeVersion = typeof req.headers['stripe-version'] === 'string' ? req.headers['stripe-version'] : app.apiVersion;
    const headers = { 'Request-Id': requestId, 'Stripe-Version': stripeVersion };
    const method = String(req.method ?? 'GET').toUpperCase();
    const url = String(req.url ?? '/');
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const rawQuery = q === -1 ? '' : url.slice(q + 1);

    let kind = 'api';
    try {
      const match = router.match(method, path);
      if (!match || match.methodMismatch) {
        req.resume();
        requestStats.record(`${method} (unmatched)`);
        throw unrecognizedUrl(method, path);
      }
      const { route, params: pathParams } = match;
      kind = route.meta.kind;
      if (kind !== 'control') requestStats.record(`${method} ${route.template}`);

      const body = method === 'GET' || method === 'HEAD' ? (req.resume(), '') : await readBody(req, app.bodyLimit);
      const params = decodeParams(kind, method, req, rawQuery, body);

      app.engine.sweep(); // lazy expiry, whatever the interval timer did

      let scope = 'anonymous';
      if (kind === 'api' || kind === 'helper') {
        const presented = presentedApiKey(req);
        if (presented !== null && /^(sk|rk)_live_/.test(presented.trim())) throw liveKeyRefused(presented.trim());
        const pageOk = kind === 'helper' && typeof params.page_token === 'string' && params.page_token === app.pageToken(pathParams.id);
        if (app.options.apiKey && !pageOk) {
          if (presented === null) throw authMissing();
          if (presented !== app.options.apiKey) throw authInvalid(presented);
        }
        if (presented) scope = presented;
        refuseStripeAccount(req, app.store, presented);
      }

      const idemKey = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
      const idempotent = idemKey !== null && method === 'POST' && (kind === 'api' || kind === 'helper');
      const endpoint = `${method} ${path}`;
      let claim = null;
      if (idempotent) {
        headers['Idempotency-Key'] = idemKey;
        const saved = idempotency.lookup(scope, idemKey, endpoint, params);
        if (saved) {
          send(res, { status: saved.status, contentType: 'application/json', body: saved.body }, {
            ...headers,
            'Idempotent-Replayed': 'true',
            'Original-Request': saved.requestId,
          });
          return;
        }
        // No await between the lookup and here: a twin arriving from now on
        // finds the key in flight.
        claim = idempotency.begin(scope, idemKey, endpoint, params);
      }

      try {
        const fault = kind === 'api' || kind === 'helper' ? app.faults.take(method, route.template, pathParams) : null;
        // A rate-limited request never executes, so nothing is saved (claim released below).
        if (fault?.fault === '429') throw rateLimited();
        const ctx = { requestId, idempotencyKey: idemKey };
        // An injected 500 stands for a failure once the endpoint began executing:
        // saved under the key and replayed, as Stripe does.
        const answer =
          fault?.fault === '500' ? errorAnswer(injectedApiError()) : await execute(route, { params, path: pathParams, ctx, req });
        if (fault?.fault === 'delay') await app.faults.sleep(fault.delayMs);
        if (claim && answer.saveable) claim.save({ status: answer.serialized.status, body: answer.serialized.body, requestId });
        if (fault?.fault === 'drop_after_effect') {
          // The effect happened and its result is saved; the client only sees the
          // connection die, as when a response is lost on the way back.
          res.socket?.destroy();
          return;
        }
        send(res, answer.serialized, headers);
      } finally {
        claim?.release();
      }
    } catch (err) {
      let error = err;
      if (!(err instanceof StripeError)) {
        app.onInternalError?.(err);
        error = internalError();
      }
      if (error.status === 413) {
        headers.Connection = 'close';
      }
      send(res, serialize(json(error.toJSON(), error.status)), headers);
    }
  };
}
