// /v1 Connect endpoints: connected accounts, the transfers and application
// fees of destination charges, and the onboarding test helper
// (POST /v1/test_helpers/accounts/:id/onboarding), which stands for the
// account holder finishing (or losing) Stripe's onboarding.
import { json } from '../http/respond.js';
import { resourceMissing } from '../errors.js';
import { applyExpand } from '../expand.js';
import { newestFirst, paginate } from '../list.js';
import { parseBoolean, parseExpand, rejectUnknown } from '../params.js';
import { ONBOARDING_FIELDS } from '../objects/account.js';
import { allow, createdFilter } from './api.js';

const ONBOARDING_PARAMS = new Set([...ONBOARDING_FIELDS, 'expand']);

/** Onboarding flags from the helper's params; none at all means "onboarding finished". */
function onboardingFlags(params) {
  rejectUnknown(params, ONBOARDING_PARAMS);
  const given = ONBOARDING_FIELDS.filter((f) => params[f] !== undefined);
  if (given.length === 0) return Object.fromEntries(ONBOARDING_FIELDS.map((f) => [f, true]));
  return Object.fromEntries(given.map((f) => [f, parseBoolean(params[f], f)]));
}

export function registerConnectRoutes(router, app) {
  const { engine, store } = app;
  const api = (method, template, handler) => router.add(method, template, handler, { kind: 'api' });
  const expandFor = (obj, params) => applyExpand(obj, parseExpand(params), store.find);
  const stored = (map, name, id) => {
    const obj = map.get(id);
    if (!obj) throw resourceMissing(name, id, 'id');
    return obj;
  };
  const list = (map, params, url, name, filter) =>
    json(expandFor(paginate(newestFirst(map, (o) => createdFilter(params.created)(o) && filter(o)), params, url, name), params));

  api('POST', '/v1/accounts', ({ params }) => json(expandFor(engine.createAccount(params), params)));
  api('GET', '/v1/accounts', ({ params }) => {
    rejectUnknown(params, allow('created'));
    return list(store.accounts, params, '/v1/accounts', 'account', () => true);
  });
  api('GET', '/v1/accounts/:id', ({ params, path }) => json(expandFor(engine.getAccount(path.id), params)));
  api('POST', '/v1/accounts/:id', ({ params, path, ctx }) => json(expandFor(engine.updateAccount(path.id, params, ctx), params)));
  router.add(
    'POST',
    '/v1/test_helpers/accounts/:id/onboarding',
    ({ params, path, ctx }) => json(expandFor(engine.setAccountOnboarding(path.id, onboardingFlags(params), ctx), params)),
    { kind: 'helper' },
  );

  api('GET', '/v1/transfers', ({ params }) => {
    rejectUnknown(params, allow('created', 'destination', 'transfer_group'));
    const match = (t) => (!params.destination || t.destination === params.destination) && (!params.transfer_group || t.transfer_group === params.transfer_group);
    return list(store.transfers, params, '/v1/transfers', 'transfer', match);
  });
  api('GET', '/v1/transfers/:id', ({ params, path }) => json(expandFor(stored(store.transfers, 'transfer', path.id), params)));
  api('GET', '/v1/transfers/:id/reversals', ({ params, path }) => {
    const transfer = stored(store.transfers, 'transfer', path.id);
    return json(paginate(transfer.reversals.data, params, transfer.reversals.url, 'transfer_reversal'));
  });

  api('GET', '/v1/application_fees', ({ params }) => {
    rejectUnknown(params, allow('created', 'charge'));
    return list(store.applicationFees, params, '/v1/application_fees', 'application_fee', (f) => !params.charge || f.charge === params.charge);
  });
  api('GET', '/v1/application_fees/:id', ({ params, path }) => json(expandFor(stored(store.applicationFees, 'application_fee', path.id), params)));
  api('GET', '/v1/application_fees/:id/refunds', ({ params, path }) => {
    const fee = stored(store.applicationFees, 'application_fee', path.id);
    return json(paginate(fee.refunds.data, params, fee.refunds.url, 'fee_refund'));
  });
}
