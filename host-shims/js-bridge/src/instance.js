// One live module instance and the tasks in flight on it.
//
// Every export call goes through `call`: if it throws (a trap, or an exception that
// unwound through the module), the instance is unusable, so it is marked dead and every
// request in flight on it is answered 500 at once. Host work still running for those
// tasks finds the instance dead when it completes and is dropped.
import { createHostImports } from './host-imports.js';
import { decodeResponse } from './envelope.js';
import { internalError, startFailure, unavailable } from './responses.js';

const TASK_WAITING = 1;
const TASK_DONE = 2;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** @typedef {import('./envelope.js').BridgeResponse} BridgeResponse */
/** @typedef {import('./host-calls.js').Perform} Perform */
/** @typedef {import('./task-runner.js').LogLevel} LogLevel */
/**
 * @typedef {object} Services  what an instance needs of its host
 * @property {() => number} now  Unix milliseconds
 * @property {(view: Uint8Array) => void} getRandomValues  a CSPRNG
 * @property {(level: LogLevel, line: string) => void} log  the module's own log lines
 * @property {(level: LogLevel, fields: object) => void} logHost  the host's records
 */

export class TrapError extends Error {
  /** @param {any} cause  what the export call threw */
  constructor(cause) {
    super(`the module trapped: ${cause?.message ?? cause}`, { cause });
    this.name = 'TrapError';
  }
}

/**
 * @param {object} o
 * @param {import('./raw-instance.js').Loader} o.loader  wasiLoader(...) or emscriptenLoader(...)
 * @param {Uint8Array} o.config  configuration JSON for sg_init
 * @param {Perform} o.perform  carries out a host call; never rejects
 * @param {Services} o.services
 * @param {(instance: Instance, error: unknown) => void} o.onDead
 * @param {number} o.id  the instance's generation, for the logs
 * @returns {Promise<Instance>}
 */
export async function createInstance({ loader, config, perform, services, onDead, id }) {
  const inst = new Instance({ perform, services, onDead, id });
  const imports = createHostImports({
    memory: () => inst.raw.memory(),
    submit: (task, op, payload) => inst.submitted.set(task, { op, payload }),
    now: services.now,
    getRandomValues: services.getRandomValues,
    log: services.log,
  });
  inst.raw = await loader({ imports, logText: (level, text) => services.logHost(level, { event: 'module_output', text }) });
  const status = inst.withInput(config, (ptr, len) => inst.call(inst.raw.init, ptr, len));
  if (status === null) throw new Error('the module ran out of memory before sg_init');
  if (status !== 0) throw new ConfigurationError(inst.initError() ?? `sg_init refused the configuration (status ${status})`, status);
  return inst;
}

/** The core refused the configuration; the message is the core's own reason. */
export class ConfigurationError extends Error {
  /** @param {string} reason  @param {number} status  sg_init's status */
  constructor(reason, status) {
    super(`slotguard configuration: ${reason}`);
    this.name = 'ConfigurationError';
    this.status = status;
  }
}

/**
 * The answer of the module's last sg_describe or sg_describe_request (module-owned).
 * @param {import('./raw-instance.js').RawInstance} raw
 */
export function readAnswer(raw) {
  const ptr = raw.answerPtr() >>> 0;
  const len = raw.answerLen() >>> 0;
  return decoder.decode(raw.memory().slice(ptr, ptr + len));
}

export class Instance {
  /**
   * @param {object} o
   * @param {Perform} o.perform
   * @param {Services} o.services
   * @param {(instance: Instance, error: unknown) => void} o.onDead
   * @param {number} o.id
   */
  constructor({ perform, services, onDead, id }) {
    this.id = id;
    this.perform = perform;
    this.services = services;
    this.onDead = onDead;
    /** @type {import('./raw-instance.js').RawInstance} set by createInstance once loaded */
    this.raw = /** @type {any} */ (null);
    this.dead = false;
    /** @type {Map<number, (response: BridgeResponse) => void>} */
    this.tasks = new Map(); // task id -> resolve(response)
    /** @type {Map<number, Perform>} */
    this.performs = new Map(); // task id -> its own host-call performer, when the run gave one
    /** @type {Map<number, {op: string, payload: Uint8Array}>} */
    this.submitted = new Map(); // task id -> {op, payload}, filled by imports during a call
  }

  /**
   * Calls an export; a throw kills the instance.
   * @template {(...args: any[]) => any} F
   * @param {F} fn  @param {Parameters<F>} args  @returns {ReturnType<F>}
   */
  call(fn, ...args) {
    if (this.dead) throw new TrapError(new Error('the instance is dead'));
    try {
      return fn(...args);
    } catch (error) {
      this.kill(error);
      throw error instanceof TrapError ? error : new TrapError(error);
    }
  }

  /** @param {unknown} error  why the instance is dead */
  kill(error) {
    if (this.dead) return;
    this.dead = true;
    const waiting = [...this.tasks.values()];
    this.tasks.clear();
    this.submitted.clear();
    this.performs.clear();
    for (const resolve of waiting) resolve(internalError());
    this.onDead(this, error);
  }

