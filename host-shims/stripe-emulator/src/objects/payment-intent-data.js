// `payment_intent_data` of POST /v1/checkout/sessions: what the PaymentIntent
// that Checkout creates later will carry (metadata, capture method, and the
// Connect fields of a destination charge). Kept apart from the session module
// because capture and Connect add rules of their own.
//
// Checks that need the account store (does the destination exist, may it
// receive transfers) are made by the engine, which owns the store.
import { invalidParam } from '../errors.js';
import { isObject, optionalInteger, optionalString, parseMetadata, rejectUnknown } from '../params.js';

export const CAPTURE_METHODS = ['automatic', 'automatic_async', 'manual'];

const PI_DATA_PARAMS = new Set([
  'metadata',
  'description',
  'receipt_email',
  'statement_descriptor',
  'statement_descriptor_suffix',
  'capture_method',
  'setup_future_usage',
  'application_fee_amount',
  'transfer_data',
  'on_behalf_of',
  'transfer_group',
]);
const TRANSFER_DATA_PARAMS = new Set(['destination', 'amount']);

/** The defaults when the create call sends no payment_intent_data. */
export function emptyPaymentIntentData() {
  return {
    metadata: {},
    description: null,
    receipt_email: null,
    capture_method: 'automatic_async',
    application_fee_amount: null,
    destination: null,
    on_behalf_of: null,
    transfer_group: null,
  };
}

function parseCaptureMethod(pid) {
  const label = 'payment_intent_data[capture_method]';
  const v = pid.capture_method;
  if (v === undefined || v === '') return 'automatic_async';
  if (typeof v !== 'string' || !CAPTURE_METHODS.includes(v)) {
    throw invalidParam(label, `Invalid ${label}: must be one of ${CAPTURE_METHODS.join(', ')}`);
  }
  return v;
}

function parseDestination(pid) {
  const label = 'payment_intent_data[transfer_data]';
  const td = pid.transfer_data;
  if (td === undefined || td === '') return null;
  if (!isObject(td)) throw invalidParam(label, `Invalid object: ${label} must be a hash.`);
  rejectUnknown(td, TRANSFER_DATA_PARAMS, label);
  // transfer_data[amount] is a real Stripe param the emulator does not model:
  // refusing it beats silently transferring another amount.
  if (td.amount !== undefined) throw invalidParam(`${label}[amount]`, 'The Stripe emulator does not support transfer_data[amount]; use application_fee_amount.');
  const destination = optionalString(td, 'destination', { label: `${label}[destination]` });
  if (destination === null) throw invalidParam(`${label}[destination]`, `Missing required param: ${label}[destination].`, 'parameter_missing');
  return destination;
}

/**
 * @param {object} pid   the raw payment_intent_data hash
 * @param {number} amountTotal the session's total, the bound of application_fee_amount
 */
export function parsePaymentIntentData(pid, amountTotal) {
  if (!isObject(pid)) throw invalidParam('payment_intent_data', 'Invalid object: payment_intent_data must be a hash.');
  rejectUnknown(pid, PI_DATA_PARAMS, 'payment_intent_data');
  const destination = parseDestination(pid);
  const onBehalfOf = optionalString(pid, 'on_behalf_of', { label: 'payment_intent_data[on_behalf_of]' });
  const feeLabel = 'payment_intent_data[application_fee_amount]';
  const fee = optionalInteger(pid, 'application_fee_amount', { label: feeLabel, min: 0 });
  if (fee !== null && fee > amountTotal) {
    throw invalidParam(feeLabel, `The application fee (${fee}) must be less than or equal to the Checkout Session's amount_total (${amountTotal}).`);
  }
  if (fee !== null && destination === null) {
    // Stripe's refusal of a fee on a charge that is neither direct nor destination.
    throw invalidParam(
      feeLabel,
      'Can only apply an application_fee_amount when the PaymentIntent is attempting a direct payment (using an OAuth key or Stripe-Account header) or destination payment (using `transfer_data[destination]`).',
    );
  }
  return {
    metadata: parseMetadata(pid.metadata, 'payment_intent_data[metadata]'),
    description: optionalString(pid, 'description', { label: 'payment_intent_data[description]' }),
    receipt_email: optionalString(pid, 'receipt_email', { label: 'payment_intent_data[receipt_email]' }),
    capture_method: parseCaptureMethod(pid),
    application_fee_amount: fee,
    destination,
    on_behalf_of: onBehalfOf,
    transfer_group: optionalString(pid, 'transfer_group', { label: 'payment_intent_data[transfer_group]' }),
  };
}
