// Connected accounts (POST /v1/accounts): the destinations of destination
// charges. Only what slotguard's Connect flow reads is modelled; whether the
// account may take payments is driven by a test helper, since on Stripe it
// follows the account holder's onboarding, not an API call.
import { invalidParam } from '../errors.js';
import { newId } from '../ids.js';
import { optionalEnum, optionalString, parseMetadata, rejectUnknown, validateEmail } from '../params.js';

export const ACCOUNT_TYPES = ['express', 'standard', 'custom'];
// Fields the onboarding helper may move, in the order events list them.
export const ONBOARDING_FIELDS = ['charges_enabled', 'payouts_enabled', 'details_submitted'];

// Real Stripe params accepted and ignored, so a real integration is not refused.
const IGNORED = ['business_profile', 'business_type', 'capabilities', 'company', 'individual', 'settings', 'tos_acceptance', 'controller', 'external_account'];
const CREATE_PARAMS = new Set(['type', 'country', 'email', 'metadata', 'default_currency', 'expand', ...IGNORED]);
const UPDATE_PARAMS = new Set(['email', 'metadata', 'default_currency', 'expand', ...IGNORED]);

function parseEmail(params) {
  const email = optionalString(params, 'email', { max: 800 });
  if (email !== null) validateEmail(email, 'email');
  return email;
}

function parseCountry(params) {
  const country = optionalString(params, 'country', { max: 2 });
  if (country !== null && !/^[A-Za-z]{2}$/.test(country)) throw invalidParam('country', `Invalid country: ${country}`);
  return country ? country.toUpperCase() : 'US';
}

function parseCurrency(params) {
  const c = optionalString(params, 'default_currency', { max: 3 });
  if (c !== null && !/^[A-Za-z]{3}$/.test(c)) throw invalidParam('default_currency', `Invalid currency: ${c}`);
  return c ? c.toLowerCase() : null;
}

export function buildAccount(params, { now }) {
  rejectUnknown(params, CREATE_PARAMS);
  const type = optionalEnum(params, 'type', ACCOUNT_TYPES);
  // Stripe also accepts `controller` instead of `type`; the emulator needs a type.
  if (type === null) throw invalidParam('type', `Missing required param: type (one of ${ACCOUNT_TYPES.join(', ')}).`, 'parameter_missing');
  const country = parseCountry(params);
  return {
    id: newId('acct', 16),
    object: 'account',
    business_profile: null,
    business_type: typeof params.business_type === 'string' ? params.business_type : null,
    capabilities: {},
    charges_enabled: false,
    country,
    created: now,
    default_currency: parseCurrency(params) ?? (country === 'US' ? 'usd' : 'eur'),
    details_submitted: false,
    email: parseEmail(params),
    metadata: parseMetadata(params.metadata, 'metadata'),
    payouts_enabled: false,
    type,
  };
}

/**
 * Apply POST /v1/accounts/:id params.
 * @returns {object} previous_attributes of the changed fields ({} when nothing changed)
 */
export function updateAccount(account, params) {
  rejectUnknown(params, UPDATE_PARAMS);
  const previous = {};
  const set = (field, value) => {
    if (JSON.stringify(account[field]) === JSON.stringify(value)) return;
    previous[field] = account[field];
    account[field] = value;
  };
  if (params.email !== undefined) set('email', parseEmail(params));
  if (params.default_currency !== undefined) set('default_currency', parseCurrency(params) ?? account.default_currency);
  if (params.metadata !== undefined) set('metadata', mergeMetadata(account.metadata, params.metadata));
  return previous;
}

/** Stripe merges metadata on update; '' unsets a key, and metadata='' unsets all. */
function mergeMetadata(current, patch) {
  if (patch === '') return {};
  const parsed = parseMetadata(patch, 'metadata');
  const merged = { ...current, ...parsed };
  for (const [k, v] of Object.entries(patch)) if (v === '') delete merged[k];
  return merged;
}
