// Charge objects: created when a PaymentIntent's payment succeeds; they
// carry the refund totals (amount_refunded, refunded).
import { newId, randomToken } from '../ids.js';

export function buildCharge({ paymentIntent, session, now, method, multibanco }) {
  return {
    id: newId('ch', 24),
    object: 'charge',
    amount: paymentIntent.amount,
    amount_captured: paymentIntent.amount,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    balance_transaction: newId('txn', 24),
    billing_details: {
      address: null,
      email: session.customer_details?.email ?? session.customer_email ?? null,
      name: null,
      phone: null,
    },
    calculated_statement_descriptor: 'SLOTGUARD',
    captured: true,
    created: now,
    currency: paymentIntent.currency,
    customer: paymentIntent.customer,
    description: paymentIntent.description,
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
    paid: true,
    payment_intent: paymentIntent.id,
    payment_method: paymentIntent.payment_method,
    payment_method_details:
      method === 'multibanco'
        ? { type: 'multibanco', multibanco: { entity: multibanco?.entity ?? null, reference: multibanco?.reference ?? null } }
        : {
            type: 'card',
            card: { brand: 'visa', country: 'US', exp_month: 12, exp_year: 2034, funding: 'credit', last4: '4242', network: 'visa' },
          },
    receipt_email: paymentIntent.receipt_email,
    receipt_url: `https://pay.stripe.com/receipts/emulator/${randomToken(20)}`,
    refunded: false,
    status: 'succeeded',
  };
}
