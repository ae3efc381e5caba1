// Checkout Session: create-param validation and object construction.
import { invalidParam, missingParam, resourceMissing } from '../errors.js';
import { newId, randomToken } from '../ids.js';
import {
  asArray,
  isObject,
  optionalInteger,
  optionalString,
  parseInteger,
  parseMetadata,
  rejectUnknown,
  requireParam,
  validateEmail,
  validateUrl,
} from '../params.js';
import { isZeroDecimal } from '../money.js';
import { emptyPaymentIntentData, parsePaymentIntentData } from './payment-intent-data.js';

export const SUPPORTED_PAYMENT_METHOD_TYPES = ['card', 'multibanco'];
export const MIN_EXPIRY_SECONDS = 30 * 60;
export const MAX_EXPIRY_SECONDS = 24 * 60 * 60;

// Params the emulator models.
const MODELED = [
  'mode',
  'line_items',
  'success_url',
  'cancel_url',
  'customer_email',
  'client_reference_id',
  'metadata',
  'payment_intent_data',
  'payment_method_types',
  'expires_at',
  'expand',
  'customer',
  'locale',
  'ui_mode',
];
// Real Stripe params the emulator accepts and ignores (so a real integration
// is not rejected), everything else is "Received unknown parameter".
const ACCEPTED_IGNORED = [
  'after_expiration',
  'allow_promotion_codes',
  'automatic_tax',
  'billing_address_collection',
  'consent_collection',
  'custom_fields',
  'custom_text',
  'customer_creation',
  'discounts',
  'invoice_creation',
  'payment_method_collection',
  'payment_method_configuration',
  'payment_method_options',
  'phone_number_collection',
  'saved_payment_method_options',
  'shipping_address_collection',
  'shipping_options',
  'submit_type',
  'tax_id_collection',
];
const SESSION_PARAMS = new Set([...MODELED, ...ACCEPTED_IGNORED]);
const LINE_ITEM_PARAMS = new Set(['price', 'price_data', 'quantity', 'adjustable_quantity', 'tax_rates', 'dynamic_tax_rates']);
const PRICE_DATA_PARAMS = new Set(['currency', 'unit_amount', 'unit_amount_decimal', 'product_data', 'product', 'tax_behavior', 'recurring']);
const PRODUCT_DATA_PARAMS = new Set(['name', 'description', 'images', 'metadata', 'tax_code', 'unit_label']);

