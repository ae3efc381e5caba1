// With a Durable Object per expert, every request's task must make all of its store
// calls to the one object that holds its expert's keys (per-expert.js says why). Which
// object that is follows from the request's scope, which the core's route table gives
// (sg_describe_request: the expert, event or reservation a request is about, read from
// its path, query, body or signed Stripe event). The Worker parses no path, body or
// Stripe metadata itself, so a route it does not know cannot run on the wrong object:
// a request the core gives no scope runs on the unrouted object, which holds no
// expert's data, and the core answers it there (401, 404, 400, ...).
import { errorResponse } from '../../js-bridge/src/index.js';
import { jsonOf } from './http.js';

/** @typedef {import('./http.js').BridgeResponse} BridgeResponse */
/** @typedef {import('./isolate.js').Store} Store */
/** @typedef {import('./isolate.js').WorkerState} WorkerState */

/**
 * Run the request as a task on `store`; `after(res)`, when given, runs on the answer
 * before it is sent, and never throws.
 * @typedef {{store: Store, after?: (res: BridgeResponse) => Promise<void>, res?: undefined, everywhere?: undefined}} ToStore
 */
/**
 * The Worker answers `res` itself: the request reaches no object.
 * @typedef {{res: BridgeResponse, store?: undefined, after?: undefined, everywhere?: undefined}} Answered
 */
/**
 * An authorised maintenance request (sweep, notify), to run on every object.
 * @typedef {{everywhere: true, store?: undefined, after?: undefined, res?: undefined}} Everywhere
 */
/** @typedef {ToStore | Answered | Everywhere} Route  where a request goes, per expert */

/** @typedef {import('../../js-bridge/src/contract.js').RequestDescription} RequestDescription */

/**
 * After a hold's 201 (or its replay's 200): the reservation's directory entry, written
 * before the guest learns the id. If this write fails, the reservation is still found
 * later: a directory miss asks every expert object (per-expert.js). Between the hold's
 * commit and this write a lookup of the id misses the directory but its probe finds
 * the hold, so such a miss is never remembered as unknown.
 * @param {WorkerState} s  @param {string} expert
 * @returns {(res: BridgeResponse) => Promise<void>}
 */
function recordHold(s, expert) {
  const px = /** @type {NonNullable<WorkerState['perExpert']>} */ (s.perExpert);
  return async (res) => {
    if (res.status !== 200 && res.status !== 201) return;
    const rid = jsonOf(res.body)?.reservation?.id;
    if (typeof rid !== 'string') return;
    await px.recordReservation(rid, expert).catch((error) =>
      s.log({ level: 'warn', source: 'host', event: 'directory_write_failed', error: String(error?.message ?? error) }),
    );
  };
}

/**
 * PUT /v1/events/{id} by the admin: binds the event id to the body's expert before the
 * PUT is forwarded, and undoes a fresh binding the core then refuses.
 * @param {WorkerState} s  @param {string} eventId  @param {string} expert
 * @returns {Promise<Route>}
 */
async function claimEvent(s, eventId, expert) {
  const px = /** @type {NonNullable<WorkerState['perExpert']>} */ (s.perExpert);
  const claim = await px.claimEvent(eventId, expert);
  if (!claim.ok) {
    const message = `event ${eventId} belongs to another expert; with a Durable Object per expert an event type cannot move: use a new event id`;
    return { res: errorResponse(409, 'event_expert_fixed', message) };
  }
  return {
    store: px.forExpert(expert),
    after: async (res) => {
      if (res.status >= 300 && claim.claimed) await px.unclaimEvent(eventId, claim.claimed).catch(() => {});
    },
  };
}

// Methods that never make an expert's object: a read or a delete of what an expert
// nobody set up does not have is answered the same on the unrouted object.
const NO_NEW_OBJECT = new Set(['GET', 'HEAD', 'DELETE']);

