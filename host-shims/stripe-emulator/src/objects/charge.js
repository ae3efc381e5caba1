// Charge objects: created when a PaymentIntent's payment succeeds (or, with
// manual capture, is authorized: captured false until the capture); they
// carry the refund totals (amount_refunded, refunded) and, for destination
// charges, the ids of the transfer and the application fee.
import { newId, randomToken } from '../ids.js';

/** How long a card authorization may wait for its capture (Stripe: 7 days for online card payments). */
export const AUTHORIZATION_VALIDITY_SECONDS = 7 * 24 * 60 * 60;

export function buildCharge({ paymentIntent, session, now, method, multibanco, captured = true }) {
  return {
    id: newId('ch', 24),
    object: 'charge',
    amount: paymentIntent.amount,
    amount_captured: captured ? paymentIntent.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: paymentIntent.application_fee_amount,
    balance_transaction: newId('txn', 24),
    billing_details: {
      address: null,
      email: session.customer_details?.email ?? session.customer_email ?? null,
      name: null,
      phone: null,
    },
    calculated_statement_descriptor: 'SLOTGUARD',
    captured,
    created: now,
    currency: paymentIntent.currency,
    customer: paymentIntent.customer,
    description: paymentIntent.description,
    destination: paymentIntent.transfer_data?.destination ?? null,
    disputed: false,
    failure_code: null,
    failure_message: null,
    livemode: false,
    metadata: { ...paymentIntent.metadata },
    outcome: {
      network_status: 'approved_by_network',
      reason: null,
      risk_level: 'normal',
      seller_message: 'Payment complete.',
      type: 'authorized',
    },
    on_behalf_of: paymentIntent.on_behalf_of,
    paid: true,
    payment_intent: paymentIntent.id,
    payment_method: paymentIntent.payment_method,
    payment_method_details:
      method === 'multibanco'
        ? { type: 'multibanco', multibanco: { entity: multibanco?.entity ?? null, reference: multibanco?.reference ?? null } }
        : {
            type: 'card',
            card: {
              brand: 'visa',
              // Set on every card charge, as Stripe does; it matters for uncaptured ones.
              capture_before: now + AUTHORIZATION_VALIDITY_SECONDS,
              country: 'US',
              exp_month: 12,
              exp_year: 2034,
              funding: 'credit',
              last4: '4242',
              network: 'visa',
            },
          },
    receipt_email: paymentIntent.receipt_email,
    receipt_url: `https://pay.stripe.com/receipts/emulator/${randomToken(20)}`,
    refunded: false,
    status: 'succeeded',
    transfer: null,
    transfer_data: paymentIntent.transfer_data ? { ...paymentIntent.transfer_data, amount: null } : null,
    transfer_group: paymentIntent.transfer_group,
  };
}
