// Application fees: the platform's share of a destination charge, taken back
// from the destination account once the charge is captured. Refunds with
// refund_application_fee=true return part of it as fee refunds.
import { newId } from '../ids.js';

/** The id the emulated platform's application fees name as `application`. */
export const PLATFORM_APPLICATION_ID = 'ca_emulator_platform';

export function buildApplicationFee({ charge, amount, account, now }) {
  const id = newId('fee', 24);
  return {
    id,
    object: 'application_fee',
    account,
    amount,
    amount_refunded: 0,
    application: PLATFORM_APPLICATION_ID,
    balance_transaction: newId('txn', 24),
    charge: charge.id,
    created: now,
    currency: charge.currency,
    livemode: false,
    originating_transaction: null,
    refunded: false,
    refunds: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/application_fees/${id}/refunds` },
  };
}

export function buildFeeRefund({ fee, amount, now }) {
  return {
    id: newId('fr', 24),
    object: 'fee_refund',
    amount,
    balance_transaction: newId('txn', 24),
    created: now,
    currency: fee.currency,
    fee: fee.id,
    metadata: {},
  };
}
