// The emulated Stripe account: every state transition of sessions,
// PaymentIntents, charges and refunds, and the events they fire. Used by the
// HTTP routes and directly by the programmatic API. Manual capture and
// Connect live in payments/, which this module wires in.
import { invalidParam, invalidState, resourceMissing } from './errors.js';
import { buildCheckoutSession, customerDetailsFor } from './objects/checkout-session.js';
import { buildPaymentIntent, multibancoNextAction } from './objects/payment-intent.js';
import { buildCharge } from './objects/charge.js';
import { buildRefund, parseRefundParams } from './objects/refund.js';
import { buildEvent } from './objects/event.js';
import { formatAmount } from './money.js';
import { createAuthorizations } from './payments/authorization.js';
import { createConnect } from './payments/connect.js';

const VOUCHER_DEFAULT_SECONDS = 7 * 24 * 60 * 60;

export function createEngine({ store, clock, timeline, dispatcher, baseUrl, apiVersion, defaultPaymentMethodTypes, onEvent }) {
  const now = () => clock.now();

  function emit(type, object, ctx, previousAttributes) {
    const event = buildEvent({
      type,
      object,
      now: now(),
      apiVersion,
      pendingWebhooks: dispatcher.willDeliver(type) ? 1 : 0,
      ctx,
      previousAttributes,
    });
    store.events.set(event.id, event);
    dispatcher.dispatch(event);
    onEvent(event);
    return event;
  }

  const connect = createConnect({ store, now, emit });
  const authorizations = createAuthorizations({ store, now, emit, timeline, connect });

  function getSession(id) {
    const session = store.sessions.get(id);
    if (!session) throw resourceMissing('checkout.session', id, 'session');
    return session;
  }

  function getPaymentIntent(id, param = 'intent') {
    const pi = store.paymentIntents.get(id);
    if (!pi) throw resourceMissing('payment_intent', id, param);
    return pi;
  }

  function expire(session, ctx) {
    session.status = 'expired';
    session.url = null;
    return emit('checkout.session.expired', session, ctx);
  }

  function requireOpen(session, action) {
    if (session.status !== 'open') {
      throw invalidState(`This Checkout Session is ${session.status}; only open sessions can ${action}.`, { code: 'checkout_session_not_open' });
    }
  }

  function findSessionByPaymentIntent(piId) {
    const sessionId = store.sessionByPaymentIntent.get(piId);
    return sessionId ? store.sessions.get(sessionId) : undefined;
  }

  const engine = {
    createCheckoutSession(params) {
      const { session, internal } = buildCheckoutSession(params, {
        now: now(),
        baseUrl: baseUrl(),
        defaultPaymentMethodTypes,
      });
      connect.checkConnectData(internal.paymentIntentData);
      store.sessions.set(session.id, session);
      store.internal.set(session.id, internal);
      timeline.add(session.expires_at, 'session', session.id);
      return session;
    },

    getSession,
    getPaymentIntent,
    capturePaymentIntent: authorizations.capture,
    cancelPaymentIntent: authorizations.cancel,
    createAccount: connect.createAccount,
    getAccount: connect.getAccount,
    updateAccount: connect.updateAccount,
    setAccountOnboarding: connect.setOnboarding,
    internalFor: (id) => store.internal.get(id),
    findSessionByPaymentIntent,

    /** POST /v1/checkout/sessions/:id/expire */
    expireSession(id, ctx) {
      const session = getSession(id);
      if (session.status !== 'open') {
        throw invalidState(`You can only expire sessions that are open. This Checkout Session is ${session.status}.`);
      }
      expire(session, ctx);
      return session;
    },

    /** Test helper: expire now, as if expires_at had passed (no request on the event). */
    expireNow(id) {
      const session = getSession(id);
      if (session.status !== 'open') {
        throw invalidState(`You can only expire sessions that are open. This Checkout Session is ${session.status}.`);
      }
      expire(session, null);
      return session;
    },

    /** Test helper: the guest pays on the hosted page. */
    pay(id, { method = 'card', voucherExpiresAt = null } = {}) {
      const session = getSession(id);
      requireOpen(session, 'be paid');
      if (!['card', 'multibanco'].includes(method)) {
        throw invalidParam('method', `Invalid method: must be one of card, multibanco.`);
      }
      if (!session.payment_method_types.includes(method)) {
        throw invalidParam('method', `This Checkout Session does not accept ${method} (payment_method_types: ${session.payment_method_types.join(', ')}).`);
      }
      const t = now();
      if (voucherExpiresAt !== null && method !== 'multibanco') {
        throw invalidParam('voucher_expires_at', 'voucher_expires_at only applies to method=multibanco.');
      }
      if (voucherExpiresAt !== null && voucherExpiresAt <= t) {
        throw invalidParam('voucher_expires_at', 'voucher_expires_at must be in the future.');
      }
      const internal = store.internal.get(id);
      const pi = buildPaymentIntent({ session, internal, now: t, method });
      session.customer_details = customerDetailsFor(session);
      session.payment_intent = pi.id;
      session.status = 'complete';
      session.url = null;
      const manual = pi.capture_method === 'manual';
      if (method === 'card') {
        const charge = buildCharge({ paymentIntent: pi, session, now: t, method, captured: !manual });
        store.charges.set(charge.id, charge);
        if (manual) {
          // Only authorized: the funds are not available yet, so the session reads unpaid.
          authorizations.authorize(pi, charge);
          session.payment_status = 'unpaid';
        } else {
          pi.status = 'succeeded';
          pi.amount_received = pi.amount;
          pi.latest_charge = charge.id;
          session.payment_status = 'paid';
        }
      } else {
        pi.status = 'requires_action';
        pi.next_action = multibancoNextAction({
          paymentIntentId: pi.id,
          expiresAt: voucherExpiresAt ?? t + VOUCHER_DEFAULT_SECONDS,
          baseUrl: baseUrl(),
        });
        session.payment_status = 'unpaid';
        timeline.add(pi.next_action.multibanco_display_details.expires_at, 'voucher', pi.id);
      }
      store.paymentIntents.set(pi.id, pi);
      store.sessionByPaymentIntent.set(pi.id, session.id);
      if (pi.status === 'succeeded') connect.settle(pi, store.charges.get(pi.latest_charge), null);
      emit('checkout.session.completed', session, null);
      if (pi.status === 'requires_capture') emit('payment_intent.amount_capturable_updated', pi, null);
      return session;
    },

    /** Test helper: the delayed (Multibanco) payment settles or fails. */
    asyncPayment(id, { outcome, cancelPaymentIntent = false } = {}) {
      const session = getSession(id);
      if (!['succeeded', 'failed'].includes(outcome)) {
        throw invalidParam('outcome', 'Invalid outcome: must be one of succeeded, failed.');
      }
      const pi = session.payment_intent ? store.paymentIntents.get(session.payment_intent) : null;
      if (session.status !== 'complete' || !pi || pi.status !== 'requires_action') {
        throw invalidState('This Checkout Session has no pending delayed payment (pay it with method=multibanco first).', {
          code: 'payment_intent_unexpected_state',
        });
      }
      settleAsync(session, pi, outcome, cancelPaymentIntent);
      return session;
    },

    /** Test helper: the guest abandons the page. Nothing changes. */
    cancel(id) {
      return getSession(id);
    },

    /** POST /v1/refunds */
    createRefund(params, ctx) {
      const p = parseRefundParams(params);
      let charge;
      let pi;
      if (p.paymentIntent) {
        pi = getPaymentIntent(p.paymentIntent, 'payment_intent');
        if (pi.status === 'requires_capture') refuseUncaptured(store.charges.get(pi.latest_charge), 'payment_intent');
        if (pi.status !== 'succeeded' || !pi.latest_charge) {
          throw invalidState(`This PaymentIntent (${pi.id}) does not have a successful charge to refund (status: ${pi.status}).`, {
            code: 'payment_intent_unexpected_state',
            param: 'payment_intent',
          });
        }
        charge = store.charges.get(pi.latest_charge);
      } else {
        charge = store.charges.get(p.charge);
        if (!charge) throw resourceMissing('charge', p.charge, 'charge');
        refuseUncaptured(charge, 'charge');
      }
      checkConnectRefund(charge, p);
      const remaining = charge.amount - charge.amount_refunded;
      if (remaining <= 0) {
        throw invalidState(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded' });
      }
      const amount = p.amount ?? remaining;
      if (amount > remaining) {
        throw invalidState(
          `Refund amount (${formatAmount(amount, charge.currency)}) is greater than unrefunded amount on charge (${formatAmount(remaining, charge.currency)})`,
          { code: 'charge_already_refunded', param: 'amount' },
        );
      }
      const refund = buildRefund({ charge, amount, reason: p.reason, metadata: p.metadata, now: now() });
      store.refunds.set(refund.id, refund);
      charge.amount_refunded += amount;
      charge.refunded = charge.amount_refunded >= charge.amount;
      connect.onRefund(charge, refund, p, ctx);
      emit('charge.refunded', charge, ctx);
      emit('refund.created', refund, ctx);
      return refund;
    },

    /** Expire sessions and Multibanco vouchers whose deadline has passed. */
    sweep() {
      let changed = 0;
      for (const due of timeline.takeDue(now())) {
        if (due.kind === 'session') {
          const s = store.sessions.get(due.id);
          if (s && s.status === 'open' && s.expires_at === due.at) {
            expire(s, null);
            changed++;
          }
        } else if (due.kind === 'authorization') {
          if (authorizations.expire(due.id)) changed++;
        } else if (due.kind === 'voucher') {
          const pi = store.paymentIntents.get(due.id);
          const session = pi && findSessionByPaymentIntent(pi.id);
          if (pi && session && pi.status === 'requires_action') {
            settleAsync(session, pi, 'failed', false);
            changed++;
          }
        }
      }
      return changed;
    },
  };

  // The emulator refuses refunds of uncaptured payments (see the README): the
  // caller is pointed to the cancel call, which releases the authorization.
  function refuseUncaptured(charge, param) {
    if (!charge || charge.captured) return;
    const pi = store.paymentIntents.get(charge.payment_intent);
    throw invalidState(
      `This charge (${charge.id}) has not been captured: there is nothing to refund. Cancel its PaymentIntent (POST /v1/payment_intents/${charge.payment_intent}/cancel) to release the authorization.`,
      { code: pi ? 'payment_intent_unexpected_state' : 'charge_not_refundable', param },
    );
  }

  // reverse_transfer / refund_application_fee only mean something on a destination charge.
  function checkConnectRefund(charge, p) {
    if (p.reverseTransfer && !charge.transfer) {
      throw invalidParam('reverse_transfer', `Charge ${charge.id} has no transfer to reverse: it is not a destination charge.`);
    }
    if (p.refundApplicationFee && !charge.application_fee) {
      throw invalidParam('refund_application_fee', `Charge ${charge.id} has no application fee to refund.`);
    }
  }

  function settleAsync(session, pi, outcome, cancelPaymentIntent) {
    const t = now();
    const mb = pi.next_action?.multibanco_display_details;
    pi.next_action = null;
    if (outcome === 'succeeded') {
      const charge = buildCharge({ paymentIntent: pi, session, now: t, method: 'multibanco', multibanco: mb });
      store.charges.set(charge.id, charge);
      pi.status = 'succeeded';
      pi.amount_received = pi.amount;
      pi.latest_charge = charge.id;
      session.payment_status = 'paid';
      connect.settle(pi, charge, null);
      emit('checkout.session.async_payment_succeeded', session, null);
    } else {
      if (cancelPaymentIntent) {
        pi.status = 'canceled';
        pi.canceled_at = t;
        pi.cancellation_reason = 'abandoned';
      } else {
        pi.status = 'requires_payment_method';
        pi.last_payment_error = {
          type: 'invalid_request_error',
          code: 'payment_intent_payment_attempt_expired',
          message: 'The Multibanco voucher expired before it was paid.',
          payment_method: { id: pi.payment_method, object: 'payment_method', type: 'multibanco' },
        };
      }
      emit('checkout.session.async_payment_failed', session, null);
    }
  }

  return engine;
}