/**
 * A request about one expert. Only an admin's write (their hours, a busy block) makes
 * an object for an expert nobody set up, and lists them first, so that the sweep and
 * later lookups reach it; anything else about such an expert runs on the unrouted
 * object, where the core answers as it would for an expert with nothing (empty lists,
 * 404), and no object is made on anyone's behalf.
 * @param {WorkerState} s  @param {RequestDescription} d  @param {string} method
 * @returns {Promise<Route>}
 */
async function expertRoute(s, d, method) {
  const px = /** @type {NonNullable<WorkerState['perExpert']>} */ (s.perExpert);
  const expert = /** @type {string} */ (d.scope.expert_id);
  if (await px.knownExpert(expert)) return { store: px.forExpert(expert) };
  if (d.auth !== 'admin' || NO_NEW_OBJECT.has(method)) return { store: px.unrouted };
  await px.registerExpert(expert);
  return { store: px.forExpert(expert) };
}

/**
 * A request about one reservation: its expert's object, found in the directory or by a
 * probe. A public caller's probe is budgeted per isolate (per-expert.js): past the
 * budget the Worker answers 503 with Retry-After rather than a 404 that may be false. A
 * verified Stripe webhook is not metered: only Stripe can send one, and a payment must
 * reach its reservation even while someone spends the budget on made-up ids.
 * @param {WorkerState} s  @param {RequestDescription} d
 * @returns {Promise<Route>}
 */
async function reservationRoute(s, d) {
  const px = /** @type {NonNullable<WorkerState['perExpert']>} */ (s.perExpert);
  const found = await px.findReservation(/** @type {string} */ (d.scope.reservation_id), { metered: d.auth === 'public' });
  if ('expert' in found) return { store: found.expert ? px.forExpert(found.expert) : px.unrouted };
  const retryAfter = String(Math.max(1, Math.ceil(found.retryAfterMs / 1000)));
  const message = 'too many lookups of reservation ids the directory does not know; retry shortly';
  return { res: errorResponse(503, 'store_unavailable', message, [['Retry-After', retryAfter]]) };
}

/**
 * Per expert: which object's store a described request's task uses. Returns {store}
 * (and `after(res)`, run on the answer before it is sent), {res} when the Worker
 * answers itself (an event id that belongs to another expert, a probe past its
 * budget), or {everywhere: true} for an authorised maintenance request (the caller fans
 * it out). Throws when the directory cannot be reached (the caller answers 503).
 * @param {WorkerState} s  per expert (s.perExpert set)
 * @param {RequestDescription} d  the core's description of the request, body included
 * @param {string} method  the request's method
 * @returns {Promise<Route>}
 */
export async function routePerExpert(s, d, method) {
  const px = /** @type {NonNullable<WorkerState['perExpert']>} */ (s.perExpert);
  const scope = d.scope;
  switch (scope.kind) {
    case 'everywhere':
      return { everywhere: true };
    case 'event_claim':
      if (scope.pool) {
        const message = 'a pool needs one store its experts share (D1 or one Durable Object): with a Durable Object per expert no hold could see every member';
        return { res: errorResponse(422, 'pool_needs_shared_store', message) };
      }
      if (scope.packs) {
        const message = "packs need one store for every expert (D1 or one Durable Object): with a Durable Object per expert a pack's payment could not be routed to its expert";
        return { res: errorResponse(422, 'packs_need_shared_store', message) };
      }
      return claimEvent(s, /** @type {string} */ (scope.event_id), /** @type {string} */ (scope.expert_id));
    case 'expert':
      return expertRoute(s, d, method);
    case 'event': {
      // The directory names only listed experts, whose objects exist.
      const expert = await px.eventExpert(/** @type {string} */ (scope.event_id));
      if (!expert) return { store: px.unrouted };
      if (d.route !== 'reservations.create') return { store: px.forExpert(expert) };
      return { store: px.forExpert(expert), after: recordHold(s, expert) };
    }
    case 'reservation':
      return reservationRoute(s, d);
    default:
      return { store: px.unrouted };
  }
}
