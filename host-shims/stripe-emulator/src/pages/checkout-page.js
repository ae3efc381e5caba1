// The hosted checkout page at GET /pay/:session_id. Buttons are plain HTML
// forms that POST to the test-helper endpoints with redirect=true, which
// answer 303 to success_url / cancel_url. No JavaScript.
import { formatAmount } from '../money.js';
import { h, layout } from './html.js';

export function renderCheckoutPage({ session, internal, pageToken }) {
  const base = `/v1/test_helpers/checkout/sessions/${encodeURIComponent(session.id)}`;
  const items = internal?.lineItems ?? [];
  const hidden = h`<input type="hidden" name="redirect" value="true"><input type="hidden" name="page_token" value="${pageToken}">`;
  const expiry = new Date(session.expires_at * 1000).toISOString();

  const rows = items.map(
    (li) => h`<tr><td class="product">${li.description} &times; ${li.quantity}</td><td>${formatAmount(li.amount_total, li.currency)}</td></tr>`,
  );

  let actions;
  if (session.status === 'open') {
    const buttons = [];
    if (session.payment_method_types.includes('card')) {
      buttons.push(h`<form method="post" action="${base}/pay">${hidden}<input type="hidden" name="method" value="card"><button type="submit" id="pay-card">Pay by card</button></form>`);
    }
    if (session.payment_method_types.includes('multibanco')) {
      buttons.push(
        h`<form method="post" action="${base}/pay">${hidden}<input type="hidden" name="method" value="multibanco"><button type="submit" id="pay-multibanco">Pay with Multibanco (delayed)</button></form>`,
      );
    }
    buttons.push(h`<form method="post" action="${base}/cancel">${hidden}<button type="submit" class="secondary" id="cancel">Cancel</button></form>`);
    actions = h`<p>This session expires at <time datetime="${expiry}">${expiry}</time>.</p>${buttons}`;
  } else if (session.status === 'complete') {
    const paid = session.payment_status === 'paid';
    // Unpaid after completion: a Multibanco voucher, or a card held for a manual capture.
    const why = internal?.paymentIntentData?.capture_method === 'manual' ? 'card authorized, awaiting capture' : 'delayed payment method';
    actions = h`<p class="state" id="state">${paid ? 'This Checkout Session is complete: payment received.' : `This Checkout Session is complete: payment pending (${why}).`}</p>`;
  } else {
    actions = h`<p class="state" id="state">This Checkout Session has expired.</p><p>It expired at <time datetime="${expiry}">${expiry}</time>; start a new checkout to pay.</p>`;
  }

  const body = h`
<h1>Checkout</h1>
<p class="amount" id="amount">${formatAmount(session.amount_total, session.currency)}</p>
<table>${rows}</table>
<dl>
  <dt>Customer email</dt><dd id="email">${session.customer_email ?? '(entered at checkout)'}</dd>
  <dt>Session</dt><dd><code>${session.id}</code> (${session.status})</dd>
  <dt>Expires</dt><dd id="expires">${expiry}</dd>
</dl>
${actions}`;
  return layout(`Pay ${formatAmount(session.amount_total, session.currency)}`, body.toString());
}

export function renderMessagePage(title, message) {
  return layout(title, h`<h1>${title}</h1><p class="state" id="state">${message}</p>`.toString());
}
