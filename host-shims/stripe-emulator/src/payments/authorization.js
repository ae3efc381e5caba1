// Manual capture: a card payment of a session with
// payment_intent_data[capture_method]=manual only authorizes. The
// PaymentIntent then waits in requires_capture until it is captured
// (POST /v1/payment_intents/:id/capture), canceled (.../cancel) or its
// authorization lapses (7 days on the emulator clock), as on Stripe.
import { invalidParam, paymentIntentUnexpectedState, resourceMissing } from '../errors.js';
import { AUTHORIZATION_VALIDITY_SECONDS } from '../objects/charge.js';
import { formatAmount } from '../money.js';
import { optionalEnum, optionalInteger, parseMetadata, rejectUnknown } from '../params.js';

// Stripe's list, which the messages of its state errors quote.
const CANCELABLE = ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action', 'processing'];
// The reasons a caller may give; Stripe sets `automatic` itself on expiry.
export const CANCELLATION_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned'];
const CAPTURE_PARAMS = new Set(['amount_to_capture', 'application_fee_amount', 'metadata', 'expand', 'final_capture', 'statement_descriptor', 'statement_descriptor_suffix']);
const CANCEL_PARAMS = new Set(['cancellation_reason', 'expand']);

/**
 * @param {object} deps { store, now, emit, timeline, connect } — connect.settle
 *   makes the transfer and the application fee of a captured destination charge.
 */
export function createAuthorizations({ store, now, emit, timeline, connect }) {
  function getPaymentIntent(id) {
    const pi = store.paymentIntents.get(id);
    if (!pi) throw resourceMissing('payment_intent', id, 'intent');
    return pi;
  }

  /** Release what is still held: the charge shows it as refunded, no Refund object (as on Stripe). */
  function releaseAuthorization(pi) {
    const charge = pi.latest_charge ? store.charges.get(pi.latest_charge) : null;
    if (charge && !charge.captured) {
      charge.amount_refunded = charge.amount;
      charge.refunded = true;
    }
    pi.amount_capturable = 0;
    return charge;
  }

  function cancelIntent(pi, reason, ctx) {
    const charge = pi.status === 'requires_capture' ? releaseAuthorization(pi) : null;
    pi.status = 'canceled';
    pi.canceled_at = now();
    pi.cancellation_reason = reason;
    pi.next_action = null;
    if (charge && reason === 'automatic') emit('charge.expired', charge, null);
    emit('payment_intent.canceled', pi, ctx);
  }

  // Once captured, the funds are available: the session reads paid (no event, as on Stripe).
  function markSessionPaid(pi) {
    const session = store.sessions.get(store.sessionByPaymentIntent.get(pi.id));
    if (session) session.payment_status = 'paid';
  }

  function parseCapture(pi, params) {
    rejectUnknown(params, CAPTURE_PARAMS);
    const amount = optionalInteger(params, 'amount_to_capture', { min: 1 }) ?? pi.amount_capturable;
    const fee = optionalInteger(params, 'application_fee_amount', { min: 0 });
    if (fee !== null && !pi.transfer_data) {
      throw invalidParam('application_fee_amount', 'Can only apply an application_fee_amount when the PaymentIntent is attempting a direct payment or destination payment (using `transfer_data[destination]`).');
    }
    return { amount, fee, metadata: params.metadata === undefined ? null : parseMetadata(params.metadata, 'metadata') };
  }

  function requireCapturable(pi) {
    if (pi.status === 'requires_capture') return;
    const what = pi.status === 'succeeded' ? 'has already been captured' : `has a status of ${pi.status}`;
    throw paymentIntentUnexpectedState(
      `This PaymentIntent could not be captured because it ${what}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`,
      pi,
    );
  }

  return {
    /** Card payment of a manual-capture session: hold the amount, capture later. */
    authorize(pi, charge) {
      pi.status = 'requires_capture';
      pi.amount_capturable = pi.amount;
      pi.amount_received = 0;
      pi.latest_charge = charge.id;
      timeline.add(charge.created + AUTHORIZATION_VALIDITY_SECONDS, 'authorization', pi.id);
    },

    /** POST /v1/payment_intents/:id/capture */
    capture(id, params, ctx) {
      const pi = getPaymentIntent(id);
      requireCapturable(pi);
      const p = parseCapture(pi, params);
      if (p.amount > pi.amount_capturable) {
        throw invalidParam(
          'amount_to_capture',
          `The amount to capture (${formatAmount(p.amount, pi.currency)}) must be less than or equal to the amount capturable (${formatAmount(pi.amount_capturable, pi.currency)}).`,
          'amount_too_large',
        );
      }
      const charge = store.charges.get(pi.latest_charge);
      // Stripe releases the part not captured: the charge shows it as refunded.
      charge.captured = true;
      charge.amount_captured = p.amount;
      charge.amount_refunded = charge.amount - p.amount;
      if (p.fee !== null) pi.application_fee_amount = charge.application_fee_amount = p.fee;
      if (p.metadata) pi.metadata = { ...pi.metadata, ...p.metadata };
      pi.status = 'succeeded';
      pi.amount_received = p.amount;
      pi.amount_capturable = 0;
      markSessionPaid(pi);
      connect.settle(pi, charge, ctx);
      emit('charge.captured', charge, ctx);
      emit('payment_intent.succeeded', pi, ctx);
      return pi;
    },

    /** POST /v1/payment_intents/:id/cancel */
    cancel(id, params, ctx) {
      const pi = getPaymentIntent(id);
      rejectUnknown(params, CANCEL_PARAMS);
      const reason = optionalEnum(params, 'cancellation_reason', CANCELLATION_REASONS);
      if (!CANCELABLE.includes(pi.status)) {
        throw paymentIntentUnexpectedState(
          `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(', ')}.`,
          pi,
        );
      }
      cancelIntent(pi, reason, ctx);
      return pi;
    },

    /** Sweep: the authorization of an uncaptured PaymentIntent lapsed. Returns whether it changed. */
    expire(id) {
      const pi = store.paymentIntents.get(id);
      if (!pi || pi.status !== 'requires_capture') return false;
      cancelIntent(pi, 'automatic', null);
      return true;
    },
  };
}
