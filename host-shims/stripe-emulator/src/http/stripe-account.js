// The Stripe-Account header asks Stripe to act as a connected account (direct
// charges, the account's own objects). The emulator keeps one platform's
// objects only, so it refuses the header on every /v1 request rather than
// silently answering with the platform's data: 403 account_invalid for an
// account it does not know (Stripe's answer), 400 naming the header otherwise.
import { accountInvalid, stripeAccountUnsupported } from '../errors.js';

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {{accounts: Map<string, object>}} store
 * @param {string|null} presentedKey the API key the request carried, for the message
 */
export function refuseStripeAccount(req, store, presentedKey) {
  const header = req.headers['stripe-account'];
  if (header === undefined) return;
  const id = String(header).trim();
  if (!store.accounts.has(id)) throw accountInvalid(id, presentedKey);
  throw stripeAccountUnsupported(id);
}
