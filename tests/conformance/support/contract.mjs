// Checks an HTTP answer against docs/openapi.yaml, so that every response the
// conformance suite sees also proves the document right (or fails the test that saw
// it). The path and method pick the operation; the status must be one the operation
// lists (exact, then 4XX-style, then default); required headers must be there and
// match; a JSON body must match the response's schema (ajv, JSON Schema 2020-12, as
// OpenAPI 3.1 uses).
//
// Answers of any request, as the document's introduction says: 404 not_found and the
// host's own answers (400 bad_request, 408, 413, 414, 429, 500, 503) on any path, and 405
// method_not_allowed with an Allow that lists only documented methods and not the one
// asked. These stand for "this server does not serve that route", which is also what
// a host whose core predates a documented route answers. Paths outside the API (not
// /v1/..., /healthz or /metrics) that answer something other than JSON are static
// files (the booking page) and are not checked. An OPTIONS preflight from an allowed
// origin may be answered 204 on any /v1/ path.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

export const OPENAPI_FILE = fileURLToPath(new URL('../../../docs/openapi.yaml', import.meta.url));

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
// The document's shared answers that any request may get, by status.
const ANY_REQUEST = {
  400: 'BadRequest',
  404: 'RouteNotFound',
  408: 'RequestTimeout',
  413: 'PayloadTooLarge',
  414: 'UriTooLong',
  429: 'RateLimited',
  500: 'InternalError',
  503: 'HostUnavailable',
};
const SCHEMA_ROOT = 'https://slotguard.invalid/openapi';

/** Every "$ref": "#/components/schemas/X" becomes a reference into one ajv schema. */
function rewriteRefs(node) {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/'))
      out[k] = `${SCHEMA_ROOT}#/$defs/${v.slice('#/components/schemas/'.length)}`;
    else out[k] = rewriteRefs(v);
  }
  return out;
}

function pointer(doc, ref) {
  if (!ref.startsWith('#/')) throw new Error(`only local references are supported: ${ref}`);
  let node = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = node?.[key];
    if (node === undefined) throw new Error(`unresolved reference ${ref}`);
  }
  return node;
}

/** Follows Reference Objects (not schema $refs: ajv does those). */
function deref(doc, node) {
  let n = node;
  for (let i = 0; n && typeof n.$ref === 'string' && i < 10; i++) n = pointer(doc, n.$ref);
  return n;
}

function templateRegex(template) {
  const parts = template.split(/\{[^}]+\}/).map((p) => p.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('([^/]+)')}$`);
}

/** A header's raw text as the value its schema describes (integers arrive as text). */
function headerValue(text, schema) {
  const types = [].concat(schema?.type ?? []);
  if ((types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

function headerOf(headers, name) {
  const v = headers?.[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

function describeErrors(errors) {
  return (errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`).join('; ');
}

