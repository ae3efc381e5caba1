// /v1 resource endpoints: checkout sessions, payment intents (with capture
// and cancel), charges, refunds, events. Connect's are in routes/connect.js.
import { json } from '../http/respond.js';
import { resourceMissing } from '../errors.js';
import { applyExpand } from '../expand.js';
import { newestFirst, paginate } from '../list.js';
import { isObject, parseExpand, rejectUnknown } from '../params.js';

const LIST_PARAMS = ['limit', 'starting_after', 'ending_before', 'expand'];
export const allow = (...names) => new Set([...LIST_PARAMS, ...names]);

export function createdFilter(created) {
  if (created === undefined || created === '') return () => true;
  if (!isObject(created)) {
    const exact = Number(created);
    return (o) => o.created === exact;
  }
  const { gt, gte, lt, lte } = created;
  return (o) =>
    (gt === undefined || o.created > Number(gt)) &&
    (gte === undefined || o.created >= Number(gte)) &&
    (lt === undefined || o.created < Number(lt)) &&
    (lte === undefined || o.created <= Number(lte));
}

export function registerApiRoutes(router, app) {
  const { engine, store } = app;
  const expandFor = (obj, params) =>
    applyExpand(obj, parseExpand(params), store.find, (target, field) => {
      if (target?.object === 'checkout.session' && field === 'line_items') {
        const items = store.internal.get(target.id)?.lineItems ?? [];
        return { object: 'list', data: structuredClone(items), has_more: false, url: `/v1/checkout/sessions/${target.id}/line_items` };
      }
      return undefined;
    });
  const api = (method, template, handler) => router.add(method, template, handler, { kind: 'api' });

  // Checkout Sessions
  api('POST', '/v1/checkout/sessions', ({ params }) => json(expandFor(engine.createCheckoutSession(params), params)));

  api('GET', '/v1/checkout/sessions', ({ params }) => {
    rejectUnknown(params, allow('payment_intent', 'status', 'customer', 'created', 'payment_link', 'customer_details'));
    const filter = createdFilter(params.created);
    const items = newestFirst(
      store.sessions,
      (s) =>
        filter(s) &&
        (!params.payment_intent || s.payment_intent === params.payment_intent) &&
        (!params.status || s.status === params.status) &&
        (!params.customer || s.customer === params.customer),
    );
    return json(expandFor(paginate(items, params, '/v1/checkout/sessions', 'checkout.session'), params));
  });

  api('GET', '/v1/checkout/sessions/:id', ({ params, path }) => json(expandFor(engine.getSession(path.id), params)));

  api('GET', '/v1/checkout/sessions/:id/line_items', ({ params, path }) => {
    engine.getSession(path.id);
    const items = store.internal.get(path.id)?.lineItems ?? []; // in the order they were given
    const page = paginate(items, params, `/v1/checkout/sessions/${path.id}/line_items`, 'item');
    return json(page);
  });

  api('POST', '/v1/checkout/sessions/:id/expire', ({ params, path, ctx }) => {
    rejectUnknown(params, new Set(['expand']));
    return json(expandFor(engine.expireSession(path.id, ctx), params));
  });

  // PaymentIntents
  api('GET', '/v1/payment_intents', ({ params }) => {
    rejectUnknown(params, allow('customer', 'created'));
    const filter = createdFilter(params.created);
    const items = newestFirst(store.paymentIntents, (pi) => filter(pi) && (!params.customer || pi.customer === params.customer));
    return json(expandFor(paginate(items, params, '/v1/payment_intents', 'payment_intent'), params));
  });

  api('GET', '/v1/payment_intents/:id', ({ params, path }) => {
    rejectUnknown(params, new Set(['expand', 'client_secret']));
    return json(expandFor(engine.getPaymentIntent(path.id), params));
  });

  // Manual capture (payments/authorization.js)
  api('POST', '/v1/payment_intents/:id/capture', ({ params, path, ctx }) => json(expandFor(engine.capturePaymentIntent(path.id, params, ctx), params)));
  api('POST', '/v1/payment_intents/:id/cancel', ({ params, path, ctx }) => json(expandFor(engine.cancelPaymentIntent(path.id, params, ctx), params)));

  // Charges
  api('GET', '/v1/charges', ({ params }) => {
    rejectUnknown(params, allow('payment_intent', 'customer', 'created'));
    const filter = createdFilter(params.created);
    const items = newestFirst(store.charges, (c) => filter(c) && (!params.payment_intent || c.payment_intent === params.payment_intent));
    return json(expandFor(paginate(items, params, '/v1/charges', 'charge'), params));
  });

  api('GET', '/v1/charges/:id', ({ params, path }) => {
    const charge = store.charges.get(path.id);
    if (!charge) throw resourceMissing('charge', path.id, 'charge');
    return json(expandFor(charge, params));
  });

  // Refunds
  api('POST', '/v1/refunds', ({ params, ctx }) => json(expandFor(engine.createRefund(params, ctx), params)));

  api('GET', '/v1/refunds', ({ params }) => {
    rejectUnknown(params, allow('payment_intent', 'charge', 'created'));
    const filter = createdFilter(params.created);
    const items = newestFirst(
      store.refunds,
      (r) => filter(r) && (!params.payment_intent || r.payment_intent === params.payment_intent) && (!params.charge || r.charge === params.charge),
    );
    return json(expandFor(paginate(items, params, '/v1/refunds', 'refund'), params));
  });

  api('GET', '/v1/refunds/:id', ({ params, path }) => {
    const refund = store.refunds.get(path.id);
    if (!refund) throw resourceMissing('refund', path.id, 'refund');
    return json(expandFor(refund, params));
  });

  // Events
  api('GET', '/v1/events', ({ params }) => {
    rejectUnknown(params, allow('type', 'types', 'created', 'delivery_success'));
    const filter = createdFilter(params.created);
    const types = params.types ? (Array.isArray(params.types) ? params.types : [params.types]) : null;
    const matchType = (pattern, type) => pattern === type || (pattern.endsWith('*') && type.startsWith(pattern.slice(0, -1)));
    const items = newestFirst(
      store.events,
      (e) =>
        filter(e) &&
        (!params.type || matchType(params.type, e.type)) &&
        (!types || types.some((t) => matchType(t, e.type))),
    );
    return json(paginate(items, params, '/v1/events', 'event'));
  });

  api('GET', '/v1/events/:id', ({ path }) => {
    const event = store.events.get(path.id);
    if (!event) throw resourceMissing('event', path.id, 'id');
    return json(event);
  });
}
