// Public API of @slotguard/node (hand-written; the implementation is plain ESM).

/** One stored item; version 0 means absent (and then there is no value). */
export interface StoreItem {
  key: string;
  value?: string;
  version: number;
}

export interface StoreCheck {
  key: string;
  /** The version the key must have; 0 = the key must be absent. */
  version: number;
}

export type StoreMutation = { op: 'set'; key: string; value: string } | { op: 'delete'; key: string };

/**
 * The store contract of wasm/ABI.md: a read is one consistent snapshot; a commit
 * applies every mutation if and only if every check holds, atomically; versions of a
 * key only grow and are never reused after a delete; keys order bytewise (UTF-8).
 * Throwing (or rejecting) makes the core answer 503 and change nothing.
 */
export interface StoreAdapter {
  read(keys: string[]): Promise<{ items: StoreItem[] }>;
  list(start: string, end: string, limit: number, after: string): Promise<{ items: StoreItem[]; more: boolean }>;
  commit(checks: StoreCheck[], mutations: StoreMutation[]): Promise<{ outcome: 'committed' | 'conflict' }>;
  close?(): void | Promise<void>;
  readonly kind?: string;
}

export interface FetchRequest {
  method: string;
  url: string;
  headers: [string, string][];
  body: string;
  timeout_ms?: number;
}

export type FetchAdapter = (req: FetchRequest) => Promise<{ status: number; body: string }>;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A structured log record: one JSON line when written to stdout. */
export interface LogRecord {
  time: string;
  level: LogLevel;
  /** 'core' for the module's lines, 'host' for the host's own. */
  source: 'core' | 'host';
  event?: string;
  [field: string]: unknown;
}

export type Logger =
  | ((record: LogRecord) => void)
  | { debug?(r: LogRecord): void; info?(r: LogRecord): void; warn?(r: LogRecord): void; error?(r: LogRecord): void; log?(r: LogRecord): void }
  | false;

/** What the PostgreSQL store uses of a pg.Pool (typed structurally: @types/pg is not a dependency). */
export interface PgPool {
  query(config: { text: string; values?: unknown[]; query_timeout?: number }): Promise<{ rows: any[] }>;
  connect(): Promise<{
    query(text: string | object, values?: unknown[]): Promise<{ rows: any[] }>;
    release(error?: unknown): void;
    /** The store listens for 'error' while it holds a connection (one lost between two statements). */
    on(event: 'error', listener: (error: Error) => void): unknown;
    off(event: 'error', listener: (error: Error) => void): unknown;
  }>;
  end(): Promise<void>;
}

export interface SlotguardOptions {
  /** Where reservations live. Default 'sqlite' (at dbPath). 'memory' loses state on exit. */
  store?: 'sqlite' | 'memory' | 'postgres' | StoreAdapter;
  /** SQLite file; its directory is created. Default './data/slotguard.db'. */
  dbPath?: string;
  /** With store 'postgres': a postgres:// or postgresql:// connection string (the host makes, and ends, its own pool). */
  postgresUrl?: string;
  /** With store 'postgres', instead of postgresUrl: your own pg.Pool (you end it; its default isolation may be any level). */
  pgPool?: PgPool;
  /** Connections in the pool made from postgresUrl. Default 10. */
  pgPoolSize?: number;
  /** Bound on every store statement, in ms; a statement over it fails the store call (the core answers 503). Default 5000. */
  pgStatementTimeoutMs?: number;
  /** Which build of the module to run. Default 'wasi'. */
  wasm?: 'wasi' | 'emscripten';
  /** Directory holding the built modules. Default: the repository's build/dist. */
  wasmDir?: string;

