// @slotguard/node: the slotguard reservation core (WebAssembly) hosted in Node.
export { createSlotguard } from './slotguard.js';
export { createSqliteStore, DEFAULT_DB_PATH } from './sqlite-store.js';
export { createPostgresStore, DEFAULT_PG_POOL_SIZE, DEFAULT_PG_STATEMENT_TIMEOUT_MS } from './postgres-store.js';
export { createFetchAdapter } from './fetch-adapter.js';
export { createLogger } from './logger.js';
export { DEFAULT_WASM_DIR } from './wasm-files.js';
export { BODY_LIMIT } from './options.js';
export { verifyNotification } from './verify-notification.js';
export { createMemoryStore, HostCallError } from '../../js-bridge/src/index.js';
