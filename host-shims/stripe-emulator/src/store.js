// In-memory state. Maps keep insertion (= creation) order, which lists rely on.
// Public objects are exactly what the API returns; `internal` holds data the
// API does not expose directly (line items, payment_intent_data, ...).

export function createStore() {
  const store = {
    sessions: new Map(),
    paymentIntents: new Map(),
    charges: new Map(),
    refunds: new Map(),
    accounts: new Map(),
    transfers: new Map(),
    applicationFees: new Map(),
    events: new Map(),
    internal: new Map(), // session id -> { lineItems, paymentIntentData }
    sessionByPaymentIntent: new Map(), // pi id -> session id
    clear() {
      for (const key of ['sessions', 'paymentIntents', 'charges', 'refunds', 'accounts', 'transfers', 'applicationFees', 'events', 'internal', 'sessionByPaymentIntent']) {
        store[key].clear();
      }
    },
    /** Find any stored object by id (for expand[]). */
    find(id) {
      if (typeof id !== 'string') return undefined;
      if (id.startsWith('cs_')) return store.sessions.get(id);
      if (id.startsWith('pi_')) return store.paymentIntents.get(id);
      if (id.startsWith('ch_')) return store.charges.get(id);
      if (id.startsWith('re_')) return store.refunds.get(id);
      if (id.startsWith('acct_')) return store.accounts.get(id);
      if (id.startsWith('tr_')) return store.transfers.get(id);
      if (id.startsWith('fee_')) return store.applicationFees.get(id);
      if (id.startsWith('evt_')) return store.events.get(id);
      return undefined;
    },
  };
  return store;
}
