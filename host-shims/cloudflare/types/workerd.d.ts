// The parts of the Workers runtime (workerd) that the Worker's src uses, for the type
// check of the hosts (tsconfig.json at the repository root). Structural and partial on
// purpose: only what src/ calls is declared. Not shipped (package.json "files").

declare module 'cloudflare:workers' {
  /** A Durable Object class; the runtime passes its state and the Worker's env. */
  export abstract class DurableObject<Env = unknown> {
    protected ctx: DurableObjectState;
    protected env: Env;
    constructor(ctx: DurableObjectState, env: Env);
  }
}

/** The bundler (wrangler, esbuild's loader) turns an imported .wasm file into a compiled module. */
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}

interface SqlStorageCursor<T> {
  toArray(): T[];
  one(): T;
}

interface SqlStorage {
  exec<T = Record<string, any>>(query: string, ...bindings: unknown[]): SqlStorageCursor<T>;
}

interface DurableObjectStorage {
  readonly sql: SqlStorage;
  transactionSync<T>(fn: () => T): T;
}

interface DurableObjectState {
  readonly storage: DurableObjectStorage;
}

interface DurableObjectId {
  toString(): string;
}

/** A Durable Object binding; `get` answers an RPC stub of the object's class (T). */
interface DurableObjectNamespace<T = any> {
  idFromName(name: string): DurableObjectId;
  get(id: DurableObjectId): T;
}

interface D1PreparedStatement {
  bind(...values: unknown[]): D1PreparedStatement;
  all<T = Record<string, any>>(): Promise<{ results: T[] }>;
  run(): Promise<unknown>;
}

interface D1Database {
  prepare(query: string): D1PreparedStatement;
  batch<T = Record<string, any>>(statements: D1PreparedStatement[]): Promise<{ results: T[] }[]>;
}

/** A Hyperdrive binding: a connection string to the pooled PostgreSQL. */
interface Hyperdrive {
  readonly connectionString: string;
}

interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
}

interface ScheduledController {
  readonly scheduledTime: number;
  readonly cron: string;
  noRetry(): void;
}
