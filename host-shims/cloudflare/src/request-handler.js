// The Worker's fetch(): a request becomes a task on the isolate's runner and its answer
// a Response. Around the task sit the answers the Worker gives without the core (a
// refused configuration, the rate limit, oversized bodies, an unreachable directory of
// experts) and, after any request that may have written to the outbox, a notification
// run within the request's lifetime.
import { internalError, undescribedRequest } from '../../js-bridge/src/index.js';
import { asResponse, jsonError, messageOf, toResponse } from './http.js';
import { maintenanceEverywhere } from './maintenance.js';
import { notifyRun } from './notify.js';
import { createLogger } from './log.js';
import { rateLimited, readBody } from './request-limits.js';
import { routePerExpert } from './route-per-expert.js';

/** @typedef {import('./http.js').BridgeResponse} BridgeResponse */
/** @typedef {import('./http.js').BridgeRequest} BridgeRequest */
/** @typedef {import('./isolate.js').Isolate} Isolate */
/** @typedef {import('./isolate.js').WorkerState} WorkerState */
/** @typedef {import('./route-per-expert.js').Route} Route */
/** @typedef {import('../../js-bridge/src/contract.js').RequestDescription} RequestDescription */

/**
 * The core's route table on a request (wasm/ABI.md, "Describing a request"); the
 * strictest answer when the module cannot decode it (the core then refuses it anyway).
 * @param {WorkerState} s  @param {BridgeRequest} req
 * @returns {Promise<RequestDescription>}
 */
async function describe(s, req) {
  try {
    return (await s.runner.describeRequest(req)) ?? undescribedRequest(req.method);
  } catch {
    return undescribedRequest(req.method); // the instance is being replaced: no scope, the strictest limits
  }
}

/**
 * The description routing needs. The one asked before the body was read (for the
 * limits) already names every scope the path, query or headers give; the core is asked
 * again, with the body, only when the body may name it (a hold's event, the expert of
 * an admin's event, a signed webhook's reservation): a route the head left without a
 * scope, and a body to read.
 * @param {WorkerState} s  @param {RequestDescription} head  @param {BridgeRequest} req  with its body
 * @returns {Promise<RequestDescription>}
 */
function withBody(s, head, req) {
  const bodyMayName = head.route !== null && head.scope.kind === 'none' && /** @type {Uint8Array} */ (req.body).length > 0;
  return bodyMayName ? describe(s, req) : Promise.resolve(head);
}

/**
 * Where the request's task runs: the isolate's store, or per expert the object its
 * scope (the core's answer, body included) belongs to.
 * @param {WorkerState} s
 * @param {RequestDescription} head  the core's description of the request without its body
 * @param {BridgeRequest} req  with its body
 * @returns {Promise<Route | Response>}  the route, or the 503 to send when the directory is unreachable
 */
async function routeOf(s, head, req) {
  if (!s.perExpert) return { store: s.store };
  try {
    return await routePerExpert(s, await withBody(s, head, req), req.method);
  } catch (error) {
    s.log({ level: 'error', source: 'host', event: 'directory_unavailable', error: messageOf(error) });
    return jsonError(503, 'store_unavailable', 'the directory of experts is unavailable; retry shortly', [['Retry-After', '1']]);
  }
}

/**
 * The answer to a routed request: the router's own, every object's summed, or the task's.
 * @param {WorkerState} s
 * @param {Route} route
 * @param {BridgeRequest} req
 * @returns {Promise<BridgeResponse>}
 */
async function answer(s, route, req) {
  let res = route.res;
  try {
    if (!res && route.everywhere) res = await maintenanceEverywhere(s, req);
    else if (!res) res = await s.runner.runRequest(req, { store: route.store });
  } catch (error) {
    // The module could not be instantiated, or (per expert) the directory failed.
    s.log({ level: 'error', source: 'host', event: 'instance_unavailable', error: messageOf(error) });
    res = internalError();
  }
  return /** @type {BridgeResponse} */ (res);
}

/**
 * @param {Isolate} isolate
 * @returns {(request: Request, env: any, ctx?: {waitUntil?: (p: Promise<unknown>) => void}) => Promise<Response>}
 */
export function createRequestHandler(isolate) {
  return async function fetchHandler(request, env, ctx) {
    let s;
    try {
      s = await isolate.readyState(env);
    } catch (error) {
      createLogger(env.SLOTGUARD_LOG_LEVEL)({ level: 'error', source: 'host', event: 'instance_unavailable', error: messageOf(error) });
      return asResponse(internalError());
    }
    if (!s) return isolate.misconfigured();
    const url = new URL(request.url);
    const method = request.method;
    /** @type {BridgeRequest} */
    const head = { method, path: url.pathname, query: url.search.slice(1), headers: request.headers, body: new Uint8Array(0) };
    const d = await describe(s, head);
    const limited = await rateLimited(request, d, env, s.log);
    if (limited) return limited;
    const body = await readBody(request, d);
    if (body instanceof Response) return body;
    /** @type {BridgeRequest} */
    const req = { ...head, body };
    const route = await routeOf(s, d, req);
    if (route instanceof Response) return route;
    const res = await answer(s, route, req);
    if (route.after) await route.after(res);
    // Anything but a read may have written a notification to the outbox: deliver it
    // after the answer, within this request's lifetime.
    if (s.notify && route.store && method !== 'GET' && method !== 'HEAD' && d.route !== 'maintenance.notify' && typeof ctx?.waitUntil === 'function') {
      ctx.waitUntil(notifyRun(s, route.store));
    }
    return toResponse(res, method);
  };
}