export class Contract {
  constructor(doc) {
    this.doc = doc;
    this.ajv = new Ajv2020({ strict: true, strictTypes: false, allowUnionTypes: true, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: SCHEMA_ROOT, $defs: rewriteRefs(doc.components?.schemas ?? {}) });
    this.validators = new Map();
    // Literal paths before templated ones, so /v1/reservations never reads as /v1/{x}.
    this.paths = Object.keys(doc.paths ?? {})
      .map((template) => ({ template, regex: templateRegex(template), params: (template.match(/\{/g) ?? []).length }))
      .sort((a, b) => a.params - b.params);
  }

  /** Path template of a request path (query stripped), or null. */
  match(path) {
    const bare = path.split('?')[0];
    for (const p of this.paths) if (p.regex.test(bare)) return p.template;
    return null;
  }

  /** [method, template] for every operation of the document. */
  operations() {
    const out = [];
    for (const [template, item] of Object.entries(this.doc.paths ?? {}))
      for (const m of METHODS) if (item[m]) out.push([m.toUpperCase(), template]);
    return out;
  }

  schemaValidator(key, schema) {
    let v = this.validators.get(key);
    if (!v) {
      v = this.ajv.compile(rewriteRefs(schema));
      this.validators.set(key, v);
    }
    return v;
  }

  /** Compiles every response schema of the document; throws on the first that does not compile. */
  compileAll() {
    for (const [method, template] of this.operations()) {
      const op = this.doc.paths[template][method.toLowerCase()];
      for (const [status, resp] of Object.entries(op.responses ?? {})) {
        const r = deref(this.doc, resp);
        for (const [type, media] of Object.entries(r.content ?? {}))
          if (media.schema) this.schemaValidator(`${method} ${template} ${status} ${type}`, media.schema);
      }
    }
    for (const [name, resp] of Object.entries(this.doc.components?.responses ?? {}))
      for (const [type, media] of Object.entries(resp.content ?? {}))
        if (media.schema) this.schemaValidator(`#/components/responses/${name} ${type}`, media.schema);
    // Schemas no response uses (the notifications' body) must compile too.
    for (const name of Object.keys(this.doc.components?.schemas ?? {}))
      this.schemaValidator(`#/components/schemas/${name}`, { $ref: `#/components/schemas/${name}` });
  }

  /**
   * Problems with one answer, as sentences; empty when it matches the document.
   * @param {{method: string, path: string, status: number, headers: object, text: string}} a
   */
  check({ method, path, status, headers, text }) {
    const m = method.toUpperCase();
    const template = this.match(path);
    const where = `${m} ${path.split('?')[0]} -> ${status}`;
    const contentType = String(headerOf(headers, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
    const anyRequest = (label) => {
      const name = ANY_REQUEST[status];
      if (!name) return [`${where}: status ${status} is not documented for ${label}`];
      return this.checkResponse(`#/components/responses/${name}`, this.doc.components.responses[name], { m, where, headers, text, contentType });
    };

    if (!template) {
      const bare = path.split('?')[0];
      const api = bare.startsWith('/v1/') || bare === '/v1' || bare === '/healthz' || bare === '/metrics';
      if (!api && contentType !== 'application/json') return []; // a static file
      // A preflight from an allowed origin is answered on any /v1/ path.
      if (m === 'OPTIONS' && status === 204 && bare.startsWith('/v1/'))
        return this.checkResponse('#/components/responses/CorsPreflight', this.doc.components.responses.CorsPreflight, { m, where, headers, text, contentType });
      return anyRequest('a path the document does not describe');
    }
    const item = this.doc.paths[template];
    const op = item[m.toLowerCase()];
    if (status === 405) return this.checkNotServed({ m, template, item, where, headers, text, contentType });
    if (!op) return anyRequest(`${m} ${template}, which the document does not describe`);

    const responses = op.responses ?? {};
    const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => responses[k]);
    if (!key) return [`${where}: status ${status} is not documented for ${m} ${template} (documented: ${Object.keys(responses).join(', ')})`];
    return this.checkResponse(`${m} ${template} ${key}`, responses[key], { m, where, headers, text, contentType });
  }

  /** 405: a method this server does not serve on a known path, with an honest Allow. */
  checkNotServed({ m, template, item, where, headers, text, contentType }) {
    const problems = [];
    const allow = headerOf(headers, 'allow');
    if (!allow) problems.push(`${where}: 405 without an Allow header`);
    else {
      const listed = allow.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
      if (listed.includes(m)) problems.push(`${where}: 405 but Allow lists ${m} (${allow})`);
      for (const a of listed) if (!item[a.toLowerCase()]) problems.push(`${where}: Allow lists ${a}, which the document does not describe for ${template}`);
    }
    if (m !== 'HEAD') {
      const body = this.parseJson(text, contentType, where, problems);
      if (body !== undefined && body?.error?.code !== 'method_not_allowed')
        problems.push(`${where}: 405 with code ${JSON.stringify(body?.error?.code)}, not method_not_allowed`);
      if (body !== undefined) {
        const v = this.schemaValidator('#/components/schemas/Error', { $ref: '#/components/schemas/Error' });
        if (!v(body)) problems.push(`${where}: ${describeErrors(v.errors)}`);
      }
    }
    return problems;
  }

  parseJson(text, contentType, where, problems) {
    if (contentType !== 'application/json') {
      problems.push(`${where}: Content-Type ${contentType || '(none)'}, expected application/json`);
      return undefined;
    }
    try {
      return JSON.parse(text);
    } catch {
      problems.push(`${where}: the body is not JSON: ${text.slice(0, 120)}`);
      return undefined;
    }
  }

  checkResponse(key, responseOrRef, { m, where, headers, text, contentType }) {
    const problems = [];
    const resp = deref(this.doc, responseOrRef);
    for (const [name, hOrRef] of Object.entries(resp.headers ?? {})) {
      const h = deref(this.doc, hOrRef);
      const raw = headerOf(headers, name);
      if (raw === undefined) {
        if (h.required) problems.push(`${where}: the required header ${name} is missing`);
        continue;
      }
      if (h.schema) {
        const v = this.schemaValidator(`${key} header ${name}`, h.schema);
        if (!v(headerValue(raw, h.schema))) problems.push(`${where}: header ${name}: ${JSON.stringify(raw)} ${describeErrors(v.errors)}`);
      }
    }
    const content = resp.content ?? {};
    if (m === 'HEAD') return problems; // no body, whatever the content would be
    if (Object.keys(content).length === 0) {
      if (text !== '') problems.push(`${where}: the document describes no body, but one came: ${text.slice(0, 120)}`);
      return problems;
    }
    const media = content[contentType];
    if (!media) {
      problems.push(`${where}: Content-Type ${contentType || '(none)'} is not one of ${Object.keys(content).join(', ')}`);
      return problems;
    }
    if (contentType !== 'application/json') return problems;
    const body = this.parseJson(text, contentType, where, problems);
    if (body === undefined || !media.schema) return problems;
    const v = this.schemaValidator(`${key} ${contentType}`, media.schema);
    if (!v(body)) problems.push(`${where}: ${describeErrors(v.errors)} in ${text.slice(0, 300)}`);
    return problems;
  }
}

let shared = null;

/** The document, parsed and compiled once per process. */
export function contract() {
  shared ??= new Contract(YAML.parse(readFileSync(OPENAPI_FILE, 'utf8')));
  return shared;
}

/** Throws an Error naming every problem when an answer breaks the document. */
export function assertMatchesContract(answer) {
  const problems = contract().check(answer);
  if (problems.length > 0) {
    const error = new Error(`the answer breaks docs/openapi.yaml:\n  ${problems.join('\n  ')}`);
    error.code = 'ERR_OPENAPI_CONTRACT';
    throw error;
  }
}
