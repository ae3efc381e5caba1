// Response helpers. Handlers return one of these descriptors; the server
// writes them with the common headers (Request-Id, Stripe-Version, ...).

export const json = (body, status = 200) => ({ kind: 'json', status, body });
export const html = (body, status = 200) => ({ kind: 'html', status, body });
export const redirect = (location, status = 303) => ({ kind: 'redirect', status, location });

/** Serialize a descriptor; JSON bodies are pretty-printed like Stripe's. */
export function serialize(result) {
  if (result.kind === 'json') {
    return { status: result.status, contentType: 'application/json', body: JSON.stringify(result.body, null, 2) };
  }
  if (result.kind === 'html') {
    return { status: result.status, contentType: 'text/html; charset=utf-8', body: result.body };
  }
  return { status: result.status, contentType: 'text/plain; charset=utf-8', body: `Redirecting to ${result.location}`, location: result.location };
}

export function send(res, { status, contentType, body, location }, headers = {}) {
  if (res.headersSent) return;
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && v !== null) res.setHeader(k, v);
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('Cache-Control', 'no-cache, no-store');
  if (location) res.setHeader('Location', location);
  res.statusCode = status;
  res.end(body);
}
