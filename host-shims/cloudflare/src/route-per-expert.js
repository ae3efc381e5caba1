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
 * later: a directory miss asks every expert object (per-expert.js).
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

/**
 * Per expert: which object's store a described request's task uses. Returns {store}
 * (and `after(res)`, run on the answer before it is sent), {res} when the Worker
 * answers itself (an event id that belongs to another expert), or {everywhere: true}
 * for an authorised maintenance request (the caller fans it out).
 * Throws when the directory cannot be reached (the caller answers 503).
 * @param {WorkerState} s  per expert (s.perExpert set)
 * @param {RequestDescription} d  the core's description of the request, body included
 * @returns {Promise<Route>}
 */
export async function routePerExpert(s, d) {
  const px = /** @type {NonNullable<WorkerState['perExpert']>} */ (s.perExpert);
  const byExpert = (/** @type {string | null | undefined} */ expert) => ({ store: expert ? px.forExpert(expert) : px.unrouted });
  const scope = d.scope;
  switch (scope.kind) {
    case 'everywhere':
      return { everywhere: true };
    case 'event_claim':
      return claimEvent(s, /** @type {string} */ (scope.event_id), /** @type {string} */ (scope.expert_id));
    case 'expert':
      // A public read never makes an object for an expert nobody has set up.
      if (d.auth === 'public' && !(await px.knownExpert(/** @type {string} */ (scope.expert_id)))) return byExpert(null);
      return byExpert(scope.expert_id);
    case 'event': {
      const expert = await px.eventExpert(/** @type {string} */ (scope.event_id));
      if (!expert || d.route !== 'reservations.create') return byExpert(expert);
      return { store: px.forExpert(expert), after: recordHold(s, expert) };
    }
    case 'reservation':
      return byExpert(await px.reservationExpert(/** @type {string} */ (scope.reservation_id)));
    default:
      return byExpert(null);
  }
}
