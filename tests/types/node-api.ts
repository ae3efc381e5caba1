// Holds the hand-written declarations of @slotguard/node (host-shims/node/src/index.d.ts)
// to the implementation they describe. Nothing here runs: `npm run typecheck` (tsc, see
// tsconfig.json) fails when a declared export, method or option has no implementation,
// or when a signature differs.
//
// Specifiers ending in index.js resolve to index.d.ts (the declarations); every other
// import below is an implementation module, typed from its JSDoc. As no import can reach
// index.js past index.d.ts (tsc checks only that what it re-exports exists),
// `Implementation` lists, export by export, the module that index.js re-exports it from.
//
// Options: the host reads every option through SlotguardOptions (options.js), and its
// HostOption list must name declared options only (checked there and below). The core's
// settings are named by the module's own schema at run time (js-bridge/src/contract.js),
// which no type check can see.
import type * as Declared from '../../host-shims/node/src/index.js';
import type * as slotguard from '../../host-shims/node/src/slotguard.js';
import type * as sqliteStore from '../../host-shims/node/src/sqlite-store.js';
import type * as postgresStore from '../../host-shims/node/src/postgres-store.js';
import type * as fetchAdapter from '../../host-shims/node/src/fetch-adapter.js';
import type * as logger from '../../host-shims/node/src/logger.js';
import type * as wasmFiles from '../../host-shims/node/src/wasm-files.js';
import type * as options from '../../host-shims/node/src/options.js';
import type * as verify from '../../host-shims/node/src/verify-notification.js';
import type * as bridge from '../../host-shims/js-bridge/src/index.js';
import type * as hostCalls from '../../host-shims/js-bridge/src/host-calls.js';

/** Fails to compile unless T is true. */
type Assert<T extends true> = T;
/** true when A and B are the same type (not merely assignable one way). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

// --- The package's value exports, as index.js wires them ---------------------------------

type Implementation = {
  createSlotguard: typeof slotguard.createSlotguard;
  createSqliteStore: typeof sqliteStore.createSqliteStore;
  DEFAULT_DB_PATH: typeof sqliteStore.DEFAULT_DB_PATH;
  createPostgresStore: typeof postgresStore.createPostgresStore;
  DEFAULT_PG_POOL_SIZE: typeof postgresStore.DEFAULT_PG_POOL_SIZE;
  DEFAULT_PG_STATEMENT_TIMEOUT_MS: typeof postgresStore.DEFAULT_PG_STATEMENT_TIMEOUT_MS;
  createFetchAdapter: typeof fetchAdapter.createFetchAdapter;
  createLogger: typeof logger.createLogger;
  DEFAULT_WASM_DIR: typeof wasmFiles.DEFAULT_WASM_DIR;
  BODY_LIMIT: typeof options.BODY_LIMIT;
  verifyNotification: typeof verify.verifyNotification;
  createMemoryStore: typeof bridge.createMemoryStore;
  HostCallError: typeof bridge.HostCallError;
};

// Every declared export is implemented, and nothing is implemented but not declared.
export type ExportNames = Assert<Equal<keyof Implementation, keyof typeof Declared>>;

// Each implementation is assignable to its declaration: it accepts every argument the
// declaration allows (parameters are compared strictly) and returns what it promises.
declare const implementation: Implementation;
export const exportsAsDeclared: typeof Declared = implementation;

// --- The object createSlotguard resolves to ----------------------------------------------

type SlotguardImpl = Awaited<ReturnType<typeof slotguard.createSlotguard>>;
declare const host: SlotguardImpl;
export const hostAsDeclared: Declared.Slotguard = host;
// The reverse: no member is public that index.d.ts does not declare.
export type SlotguardMembers = Assert<Equal<keyof SlotguardImpl, keyof Declared.Slotguard>>;

// createSlotguard takes exactly the declared options.
export type SlotguardOptionsTaken = Assert<
  Equal<NonNullable<Parameters<typeof slotguard.createSlotguard>[0]>, Declared.SlotguardOptions>
>;
// Every host option the implementation names is a declared option.
export type HostOptionsDeclared = Assert<Equal<Extract<options.HostOption, keyof Declared.SlotguardOptions>, options.HostOption>>;

// --- Adapters a caller passes in, and the ones the package makes ---------------------------

// A store or fetch adapter typed by the declarations is what the bridge calls, and the
// bridge's own (the memory store) satisfies the declarations.
declare const declaredStore: Declared.StoreAdapter;
declare const bridgeStore: hostCalls.StoreAdapter;
export const storeForBridge: hostCalls.StoreAdapter = declaredStore;
export const storeAsDeclared: Declared.StoreAdapter = bridgeStore;
declare const declaredFetch: Declared.FetchAdapter;
declare const bridgeFetch: hostCalls.FetchAdapter;
export const fetchForBridge: hostCalls.FetchAdapter = declaredFetch;
export const fetchAsDeclared: Declared.FetchAdapter = bridgeFetch;
