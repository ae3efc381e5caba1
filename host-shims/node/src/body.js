// Reads a request body with a size limit and a deadline, keeping the raw bytes (webhook
// signatures are computed over them). The deadline is what frees a connection whose
// client sends its headers and then too little of its body, too slowly.

// Past this many times the drain base an oversized upload is cut off instead of drained.
const DRAIN_FACTOR = 8;

export class BodyTooLargeError extends Error {
  /** @param {number} limit */
  constructor(limit) {
    super(`the body exceeds ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

export class BodyTimeoutError extends Error {
  /** @param {number} timeoutMs */
  constructor(timeoutMs) {
    super(`the body did not arrive within ${timeoutMs} ms`);
    this.name = 'BodyTimeoutError';
  }
}

const EMPTY = new Uint8Array(0);

/**
 * Resolves to a Uint8Array, or rejects with BodyTooLargeError or BodyTimeoutError. An
 * oversized body is still read to its end (and thrown away), so the client is not reset
 * mid-upload and actually sees the 413; a body far too large (past drainBase * 8) has
 * its connection destroyed. A small per-route limit passes the general limit as
 * drainBase, so an ordinary oversized upload still gets its 413. A body not complete
 * `timeoutMs` after reading starts is given up (whatever still arrives is discarded);
 * the deadline is for the whole body, so a client trickling bytes cannot extend it.
 * @param {import('node:http').IncomingMessage} req
 * @param {number} limit
 * @param {number} [drainBase]
 * @param {number} [timeoutMs]  0: no deadline
 * @returns {Promise<Uint8Array>}
 */
export function readBody(req, limit, drainBase = limit, timeoutMs = 0) {
  // No Content-Length (or 0) and no Transfer-Encoding: HTTP/1.1 says there is no body
  // (a GET, mostly). Answer at once; node:http discards the empty stream itself.
  const length = req.headers['content-length'];
  if ((length === undefined || length === '0') && req.headers['transfer-encoding'] === undefined) {
    return Promise.resolve(EMPTY);
  }
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    let tooLarge = Number.isFinite(declared) && declared > limit;
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    /** @param {Buffer} chunk */
    const onData = (chunk) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (tooLarge) {
        chunks.length = 0;
        if (size > drainBase * DRAIN_FACTOR) req.destroy();
        return;
      }
      chunks.push(chunk);
    };
    // Past the deadline, keep nothing more: what still arrives flows on to nowhere until
    // the answer closes the connection.
    const onDeadline = () => {
      req.off('data', onData);
      chunks.length = 0;
      req.resume();
      reject(new BodyTimeoutError(timeoutMs));
    };
    const timer = timeoutMs > 0 ? setTimeout(onDeadline, timeoutMs) : undefined;
    req.on('data', onData);
    req.on('end', () => {
      clearTimeout(timer);
      if (tooLarge) return reject(new BodyTooLargeError(limit));
      const buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      resolve(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.on('close', () => {
      clearTimeout(timer);
      if (!req.complete) reject(new Error('the client closed the connection mid-body'));
    });
  });
}
