// @slotguard/js-bridge: the JavaScript side of the slotguard ABI (wasm/ABI.md). Shared
// by the Node host and the Cloudflare Worker, so it uses only WebAssembly,
// TextEncoder/TextDecoder and what its caller passes in: no node: modules.
export { wasiLoader } from './load-wasi.js';
export { emscriptenLoader } from './load-emscripten.js';
export { ABI_VERSION } from './raw-instance.js';
export { createTaskRunner } from './task-runner.js';
export { createMemoryStore } from './memory-store.js';
export { compareBytewise } from './bytewise.js';
export { HostCallError, HOST_OK, HOST_FAILED, HOST_TIMEOUT } from './host-calls.js';
export { ConfigurationError, TrapError } from './instance.js';
export { encodeEnvelope, decodeEnvelope, encodeRequest, decodeResponse, headerPairs, toBytes } from './envelope.js';
export { errorResponse, internalError } from './responses.js';
export { bodyLimitOf, tooLarge, undescribedRequest } from './body-limits.js';
export { describeModule, optionName, configFromOptions, configFromEnv, envOf } from './contract.js';
export { busyEventsOf } from './ical-busy.js';
export { syncCalendars, feedFetcher } from './calendar-sync.js';
