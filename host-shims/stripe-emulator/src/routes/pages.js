// Browser pages: the hosted checkout page and the Multibanco voucher.
import { html } from '../http/respond.js';
import { renderCheckoutPage, renderMessagePage } from '../pages/checkout-page.js';
import { renderVoucherPage } from '../pages/voucher-page.js';

export function registerPageRoutes(router, app) {
  const { store } = app;

  router.add(
    'GET',
    '/pay/:session_id',
    ({ path }) => {
      const session = store.sessions.get(path.session_id);
      if (!session) return html(renderMessagePage('Not found', 'No such Checkout Session.'), 404);
      return html(renderCheckoutPage({ session, internal: store.internal.get(session.id), pageToken: app.pageToken(session.id) }));
    },
    { kind: 'page' },
  );

  router.add(
    'GET',
    '/vouchers/:payment_intent_id',
    ({ path }) => {
      const pi = store.paymentIntents.get(path.payment_intent_id);
      if (!pi) return html(renderMessagePage('Not found', 'No such voucher.'), 404);
      return html(renderVoucherPage(pi));
    },
    { kind: 'page' },
  );
}
