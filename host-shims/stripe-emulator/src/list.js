// Stripe list objects and cursor pagination (most recent first).
import { invalidParam, resourceMissing } from './errors.js';
import { parseInteger } from './params.js';

/**
 * @param {object[]} newestFirst items already filtered and ordered newest first
 * @param {object} query         limit, starting_after, ending_before
 * @param {string} url           the list's URL (e.g. "/v1/refunds")
 * @param {string} objectName    for resource_missing errors on cursors
 */
export function paginate(newestFirst, query, url, objectName) {
  const limit = query.limit === undefined || query.limit === '' ? 10 : parseInteger(query.limit, 'limit', { min: 1, max: 100 });
  if (query.starting_after && query.ending_before) {
    throw invalidParam('starting_after', 'You may only specify one of these parameters: ending_before, starting_after.');
  }
  let data;
  let hasMore;
  if (query.starting_after) {
    const idx = newestFirst.findIndex((o) => o.id === query.starting_after);
    if (idx === -1) throw resourceMissing(objectName, query.starting_after, 'starting_after');
    data = newestFirst.slice(idx + 1, idx + 1 + limit);
    hasMore = idx + 1 + limit < newestFirst.length;
  } else if (query.ending_before) {
    const idx = newestFirst.findIndex((o) => o.id === query.ending_before);
    if (idx === -1) throw resourceMissing(objectName, query.ending_before, 'ending_before');
    const from = Math.max(0, idx - limit);
    data = newestFirst.slice(from, idx);
    hasMore = from > 0;
  } else {
    data = newestFirst.slice(0, limit);
    hasMore = limit < newestFirst.length;
  }
  return { object: 'list', data: data.map((o) => structuredClone(o)), has_more: hasMore, url };
}

/** Map values (insertion = creation order) as an array, newest first. */
export function newestFirst(map, filter = () => true) {
  const out = [];
  for (const v of map.values()) if (filter(v)) out.push(v);
  return out.reverse();
}
