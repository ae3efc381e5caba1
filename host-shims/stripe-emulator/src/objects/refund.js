// Refund params validation and object construction.
import { invalidParam, missingParam } from '../errors.js';
import { newId } from '../ids.js';
import { optionalEnum, optionalInteger, optionalString, parseBoolean, parseMetadata, rejectUnknown } from '../params.js';

const REFUND_PARAMS = new Set(['payment_intent', 'charge', 'amount', 'reason', 'metadata', 'expand', 'instructions_email', 'refund_application_fee', 'reverse_transfer']);
export const REFUND_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'];

export function parseRefundParams(params) {
  rejectUnknown(params, REFUND_PARAMS);
  const paymentIntent = optionalString(params, 'payment_intent');
  const charge = optionalString(params, 'charge');
  if (!paymentIntent && !charge) throw missingParam('payment_intent');
  if (paymentIntent && charge) {
    throw invalidParam('charge', 'You can only specify one of these parameters: charge, payment_intent.');
  }
  return {
    paymentIntent,
    charge,
    amount: optionalInteger(params, 'amount', { min: 1 }),
    reason: optionalEnum(params, 'reason', REFUND_REASONS),
    metadata: parseMetadata(params.metadata, 'metadata'),
    // Connect: take back the same share of the transfer / application fee.
    reverseTransfer: params.reverse_transfer !== undefined && parseBoolean(params.reverse_transfer, 'reverse_transfer'),
    refundApplicationFee: params.refund_application_fee !== undefined && parseBoolean(params.refund_application_fee, 'refund_application_fee'),
  };
}

export function buildRefund({ charge, amount, reason, metadata, now }) {
  return {
    id: newId('re', 24),
    object: 'refund',
    amount,
    balance_transaction: newId('txn', 24),
    charge: charge.id,
    created: now,
    currency: charge.currency,
    destination_details: null,
    metadata,
    payment_intent: charge.payment_intent,
    reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
}
