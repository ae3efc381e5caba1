// `expand[]` support: replace id strings at dotted paths with the objects they
// name. Works on a clone; unknown paths are a 400 like real Stripe.
import { invalidParam } from './errors.js';

/**
 * @param {object} obj          response object (will be cloned)
 * @param {string[]} paths      e.g. ["payment_intent", "data.latest_charge"]
 * @param {(id: string) => object|undefined} resolve  id -> stored object
 * @param {(obj: object, field: string) => any} [virtual] expandable fields
 *   that are absent from the object unless expanded (e.g. line_items)
 */
export function applyExpand(obj, paths, resolve, virtual = () => undefined) {
  if (!paths.length) return obj;
  const out = structuredClone(obj);
  for (const path of paths) {
    const segments = path.split('.');
    if (segments.length > 4) throw invalidParam('expand', `You cannot expand more than 4 levels of a property (${path}).`);
    expandAt(out, segments, path, resolve, virtual);
  }
  return out;
}

function expandAt(target, segments, path, resolve, virtual) {
  if (Array.isArray(target)) {
    for (const item of target) expandAt(item, segments, path, resolve, virtual);
    return;
  }
  if (target === null || typeof target !== 'object') return;
  const [head, ...rest] = segments;
  if (!rest.length) {
    if (head in target) {
      const v = target[head];
      if (typeof v === 'string') {
        const found = resolve(v);
        if (found) target[head] = structuredClone(found);
      } else if (v !== null && typeof v !== 'object') {
        throw invalidParam('expand', `This property cannot be expanded (${path}).`);
      }
      return;
    }
    const value = virtual(target, head);
    if (value === undefined) throw invalidParam('expand', `This property cannot be expanded (${path}).`);
    target[head] = value;
    return;
  }
  if (!(head in target)) throw invalidParam('expand', `This property cannot be expanded (${path}).`);
  expandAt(target[head], rest, path, resolve, virtual);
}
