// PaymentIntent objects. Checkout creates them when the guest confirms.
import { newId, randomDigits, randomToken } from '../ids.js';

export function buildPaymentIntent({ session, internal, now, method }) {
  const id = newId('pi', 24);
  const pid = internal.paymentIntentData;
  return {
    id,
    object: 'payment_intent',
    amount: session.amount_total,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: pid.application_fee_amount ?? null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: pid.capture_method ?? 'automatic_async',
    client_secret: `${id}_secret_${randomToken(25)}`,
    confirmation_method: 'automatic',
    created: now,
    currency: session.currency,
    customer: session.customer,
    description: pid.description,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    metadata: { ...pid.metadata },
    next_action: null,
    on_behalf_of: pid.on_behalf_of ?? null,
    payment_method: newId('pm', 24),
    payment_method_options: {},
    payment_method_types: [method],
    processing: null,
    receipt_email: pid.receipt_email ?? null,
    setup_future_usage: null,
    shipping: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'requires_payment_method',
    transfer_data: pid.destination ? { destination: pid.destination } : null,
    transfer_group: pid.transfer_group ?? null,
  };
}

export function multibancoNextAction({ paymentIntentId, expiresAt, baseUrl }) {
  return {
    type: 'multibanco_display_details',
    multibanco_display_details: {
      entity: '12345',
      expires_at: expiresAt,
      hosted_voucher_url: `${baseUrl}/vouchers/${paymentIntentId}`,
      reference: randomDigits(9),
    },
  };
}
