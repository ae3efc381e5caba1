// Serves a folder of static files (the booking page, examples/booking-page) next to the
// API, so that a guest's browser talks to slotguard from the same origin without CORS.
// Only for the `pageDir` option / SLOTGUARD_PAGE_DIR: without it the host answers
// nothing but the API. API paths (/v1/..., /healthz, /metrics) never reach this code.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { splitTarget } from './request.js';

/** @typedef {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => Promise<void>} NodeListener */

// The types a static booking page needs; anything else is served as bytes, and
// nosniff keeps browsers from guessing a script out of it.
/** @type {Record<string, string>} */
const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

/** True for the paths the core owns; everything else is the page's.
 * @param {string} path */
export function isApiPath(path) {
  return path === '/v1' || path.startsWith('/v1/') || path === '/healthz' || path === '/metrics';
}

/**
 * @param {import('node:http').ServerResponse} res  @param {number} status  @param {string} text
 * @param {Record<string, string>} [extra]
 */
function sendText(res, status, text, extra = {}) {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'x-content-type-options': 'nosniff',
    ...extra,
  });
  res.end(text);
}

/**
 * The request path as folder segments, or null when it cannot name a file inside the
 * folder: undecodable escapes, "." or "..", separators or NUL hidden in an escape, and
 * dot-files (nothing private, such as .env, leaks from a folder served whole).
 * @param {string} rawPath  @returns {string[] | null}
 */
function pathSegments(rawPath) {
  const segments = [];
  for (const raw of rawPath.split('/')) {
    if (raw === '') continue;
    let s;
    try {
      s = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (s.startsWith('.') || s.includes('/') || s.includes('\\') || s.includes('\0')) return null;
    segments.push(s);
  }
  return segments;
}

/**
 * @param {string} dir  the folder to serve
 * @returns {Promise<(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, path: string, query: string) => Promise<void>>}
 */
export async function createPageHandler(dir) {
  let root;
  try {
    root = await realpath(dir);
    if (!(await stat(root)).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new TypeError(`createSlotguard: pageDir ${JSON.stringify(dir)} is not a readable directory`);
  }

  return async function servePage(req, res, path, query) {
    req.resume(); // a body on a GET is ignored, but must be drained for keep-alive
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendText(res, 405, 'Method Not Allowed\n', { allow: 'GET, HEAD' });
    const segments = pathSegments(path);
    if (!segments) return sendText(res, 404, 'Not Found\n');

    let file = join(root, ...segments);
    let info;
    try {
      info = await stat(file);
      if (info.isDirectory()) {
        // A folder's index answers only under the folder's own URL ("/x/"), so that the
        // page's relative links resolve inside it.
        if (!path.endsWith('/')) return sendText(res, 301, 'Moved Permanently\n', { location: `${path}/${query ? `?${query}` : ''}` });
        file = join(file, 'index.html');
        info = await stat(file);
      }
      // A symbolic link must not lead out of the folder.
      const real = await realpath(file);
      if (real !== root && !real.startsWith(root + sep)) return sendText(res, 404, 'Not Found\n');
      if (!info.isFile()) return sendText(res, 404, 'Not Found\n');
    } catch {
      return sendText(res, 404, 'Not Found\n');
    }

    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': info.size,
      // Revalidate every time: a page edited during development shows at the next load.
      'cache-control': 'no-cache',
      'last-modified': info.mtime.toUTCString(),
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    /** @type {Promise<void>} */
    const sent = new Promise((resolve) => {
      const stream = createReadStream(file);
      stream.on('error', () => {
        res.destroy();
        resolve();
      });
      stream.on('end', resolve);
      stream.pipe(res);
    });
    await sent;
  };
}

/**
 * One node:http handler for both: API paths go to `apiHandler` (the core), every other
 * path to the folder.
 * @param {NodeListener} apiHandler
 * @param {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, path: string, query: string) => Promise<void>} servePage
 * @returns {NodeListener}
 */
export function withPageFiles(apiHandler, servePage) {
  return function handlePageOrApi(req, res) {
    const { path, query } = splitTarget(req.url);
    if (isApiPath(path)) return apiHandler(req, res);
    return servePage(req, res, path, query).catch(() => {
      if (!res.headersSent) sendText(res, 500, 'Internal Server Error\n');
      else res.destroy();
    });
  };
}
