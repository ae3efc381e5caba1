// Responses the bridge answers by itself, in the core's error shape
// ({"error": {"code", "message"}}), for when the module cannot answer.

const encoder = new TextEncoder();

/**
 * @param {number} status  @param {string} code  @param {string} message
 * @param {[string, string][]} [extraHeaders]
 * @returns {import('./envelope.js').BridgeResponse}
 */
export function errorResponse(status, code, message, extraHeaders = []) {
  return {
    status,
    headers: [['Content-Type', 'application/json'], ['Cache-Control', 'no-store'], ...extraHeaders],
    body: encoder.encode(JSON.stringify({ error: { code, message } })),
  };
}

/** @type {(message?: string) => import('./envelope.js').BridgeResponse} */
export const internalError = (message = 'the request could not be completed; retry it') =>
  errorResponse(500, 'internal_error', message);

/** @type {(code: string, message: string) => import('./envelope.js').BridgeResponse} */
export const unavailable = (code, message) => errorResponse(503, code, message, [['Retry-After', '1']]);

/** What a negative sg_task_start status means for the client.
 * @param {number} status  @returns {import('./envelope.js').BridgeResponse} */
export function startFailure(status) {
  if (status === -3) return errorResponse(400, 'bad_request', 'the request could not be decoded (are the headers too large?)');
  if (status === -7) return unavailable('out_of_memory', 'the server is out of memory; retry shortly');
  return internalError(`the module refused the request (status ${status})`);
}
