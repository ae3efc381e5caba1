// Durable Objects per expert (SLOTGUARD_DO_MODE = "per-expert"): each expert's keys live
// in a SlotguardStore object of their own, so writes of different experts go to
// different objects instead of funnelling through one. This module holds the objects'
// names, the directory, and the decision of which object a request's store calls go to.
//
// Why it keeps the store contract: the core's task for one request makes all of its
// store calls to ONE object (the runner is given that object's store for the task), so
// every commit is a commit inside one object, atomic there exactly as in the
// single-object mode. Every key a reservation's commits touch (core/slotguard/host/store_keys.h: its
// slot ledger, its hold/unlinked/refund/purge index entries, its cs/ and pi/ indexes,
// the idempotency record of the POST that made it, the webhook events applied to it,
// its outbox) is written by requests about that reservation, so all of them land in
// its expert's object; the sweep then runs once per object over that object's indexes.
//
// The directory is 16 more SlotguardStore objects (`<name>/directory/<0..15>`, an entry
// in the one its id hashes to, so that it is not one object every booking writes to),
// used through the same read/list/commit calls:
//   dir/event/<event id>  -> expert id   written (claimed) before the event's PUT is forwarded
//   dir/rsv/<rid>         -> expert id   written after the expert's object answered 201/200
//   dir/expert/<expert id> -> ""         every expert that has an object: the sweep's fan-out
// Requests about nothing routable (an unknown event or reservation, a webhook without
// our reservation id, /healthz, /metrics) go to `<name>/unrouted`, where the core
// answers them as it would anywhere (404, 400, "unknown_session" recorded once, ...).
//
// A reservation committed in its object whose directory entry was never written (the
// Worker stopped between the two) is still found: on a directory miss for a well-formed
// reservation id, every expert object is asked for `rsv/<id>` (one read each, in
// parallel) and the entry is written when one has it. Anyone can name an id, so that
// probe is bounded: an id a whole probe did not find is remembered as unknown for a
// while (see MISS_TTL_MS for why it cannot turn up meanwhile), and the probes a public
// caller can start are budgeted per isolate. README.md says more.

const DIR_EVENT = 'dir/event/';
const DIR_RSV = 'dir/rsv/';
const DIR_EXPERT = 'dir/expert/';
// Ids arrive here from the core's scope answer (sg_describe_request), which names only
// ids of the core's own shapes: the id rules live in the core, not here.
// Objects asked at once when a directory miss is probed, or swept by the cron.
export const FAN_OUT = 8;
const LIST_PAGE = 256;
export const DIRECTORY_SHARDS = 16;

// Probes a public caller may start in one isolate: a burst, then one per refill period
// (8 a minute). Legitimate probes are rare (a directory write that failed, then one
// lookup of that id writes the entry again), so this only ever holds back someone
// naming made-up ids; past it they get 503 with Retry-After, never a false 404.
export const PROBE_BURST = 8;
export const PROBE_REFILL_MS = 7_500;
// How long an id that a whole probe did not find is answered as unknown without asking
// again, and how many such ids an isolate remembers (the oldest are forgotten first).
// Such a miss cannot become a hit while remembered: the core mints a reservation id
// (its time and 128 random bits) in the hold's task, and nobody learns it before the
// hold is committed in its object, so a probe that starts after the id was learnt
// finds the hold, even in the window between that commit and the directory write
// (recordHold in route-per-expert.js). Only a whole probe's miss is remembered, never
// a directory miss alone, nor a probe that failed part-way (it throws).
export const MISS_TTL_MS = 60_000;
export const MISS_CACHE_SIZE = 1024;

/**
 * A token bucket: take() answers 0 and spends a token, or how many ms until one is due.
 * @param {{burst: number, refillMs: number, now?: () => number}} o
 */
export function createProbeBudget({ burst, refillMs, now = Date.now }) {
  let tokens = burst;
  let last = now();
  return {
    take() {
      const t = now();
      const earned = Math.floor((t - last) / refillMs);
      if (earned > 0) {
        tokens = Math.min(burst, tokens + earned);
        last = tokens === burst ? t : last + earned * refillMs;
      }
      if (tokens > 0) {
        tokens--;
        return 0;
      }
      return last + refillMs - t;
    },
  };
}

/**
 * Ids known to be nobody's, each for ttlMs, at most `size` of them (insertion order).
 * @param {{ttlMs: number, size: number, now?: () => number}} o
 */
export function createMissCache({ ttlMs, size, now = Date.now }) {
  /** @type {Map<string, number>} id -> when it is forgotten */
  const until = new Map();
  return {
    /** @param {string} id */
    has(id) {
      const t = until.get(id);
      if (t === undefined) return false;
      if (t > now()) return true;
      until.delete(id);
      return false;
    },
    /** @param {string} id */
    add(id) {
      until.delete(id);
      if (until.size >= size) until.delete(/** @type {string} */ (until.keys().next().value));
      until.set(id, now() + ttlMs);
    },
  };
}

/** FNV-1a over the UTF-16 code units: which directory object holds an id's entry. */
export function shardOf(id) {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) % DIRECTORY_SHARDS;
}

/**
 * @param {object} o
 * @param {(objectName: string) => {read, list, commit}} o.storeFor  the (timed) store of one named object
 * @param {string} o.name  SLOTGUARD_DO_NAME: the prefix of every object's name
 * @param {() => number} [o.now]  the clock of the probe budget and the miss cache
 */
