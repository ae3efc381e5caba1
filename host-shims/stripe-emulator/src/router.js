// Minimal router: routes are "METHOD /path/:param" templates. The template
// string is also the key used for request stats.

export function createRouter() {
  const routes = [];
  return {
    /**
     * @param {string} method
     * @param {string} template e.g. "/v1/checkout/sessions/:id"
     * @param {Function} handler
     * @param {object} [meta] e.g. { kind: 'api' | 'helper' | 'page' | 'control' }
     */
    add(method, template, handler, meta = {}) {
      routes.push({ method, template, segments: template.split('/').slice(1), handler, meta });
    },

    /** @returns {{route, params} | {methodMismatch: true} | null} */
    match(method, path) {
      const parts = path.split('/').slice(1);
      let pathMatched = false;
      for (const route of routes) {
        if (route.segments.length !== parts.length) continue;
        const params = {};
        let ok = true;
        for (let i = 0; i < parts.length; i++) {
          const seg = route.segments[i];
          if (seg.startsWith(':')) {
            if (parts[i] === '') {
              ok = false;
              break;
            }
            try {
              params[seg.slice(1)] = decodeURIComponent(parts[i]);
            } catch {
              ok = false;
              break;
            }
          } else if (seg !== parts[i]) {
            ok = false;
            break;
          }
        }
        if (!ok) continue;
        if (route.method !== method) {
          pathMatched = true;
          continue;
        }
        return { route, params };
      }
      return pathMatched ? { methodMismatch: true } : null;
    },
  };
}
