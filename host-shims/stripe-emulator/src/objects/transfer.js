// Transfers of destination charges and their reversals. The transfer moves
// the captured amount to the destination account; refunds with
// reverse_transfer=true take part of it back as transfer reversals.
import { newId } from '../ids.js';

export function buildTransfer({ charge, amount, destination, now }) {
  const id = newId('tr', 24);
  return {
    id,
    object: 'transfer',
    amount,
    amount_reversed: 0,
    balance_transaction: newId('txn', 24),
    created: now,
    currency: charge.currency,
    description: null,
    destination,
    destination_payment: newId('py', 24),
    livemode: false,
    metadata: {},
    reversals: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/transfers/${id}/reversals` },
    reversed: false,
    source_transaction: charge.id,
    source_type: 'card',
    transfer_group: charge.transfer_group ?? null,
  };
}

export function buildTransferReversal({ transfer, amount, refundId, now }) {
  return {
    id: newId('trr', 24),
    object: 'transfer_reversal',
    amount,
    balance_transaction: newId('txn', 24),
    created: now,
    currency: transfer.currency,
    destination_payment_refund: newId('pyr', 24),
    metadata: {},
    source_refund: refundId,
    transfer: transfer.id,
  };
}