export function createPerExpert({ storeFor, name, now = Date.now }) {
  const stores = new Map();
  const named = (objectName) => {
    let s = stores.get(objectName);
    if (!s) stores.set(objectName, (s = { ...storeFor(objectName), objectName }));
    return s;
  };
  const directories = Array.from({ length: DIRECTORY_SHARDS }, (_, i) => named(`${name}/directory/${i}`));
  const dirFor = (id) => directories[shardOf(id)];
  const unrouted = named(`${name}/unrouted`);
  const forExpert = (expertId) => named(`${name}/expert/${expertId}`);

  async function lookup(prefix, id) {
    const { items } = await dirFor(id).read([prefix + id]);
    return items[0].version > 0 ? items[0] : null;
  }

  /** Every expert id with an object, ascending. */
  async function experts() {
    const pages = await Promise.all(
      directories.map(async (directory) => {
        const out = [];
        for (let after = ''; ; ) {
          const page = await directory.list(DIR_EXPERT, 'dir/expert0', LIST_PAGE, after);
          for (const item of page.items) out.push(item.key.slice(DIR_EXPERT.length));
          if (!page.more || page.items.length === 0) return out;
          after = page.items.at(-1).key;
        }
      }),
    );
    return pages.flat().sort();
  }

  /** Lists the expert (once) so that the sweep's fan-out reaches its object. */
  async function registerExpert(expertId) {
    const dir = dirFor(expertId);
    const key = DIR_EXPERT + expertId;
    if ((await dir.read([key])).items[0].version > 0) return;
    await dir.commit([{ key, version: 0 }], [{ op: 'set', key, value: '' }]); // a conflict: someone else listed it
  }

  /** Asks every expert object for rsv/<rid>; the expert whose object has it, or null. */
  async function probe(rid) {
    const all = await experts();
    for (let i = 0; i < all.length; i += FAN_OUT) {
      const chunk = all.slice(i, i + FAN_OUT);
      const found = await Promise.all(chunk.map(async (e) => ((await forExpert(e).read([`rsv/${rid}`])).items[0].version > 0 ? e : null)));
      const hit = found.find(Boolean);
      if (hit) return hit;
    }
    return null;
  }

  // Experts seen listed: an expert is never unlisted, so a yes is kept for the isolate.
  const listed = new Set();
  const misses = createMissCache({ ttlMs: MISS_TTL_MS, size: MISS_CACHE_SIZE, now });
  const budget = createProbeBudget({ burst: PROBE_BURST, refillMs: PROBE_REFILL_MS, now });

  /** A probe's answer, remembered when nobody has the id; the entry written when one does. */
  async function probeAndRecord(rid) {
    const expert = await probe(rid);
    if (expert) await dirFor(rid).commit([], [{ op: 'set', key: DIR_RSV + rid, value: expert }]);
    else misses.add(rid);
    return expert;
  }

  return {
    directories,
    unrouted,
    forExpert,
    experts,

    registerExpert,

    /** Whether the expert has an object (listed: an event claimed, or an admin's write). */
    async knownExpert(expertId) {
      if (listed.has(expertId)) return true;
      if ((await dirFor(expertId).read([DIR_EXPERT + expertId])).items[0].version === 0) return false;
      listed.add(expertId);
      return true;
    },

    /** The objects the sweep and the notification runs visit: every expert's and the unrouted one. */
    async allStores() {
      return [unrouted, ...(await experts()).map(forExpert)];
    },

    async eventExpert(eventId) {
      return (await lookup(DIR_EVENT, eventId))?.value ?? null;
    },

    /**
     * Binds an event id to an expert before its PUT is forwarded. Returns
     * {ok: true, claimed: {version} | null} (claimed: this call created the entry, to be
     * undone if the core refuses the PUT), or {ok: false, expert} when the event id
     * already belongs to another expert.
     */
    async claimEvent(eventId, expertId) {
      const dir = dirFor(eventId);
      const key = DIR_EVENT + eventId;
      for (let attempt = 0; attempt < 4; attempt++) {
        const ev = (await dir.read([key])).items[0];
        if (ev.version > 0 && ev.value !== expertId) return { ok: false, expert: ev.value };
        // Listed first: an event never routes to an object the sweep does not visit.
        await registerExpert(expertId);
        if (ev.version > 0) return { ok: true, claimed: null };
        const { outcome } = await dir.commit([{ key, version: 0 }], [{ op: 'set', key, value: expertId }]);
        if (outcome === 'committed') return { ok: true, claimed: { version: (await dir.read([key])).items[0].version } };
      }
      throw new Error('the directory is too busy to claim the event id');
    },

    /** Undoes a claim whose PUT the core refused (unless someone has since rewritten it). */
    async unclaimEvent(eventId, claimed) {
      const key = DIR_EVENT + eventId;
      await dirFor(eventId).commit([{ key, version: claimed.version }], [{ op: 'delete', key }]);
    },

    async recordReservation(rid, expertId) {
      await dirFor(rid).commit([], [{ op: 'set', key: DIR_RSV + rid, value: expertId }]);
    },

    /**
     * The expert of a reservation: the directory; on a miss, a probe of every expert
     * object, unless the id is remembered as nobody's. A metered (public) caller's probe
     * needs the isolate's budget: without it, the answer is how long to wait.
     * @param {string} rid  @param {{metered: boolean}} o
     * @returns {Promise<{expert: string | null} | {retryAfterMs: number}>}
     */
    async findReservation(rid, { metered }) {
      const hit = await lookup(DIR_RSV, rid);
      if (hit) return { expert: hit.value };
      if (misses.has(rid)) return { expert: null };
      const wait = metered ? budget.take() : 0;
      if (wait > 0) return { retryAfterMs: wait };
      return { expert: await probeAndRecord(rid) };
    },
  };
}