  /** Why the last sg_init refused its configuration; null when the module cannot say. */
  initError() {
    if (!this.raw.initErrorPtr || !this.raw.initErrorLen) return null;
    const ptr = this.call(this.raw.initErrorPtr) >>> 0;
    const len = this.call(this.raw.initErrorLen) >>> 0;
    if (ptr === 0 || len === 0) return null;
    return decoder.decode(this.raw.memory().slice(ptr, ptr + len));
  }

  /**
   * How to route and limit a request: the core's route table answers (wasm/ABI.md,
   * "Describing a request"). Null when the module could not decode the envelope.
   * @param {Uint8Array} envelope  a request envelope (the body may be empty)
   * @returns {import('./contract.js').RequestDescription | null}
   */
  describeRequest(envelope) {
    const status = this.withInput(envelope, (ptr, len) => this.call(this.raw.describeRequest, ptr, len));
    return status === 0 ? JSON.parse(readAnswer(this.raw)) : null;
  }

  /**
   * Copies bytes into module memory for one export call, then frees them.
   * @template T
   * @param {Uint8Array} bytes  @param {(ptr: number, len: number) => T} use
   * @returns {T | null} null when the module could not allocate
   */
  withInput(bytes, use) {
    const ptr = this.call(this.raw.alloc, bytes.length) >>> 0;
    if (ptr === 0) return null;
    this.raw.memory().set(bytes, ptr);
    const result = use(ptr, bytes.length);
    // After a trap, memory belongs to nobody: do not touch it.
    if (!this.dead) this.call(this.raw.free, ptr);
    return result;
  }

  /**
   * Runs one request envelope to completion. Always resolves with a response.
   * `perform` (optional) carries out this task's host calls instead of the instance's
   * own: the Worker's per-expert mode gives each request the store of its expert.
   * @param {Uint8Array} envelope  @param {Perform | null} [perform]
   * @returns {Promise<BridgeResponse>}
   */
  run(envelope, perform = null) {
    return new Promise((resolve) => {
      let task;
      try {
        task = this.withInput(envelope, (ptr, len) => this.call(this.raw.taskStart, ptr, len));
      } catch {
        resolve(internalError());
        return;
      }
      if (task === null) return resolve(unavailable('out_of_memory', 'the server is out of memory; retry shortly'));
      if (task < 0) return resolve(startFailure(task));
      this.tasks.set(task, resolve);
      if (perform) this.performs.set(task, perform);
      this.advance(task);
    });
  }

  /** After a start or resume: finish the task, or hand its host call to the host.
   * @param {number} task */
  advance(task) {
    try {
      const state = this.call(this.raw.taskState, task);
      if (state === TASK_DONE) return this.finish(task);
      const call = this.submitted.get(task);
      this.submitted.delete(task);
      if (state !== TASK_WAITING || !call) return this.abandon(task, `task in state ${state} without a host call`);
      (this.performs.get(task) ?? this.perform)(call.op, call.payload).then(({ status, answer }) => this.resume(task, status, answer));
    } catch {
      // The trap already answered every task on this instance.
    }
  }

  /** @param {number} task  @param {number} status  @param {Uint8Array | string} answer */
  resume(task, status, answer) {
    // The instance died (or was replaced) while the host was working: nobody waits.
    if (this.dead || !this.tasks.has(task)) return;
    try {
      const bytes = typeof answer === 'string' ? encoder.encode(answer) : answer;
      const rc = this.withInput(bytes, (ptr, len) => this.call(this.raw.taskResume, task, status, ptr, len));
      if (rc === null) return this.abandon(task, 'out of memory for a host answer');
      if (rc !== 0) return this.abandon(task, `sg_task_resume returned ${rc}`);
      this.advance(task);
    } catch {
      // answered by kill()
    }
  }

  /** @param {number} task */
  finish(task) {
    const ptr = this.call(this.raw.outputPtr, task) >>> 0;
    const len = this.call(this.raw.outputLen, task) >>> 0;
    // Copy before sg_task_drop frees the module's buffer.
    const bytes = this.raw.memory().slice(ptr, ptr + len);
    this.call(this.raw.taskDrop, task);
    const resolve = this.tasks.get(task);
    this.tasks.delete(task);
    this.performs.delete(task);
    this.submitted.delete(task); // a module that submitted and then finished: forget it
    let response;
    try {
      response = decodeResponse(bytes);
    } catch (error) {
      this.services.logHost('error', { event: 'bad_response_envelope', error: error.message });
      response = internalError();
    }
    resolve?.(response);
  }

  /** Gives up on one task without killing the instance.
   * @param {number} task  @param {string} reason */
  abandon(task, reason) {
    this.services.logHost('error', { event: 'task_abandoned', reason });
    const resolve = this.tasks.get(task);
    this.tasks.delete(task);
    this.performs.delete(task);
    this.submitted.delete(task);
    if (!this.dead) this.call(this.raw.taskDrop, task);
    resolve?.(internalError());
  }

  /**
   * Test hook: makes the module trap for real, by starting a task from an envelope
   * pointer far outside linear memory (the module's first read of it is out of
   * bounds). Returns whether it trapped; every task in flight is answered 500.
   */
  trapForTest() {
    try {
      this.call(this.raw.taskStart, 0xfffffff0 | 0, 256);
      return false;
    } catch (error) {
      return error instanceof TrapError;
    }
  }

  get inFlight() {
    return this.tasks.size;
  }
}