function validateLineItem(item, i, now) {
  const label = `line_items[${i}]`;
  if (!isObject(item)) throw invalidParam(label, `Invalid object: ${label} must be a hash.`);
  rejectUnknown(item, LINE_ITEM_PARAMS, label);
  if (item.price !== undefined && item.price !== '') {
    throw resourceMissing('price', String(item.price), `${label}[price]`);
  }
  const pd = item.price_data;
  if (pd === undefined || pd === '') throw missingParam(`${label}[price_data]`);
  if (!isObject(pd)) throw invalidParam(`${label}[price_data]`, `Invalid object: ${label}[price_data] must be a hash.`);
  rejectUnknown(pd, PRICE_DATA_PARAMS, `${label}[price_data]`);
  if (pd.recurring !== undefined) {
    throw invalidParam(`${label}[price_data][recurring]`, 'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.');
  }
  const currencyRaw = requireParam(pd, 'currency', `${label}[price_data][currency]`);
  if (typeof currencyRaw !== 'string' || !/^[a-zA-Z]{3}$/.test(currencyRaw)) {
    throw invalidParam(`${label}[price_data][currency]`, `Invalid currency: ${currencyRaw}`);
  }
  const currency = currencyRaw.toLowerCase();
  let unitAmount;
  if (pd.unit_amount !== undefined && pd.unit_amount !== '') {
    unitAmount = parseInteger(pd.unit_amount, `${label}[price_data][unit_amount]`, { min: 0, max: 99_999_999 });
  } else if (pd.unit_amount_decimal !== undefined && pd.unit_amount_decimal !== '') {
    const d = Number(pd.unit_amount_decimal);
    if (!Number.isFinite(d) || d < 0) throw invalidParam(`${label}[price_data][unit_amount_decimal]`, `Invalid decimal: ${pd.unit_amount_decimal}`);
    unitAmount = Math.round(d);
  } else {
    throw missingParam(`${label}[price_data][unit_amount]`);
  }
  let productName;
  let productId = null;
  if (pd.product !== undefined && pd.product !== '') {
    productId = optionalString(pd, 'product', { label: `${label}[price_data][product]` });
    productName = productId;
  } else {
    const prod = pd.product_data;
    if (prod === undefined || prod === '') throw missingParam(`${label}[price_data][product_data]`);
    if (!isObject(prod)) throw invalidParam(`${label}[price_data][product_data]`, 'Invalid object');
    rejectUnknown(prod, PRODUCT_DATA_PARAMS, `${label}[price_data][product_data]`);
    productName = optionalString(prod, 'name', { label: `${label}[price_data][product_data][name]` });
    if (productName === null) throw missingParam(`${label}[price_data][product_data][name]`);
  }
  if (item.quantity === undefined || item.quantity === '') throw missingParam(`${label}[quantity]`);
  const quantity = parseInteger(item.quantity, `${label}[quantity]`, { min: 1, max: 999_999 });
  const productDescription = isObject(pd.product_data) ? (pd.product_data.description ?? null) : null;
  return {
    id: newId('li', 24),
    object: 'item',
    amount_discount: 0,
    amount_subtotal: unitAmount * quantity,
    amount_tax: 0,
    amount_total: unitAmount * quantity,
    currency,
    description: productName,
    price: {
      id: newId('price', 24),
      object: 'price',
      active: false,
      billing_scheme: 'per_unit',
      created: now,
      currency,
      livemode: false,
      lookup_key: null,
      metadata: {},
      nickname: null,
      product: productId ?? newId('prod', 14),
      recurring: null,
      tax_behavior: pd.tax_behavior ?? 'unspecified',
      type: 'one_time',
      unit_amount: unitAmount,
      unit_amount_decimal: String(unitAmount),
    },
    quantity,
    _productDescription: productDescription,
  };
}

/**
 * Validate POST /v1/checkout/sessions params and build the session.
 * @returns {{ session: object, internal: object }}
 */
