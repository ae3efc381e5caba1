// Connect destination charges: connected accounts, the transfer and the
// application fee made when a destination charge is captured, and what a
// refund takes back from them (reverse_transfer, refund_application_fee).
//
// Flow of funds, as Stripe documents it for application_fee_amount: the whole
// captured amount is transferred to transfer_data[destination], then the fee
// (capped at the captured amount) goes back to the platform as an
// ApplicationFee. So transfer.amount is the captured amount, not amount − fee.
import { invalidState, resourceMissing } from '../errors.js';
import { buildAccount, ONBOARDING_FIELDS, updateAccount } from '../objects/account.js';
import { buildApplicationFee, buildFeeRefund } from '../objects/application-fee.js';
import { buildTransfer, buildTransferReversal } from '../objects/transfer.js';

/** @param {object} deps { store, now, emit } */
export function createConnect({ store, now, emit }) {
  function getAccount(id, param = 'account') {
    const account = store.accounts.get(id);
    if (!account) throw resourceMissing('account', id, param);
    return account;
  }

  function emitAccountUpdate(account, previous, ctx) {
    if (Object.keys(previous).length) emit('account.updated', account, ctx, previous);
  }

  /** Share of `total` that a refund of `amount` out of `base` takes back; the last refund takes the rest. */
  function share(total, already, amount, base, last) {
    const owed = last ? total - already : Math.floor((total * amount) / base);
    return Math.max(0, Math.min(owed, total - already));
  }

  function reverseTransfer(charge, refund, amount, last, ctx) {
    const transfer = store.transfers.get(charge.transfer);
    const reversed = share(transfer.amount, transfer.amount_reversed, amount, charge.amount_captured, last);
    if (reversed === 0) return;
    const reversal = buildTransferReversal({ transfer, amount: reversed, refundId: refund.id, now: now() });
    transfer.amount_reversed += reversed;
    transfer.reversed = transfer.amount_reversed >= transfer.amount;
    transfer.reversals.data.unshift(reversal);
    transfer.reversals.total_count += 1;
    refund.transfer_reversal = reversal.id;
    emit('transfer.reversed', transfer, ctx);
  }

  function refundFee(charge, amount, last, ctx) {
    const fee = store.applicationFees.get(charge.application_fee);
    const refunded = share(fee.amount, fee.amount_refunded, amount, charge.amount_captured, last);
    if (refunded === 0) return;
    fee.refunds.data.unshift(buildFeeRefund({ fee, amount: refunded, now: now() }));
    fee.refunds.total_count += 1;
    fee.amount_refunded += refunded;
    fee.refunded = fee.amount_refunded >= fee.amount;
    emit('application_fee.refunded', fee, ctx);
  }

  return {
    getAccount,

    /** POST /v1/accounts */
    createAccount(params) {
      const account = buildAccount(params, { now: now() });
      store.accounts.set(account.id, account);
      return account;
    },

    /** POST /v1/accounts/:id — fires account.updated when a field changed. */
    updateAccount(id, params, ctx) {
      const account = getAccount(id);
      emitAccountUpdate(account, updateAccount(account, params), ctx);
      return account;
    },

    /** Test helper: the account holder's onboarding moves charges_enabled and the like. */
    setOnboarding(id, flags, ctx) {
      const account = getAccount(id);
      const previous = {};
      for (const field of ONBOARDING_FIELDS) {
        if (flags[field] === undefined || flags[field] === account[field]) continue;
        previous[field] = account[field];
        account[field] = flags[field];
      }
      emitAccountUpdate(account, previous, ctx);
      return account;
    },

    /**
     * Session create: the destination and on_behalf_of must be accounts, and the
     * destination must be able to receive transfers (charges_enabled stands for
     * its transfers capability here).
     */
    checkConnectData(pid) {
      if (pid.on_behalf_of) getAccount(pid.on_behalf_of, 'payment_intent_data[on_behalf_of]');
      if (!pid.destination) return;
      const param = 'payment_intent_data[transfer_data][destination]';
      const account = store.accounts.get(pid.destination);
      if (!account) throw resourceMissing('destination', pid.destination, param);
      if (!account.charges_enabled) {
        throw invalidState('Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments', {
          code: 'insufficient_capabilities_for_transfer',
          param,
        });
      }
    },

    /** A destination charge was captured: transfer it, and collect the fee. */
    settle(pi, charge, ctx) {
      if (!pi.transfer_data) return;
      const destination = pi.transfer_data.destination;
      const transfer = buildTransfer({ charge, amount: charge.amount_captured, destination, now: now() });
      store.transfers.set(transfer.id, transfer);
      charge.transfer = transfer.id;
      emit('transfer.created', transfer, ctx);
      if (pi.application_fee_amount === null) return;
      const amount = Math.min(pi.application_fee_amount, charge.amount_captured);
      const fee = buildApplicationFee({ charge, amount, account: destination, now: now() });
      store.applicationFees.set(fee.id, fee);
      charge.application_fee = fee.id;
      emit('application_fee.created', fee, ctx);
    },

    /**
     * A refund of `refund.amount` was made on `charge` (its totals already
     * updated). Take back the same share of the transfer and of the fee, as asked.
     */
    onRefund(charge, refund, { reverseTransfer: reverse, refundApplicationFee }, ctx) {
      const uncaptured = charge.amount - charge.amount_captured;
      const last = charge.amount_refunded - uncaptured >= charge.amount_captured;
      if (reverse) reverseTransfer(charge, refund, refund.amount, last, ctx);
      if (refundApplicationFee && charge.application_fee) refundFee(charge, refund.amount, last, ctx);
    },
  };
}