  /** Bearer token for admin endpoints, 16+ characters. Generated when absent (read it back from `adminToken`). */
  adminToken?: string;
  stripeSecretKey?: string;
  /** Default https://api.stripe.com; point it at the emulator locally (a live key is refused with any other base). */
  stripeApiBase?: string;
  /** Webhook signing secret(s), comma-separated during rotation. */
  stripeWebhookSecret?: string;
  /** How long a Checkout Session stays open, 30..1438 (checked by the core). Core default 30. */
  checkoutMinutes?: number;
  holdGraceMinutes?: number;
  multibancoDefaultHoldMinutes?: number;
  webhookToleranceSeconds?: number;
  httpTimeoutMs?: number;
  defaultSuccessUrl?: string;
  defaultCancelUrl?: string;
  /** Where signed notifications (reservation.held/confirmed/rescheduled/released/refunded) go. Default: none. */
  notifyUrl?: string;
  /** Signs the notifications; comma-separated while rotating, the first signs. */
  notifySecret?: string;
  /** How long an undelivered notification is retried, with back-off. Core default 72. */
  notifyRetryHours?: number;
  /** Unpaid holds per guest e-mail and expert; 0 = no limit. Core default 2. Past it: 429 too_many_holds. */
  maxActiveHoldsPerGuest?: number;
  /** The sweep purges released and refunded reservations older than this. Core default 30. */
  retentionDays?: number;
  /** How far ahead, from today's UTC midnight, experts' calendar feeds become busy blocks. Core default 90. */
  calendarHorizonDays?: number;
  /** Origins allowed to call the API from a browser: comma-separated, or "*". Default: none. */
  corsOrigins?: string;

  /** Period of the internal POST /v1/maintenance/sweep. Default 60000; 0 disables. */
  sweepIntervalMs?: number;
  /**
   * With notifyUrl: period of the internal POST /v1/maintenance/notify, which also runs
   * right after every request that is not a GET or HEAD. Default 1000; 0 = only after requests.
   */
  notifyIntervalMs?: number;
  /** Period of the calendar sync (experts' iCalendar feeds to busy blocks, PUT /v1/experts/{id}/calendars). Default 300000; 0 disables. */
  calendarSyncIntervalMs?: number;
  /** Token bucket per client address on POST /v1/reservations (burst the same). Default 60; 0 disables. 429 rate_limited. */
  rateLimitPerMinute?: number;
  /**
   * Behind trusted proxies, take the client address from X-Forwarded-For: the entry the
   * outermost trusted proxy appended (true: one hop, the last entry; a number: that many
   * hops, the entry that far from the right). Never the client-written leftmost entry. Default false.
   */
  trustProxy?: boolean | number;
  /**
   * Requests in flight at once, counted once their body has arrived; past it 503 overloaded.
   * An eighth of it (at least 1, with a cap of 2 or more) is kept for the Stripe webhook and
   * GET /healthz. Default 256; 0 disables.
   */
  maxInFlight?: number;
  /** Largest accepted request body in bytes (413 above). Default 1 MiB; 1 KiB for GET/HEAD/DELETE, 16 KiB for POST /v1/reservations. */
  bodyLimit?: number;
  /** The built-in server (listen()): a request's headers must arrive within this, in ms, else 408 and the connection closes. Default 10000. */
  headersTimeoutMs?: number;
  /** A request's body must arrive within this many ms after its headers, else 408 request_timeout and the connection closes. Default 10000. */
  bodyTimeoutMs?: number;
  /** How long close() waits for requests in flight. Default 10000. */
  shutdownTimeoutMs?: number;
  /**
   * A folder of static files (e.g. examples/booking-page) served at `/` for GET and
   * HEAD; API paths (/v1/..., /healthz, /metrics) still go to the core. Default: none.
   */
  pageDir?: string;
  /** Default: JSON lines on stdout. */
  logger?: Logger;
  /** Minimum level logged. Default 'info'. */
  logLevel?: LogLevel;
  /** Replaces the fetch adapter (tests, proxies). */
  fetch?: FetchAdapter;
  /** Replaces the clock, in Unix milliseconds (tests). */
  now?: () => number;
}

/** A request as a plain object: `url` (path and query) or `path` + `query`. */
export interface SlotguardRequest {
  method?: string;
  url?: string;
  path?: string;
  query?: string | Record<string, string>;
  headers?: Record<string, string | string[] | undefined> | [string, string][] | Iterable<[string, string]>;
  body?: Uint8Array | ArrayBuffer | string;
  /** The client's address, for the rate limit on POST /v1/reservations (not limited without it). */
  remoteAddress?: string;
}

