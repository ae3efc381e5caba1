// /v1/test_helpers/checkout/sessions/:id/* — what the guest does on the
// hosted page (pay by card / Multibanco, abandon) and what the bank does
// later (async payment outcome), plus a forced expiry.
//
// With `redirect=true` (the hosted page's forms) they answer like the real
// page: 303 to success_url / cancel_url, or an HTML error page.
import { html, json, redirect } from '../http/respond.js';
import { StripeError } from '../errors.js';
import { optionalInteger, parseBoolean, rejectUnknown } from '../params.js';
import { renderMessagePage } from '../pages/checkout-page.js';

const PAGE_PARAMS = ['redirect', 'page_token', 'expand'];

/** success_url with Stripe's {CHECKOUT_SESSION_ID} template variable filled in. */
export function fillTemplate(url, sessionId) {
  return url.replaceAll('{CHECKOUT_SESSION_ID}', sessionId);
}

export function registerTestHelperRoutes(router, app) {
  const { engine } = app;

  const helper = (action, allowed, run, onRedirect) => {
    router.add(
      'POST',
      `/v1/test_helpers/checkout/sessions/:id/${action}`,
      (input) => {
        const { params, path } = input;
        rejectUnknown(params, new Set([...PAGE_PARAMS, ...allowed]));
        const wantsRedirect = params.redirect !== undefined && parseBoolean(params.redirect, 'redirect');
        if (!wantsRedirect) return json(run(path.id, params, input));
        try {
          const session = run(path.id, params, input);
          return redirect(onRedirect(session));
        } catch (err) {
          if (!(err instanceof StripeError)) throw err;
          return html(renderMessagePage('Payment not possible', err.message), err.status);
        }
      },
      { kind: 'helper' },
    );
  };

  const backToPage = (session) => `/pay/${encodeURIComponent(session.id)}`;

  helper(
    'pay',
    ['method', 'voucher_expires_at'],
    (id, params) =>
      engine.pay(id, {
        method: params.method || 'card',
        voucherExpiresAt: optionalInteger(params, 'voucher_expires_at'),
      }),
    (session) => fillTemplate(session.success_url, session.id),
  );

  helper(
    'async_payment',
    ['outcome', 'cancel_payment_intent'],
    (id, params) =>
      engine.asyncPayment(id, {
        outcome: params.outcome,
        cancelPaymentIntent: params.cancel_payment_intent !== undefined && parseBoolean(params.cancel_payment_intent, 'cancel_payment_intent'),
      }),
    backToPage,
  );

  helper(
    'cancel',
    [],
    (id) => engine.cancel(id),
    (session) => (session.cancel_url ? fillTemplate(session.cancel_url, session.id) : backToPage(session)),
  );

  helper('expire_now', [], (id) => engine.expireNow(id), backToPage);
}