export function buildCheckoutSession(params, { now, baseUrl, defaultPaymentMethodTypes }) {
  rejectUnknown(params, SESSION_PARAMS);

  const mode = requireParam(params, 'mode');
  if (!['payment', 'setup', 'subscription'].includes(mode)) {
    throw invalidParam('mode', `Invalid mode: must be one of payment, setup, or subscription`);
  }
  if (mode !== 'payment') throw invalidParam('mode', `The Stripe emulator only supports mode=payment (got ${mode}).`);
  if (params.ui_mode !== undefined && params.ui_mode !== 'hosted') {
    throw invalidParam('ui_mode', 'The Stripe emulator only supports ui_mode=hosted.');
  }

  const rawItems = asArray(params.line_items);
  if (!rawItems || rawItems.length === 0) throw missingParam('line_items');
  if (rawItems.length > 100) throw invalidParam('line_items', 'A Checkout Session can have at most 100 line items.');
  const lineItems = rawItems.map((item, i) => validateLineItem(item, i, now));
  const currency = lineItems[0].currency;
  lineItems.forEach((li, i) => {
    if (li.currency !== currency) {
      throw invalidParam(`line_items[${i}][price_data][currency]`, `All line items must have the same currency; line_items[0] uses ${currency} but line_items[${i}] uses ${li.currency}.`);
    }
  });
  const amountTotal = lineItems.reduce((sum, li) => sum + li.amount_total, 0);
  if (!isZeroDecimal(currency) && amountTotal < 50) {
    throw invalidParam('line_items', `The Checkout Session's total amount due must add up to at least 50 (in the smallest ${currency} unit).`, 'amount_too_small');
  }

  const successUrl = validateUrl(requireParam(params, 'success_url'), 'success_url');
  const cancelUrl = params.cancel_url ? validateUrl(params.cancel_url, 'cancel_url') : null;
  const customerEmail = optionalString(params, 'customer_email', { max: 800 });
  if (customerEmail !== null) validateEmail(customerEmail, 'customer_email');
  const clientReferenceId = optionalString(params, 'client_reference_id', { max: 200 });
  const customer = optionalString(params, 'customer', { max: 5000 });
  const locale = optionalString(params, 'locale', { max: 20 });
  const metadata = parseMetadata(params.metadata, 'metadata');

  const paymentIntentData =
    params.payment_intent_data !== undefined && params.payment_intent_data !== ''
      ? parsePaymentIntentData(params.payment_intent_data, amountTotal)
      : emptyPaymentIntentData();

  let paymentMethodTypes = asArray(params.payment_method_types);
  if (paymentMethodTypes === undefined) {
    // Multibanco needs eur and cannot be captured later: Checkout leaves it out.
    const manual = paymentIntentData.capture_method === 'manual';
    paymentMethodTypes = defaultPaymentMethodTypes.filter((t) => t !== 'multibanco' || (currency === 'eur' && !manual));
  } else {
    paymentMethodTypes.forEach((t, i) => {
      if (!SUPPORTED_PAYMENT_METHOD_TYPES.includes(t)) {
        throw invalidParam(`payment_method_types[${i}]`, `Invalid payment_method_types[${i}]: the Stripe emulator supports ${SUPPORTED_PAYMENT_METHOD_TYPES.join(', ')}.`);
      }
    });
    paymentMethodTypes = [...new Set(paymentMethodTypes)];
    if (paymentMethodTypes.includes('multibanco') && currency !== 'eur') {
      throw invalidParam('payment_method_types', `The currency provided (${currency}) is invalid for one or more payment method types: multibanco. Multibanco only supports eur.`);
    }
  }
  if (paymentMethodTypes.includes('multibanco') && paymentIntentData.capture_method === 'manual') {
    // Asked for explicitly, an uncapturable method is an error rather than dropped.
    throw invalidParam('payment_method_types', 'The payment method type multibanco does not support payment_intent_data[capture_method]=manual.');
  }
  if (paymentMethodTypes.length === 0) throw missingParam('payment_method_types');

  let expiresAt = optionalInteger(params, 'expires_at');
  if (expiresAt === null) {
    expiresAt = now + MAX_EXPIRY_SECONDS;
  } else if (expiresAt < now + MIN_EXPIRY_SECONDS) {
    throw invalidParam('expires_at', 'The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.');
  } else if (expiresAt > now + MAX_EXPIRY_SECONDS) {
    throw invalidParam('expires_at', 'The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.');
  }

  const id = `cs_test_${randomToken(58)}`;
  const session = {
    id,
    object: 'checkout.session',
    after_expiration: null,
    allow_promotion_codes: null,
    amount_subtotal: amountTotal,
    amount_total: amountTotal,
    automatic_tax: { enabled: false, liability: null, status: null },
    billing_address_collection: null,
    cancel_url: cancelUrl,
    client_reference_id: clientReferenceId,
    client_secret: null,
    created: now,
    currency,
    customer,
    customer_creation: customer ? null : 'if_required',
    customer_details: null,
    customer_email: customerEmail,
    expires_at: expiresAt,
    invoice: null,
    livemode: false,
    locale,
    metadata,
    mode: 'payment',
    payment_intent: null,
    payment_link: null,
    payment_method_collection: 'if_required',
    payment_method_types: paymentMethodTypes,
    payment_status: 'unpaid',
    status: 'open',
    submit_type: null,
    success_url: successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    url: `${baseUrl}/pay/${id}`,
  };
  const items = lineItems.map(({ _productDescription, ...li }) => li);
  const internal = {
    lineItems: items,
    productDescriptions: lineItems.map((li) => li._productDescription),
    paymentIntentData,
    payUrl: session.url,
  };
  return { session, internal };
}

/** customer_details once the guest has completed the page. */
export function customerDetailsFor(session) {
  return {
    address: null,
    email: session.customer_email ?? 'guest@example.com',
    name: null,
    phone: null,
    tax_exempt: 'none',
    tax_ids: [],
  };
}
