// The Multibanco voucher page (next_action.multibanco_display_details.hosted_voucher_url).
import { formatAmount } from '../money.js';
import { h, layout } from './html.js';

export function renderVoucherPage(pi) {
  const details = pi.next_action?.multibanco_display_details;
  if (!details) {
    return layout('Multibanco voucher', h`<h1>Multibanco voucher</h1><p class="state" id="state">This voucher is no longer payable (payment status: ${pi.status}).</p>`.toString());
  }
  const expiry = new Date(details.expires_at * 1000).toISOString();
  const body = h`
<h1>Multibanco voucher</h1>
<dl>
  <dt>Entity</dt><dd id="entity">${details.entity}</dd>
  <dt>Reference</dt><dd id="reference">${details.reference}</dd>
  <dt>Amount</dt><dd id="amount">${formatAmount(pi.amount, pi.currency)}</dd>
  <dt>Pay before</dt><dd id="expires">${expiry}</dd>
</dl>`;
  return layout('Multibanco voucher', body.toString());
}
