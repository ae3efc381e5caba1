// Stripe Event objects: an immutable snapshot of the object at event time.
import { newId } from '../ids.js';

/**
 * @param {object} ctx  { requestId, idempotencyKey } when an API request
 *   caused the event; omitted for guest actions and automatic transitions.
 */
export function buildEvent({ type, object, now, apiVersion, pendingWebhooks, ctx, previousAttributes }) {
  const data = { object: structuredClone(object) };
  if (previousAttributes) data.previous_attributes = previousAttributes;
  return {
    id: newId('evt', 24),
    object: 'event',
    api_version: apiVersion,
    created: now,
    data,
    livemode: false,
    pending_webhooks: pendingWebhooks,
    request: { id: ctx?.requestId ?? null, idempotency_key: ctx?.idempotencyKey ?? null },
    type,
  };
}
