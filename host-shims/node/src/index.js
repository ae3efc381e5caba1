// @slotguard/node: the slotguard reservation core (WebAssembly) hosted in Node.
export { createSlotguard } from './slotguard.js';
export { createSqliteStore, DEFAULT_DB_PATH } from './sqlite-store.js';
export { createFetchAdapter } from './fetch-adapter.js';
export { createLogger } from './logger.js';
export { DEFAULT_WASM_DIR } from './wasm-files.js';
export { BODY_LIMIT } from './options.js';
export { createMemoryStore, HostCallError } from '../../js-bridge/src/index.js';