export interface SlotguardResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface SlotguardStats {
  /** Module instances created so far (1 + traps recovered). */
  generation: number;
  traps: number;
  /** Requests inside the host (including those waiting for an instance). */
  inFlight: number;
  /** Tasks alive in the current instance. */
  tasks: number;
  kind: 'wasi' | 'emscripten' | null;
}

export interface Slotguard {
  /** Runs one request through the core. For embedding (Express, Next.js route handlers). */
  handle(request: SlotguardRequest): Promise<SlotguardResponse>;
  /** A node:http request listener (1 MiB body limit, raw body passed through). */
  handleNodeRequest(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): Promise<void>;
  toNodeHandler(): (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => Promise<void>;
  /** Starts the built-in HTTP server. Resolves to its base URL. Defaults: 8787, 127.0.0.1. */
  listen(port?: number, host?: string): Promise<string>;
  /** The base URL once listening, else null. */
  readonly url: string | null;
  readonly server: import('node:http').Server;
  readonly adminToken: string;
  readonly store: StoreAdapter;
  /** Runs one maintenance sweep now. */
  sweep(): Promise<void>;
  /** Runs one calendar sync pass now; its counts of feeds applied, failed (kept their last good blocks) and refused, or null when the core's feed list could not be had. */
  syncCalendars(): Promise<{ applied: number; failed: number; refused: number } | null>;
  /** Runs one notification run now (nothing without notifyUrl). */
  notify(): Promise<void>;
  stats(): SlotguardStats;
  /** Graceful shutdown: stop accepting, finish requests in flight (up to shutdownTimeoutMs), stop the sweep, close the store. */
  close(): Promise<void>;
}

export function createSlotguard(options?: SlotguardOptions): Promise<Slotguard>;

/** A notification as the app receives it. */
export interface SlotguardNotification {
  /** ntf_...; the same on every delivery attempt: deduplicate by it. */
  id: string;
  type: 'reservation.held' | 'reservation.confirmed' | 'reservation.rescheduled' | 'reservation.released' | 'reservation.refunded';
  /** Unix seconds. */
  created: number;
  data: { reservation: Record<string, unknown> };
}

/**
 * Checks a notification's Slotguard-Signature (t=<unix s>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>)
 * over the raw body, in constant time, and returns the parsed notification. Throws an
 * Error for a missing or malformed header, a timestamp outside the tolerance (default
 * 300 s), or no matching signature.
 * @param secrets the notify secret, several comma-separated, or an array
 */
export function verifyNotification(
  rawBody: string | Uint8Array | ArrayBuffer,
  header: string | string[] | undefined | null,
  secrets: string | string[],
  options?: { toleranceSeconds?: number },
): SlotguardNotification;

export function createSqliteStore(options?: { path?: string; busyTimeoutMs?: number }): StoreAdapter & { readonly path: string };
export function createMemoryStore(): StoreAdapter & { readonly size: number };
/** The PostgreSQL store: applies its migrations, then resolves. Give `url` or `pool`. */
export function createPostgresStore(options: {
  url?: string;
  pool?: PgPool;
  poolSize?: number;
  statementTimeoutMs?: number;
  log?: (fields: Record<string, unknown>) => void;
}): Promise<StoreAdapter & { readonly kind: 'postgres'; readonly pool: PgPool }>;
export const DEFAULT_PG_POOL_SIZE: number;
export const DEFAULT_PG_STATEMENT_TIMEOUT_MS: number;
export function createFetchAdapter(options?: { fetchImpl?: typeof fetch; defaultTimeoutMs?: number }): FetchAdapter;
export function createLogger(logger?: Logger, level?: LogLevel): (record: Omit<LogRecord, 'time'>) => void;

/** An error a custom adapter may throw to pick the host status: 1 failed, 2 timed out. */
export class HostCallError extends Error {
  constructor(message: string, hostStatus?: 1 | 2);
  hostStatus: 1 | 2;
}

export const DEFAULT_DB_PATH: string;
export const DEFAULT_WASM_DIR: string;
export const BODY_LIMIT: number;
