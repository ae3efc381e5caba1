/* The slotguard host ABI, version 3. The one place where both sides of the boundary
 * are declared: exports (the module's functions a host calls) and imports (the host's
 * functions the module calls). wasm/ABI.md explains ownership and lifetimes.
 *
 * In a wasm build the imports come from the module "slotguard". In a native build the
 * same declarations are ordinary functions that the test harness tests/abi/abi_host.cpp
 * defines. */
#ifndef SLOTGUARD_ABI_H
#define SLOTGUARD_ABI_H

#include <stdint.h>

#define SG_ABI_VERSION 3u

/* Status codes returned by exports (negative values never mean a task id). */
typedef enum sg_status {
  SG_OK = 0,
  SG_ERR_NOT_INITIALISED = -1,
  SG_ERR_BAD_CONFIG = -2,
  SG_ERR_BAD_REQUEST = -3,   /* the request envelope could not be decoded */
  SG_ERR_UNKNOWN_TASK = -4,
  SG_ERR_NOT_WAITING = -5,   /* resume of a task that is not waiting on a host call */
  SG_ERR_NOT_DONE = -6,      /* output of a task that has not finished */
  SG_ERR_OUT_OF_MEMORY = -7,
} sg_status;

/* What sg_describe answers about the module itself (JSON, see wasm/ABI.md). */
typedef enum sg_describe_what {
  SG_DESCRIBE_CONFIG = 1, /* the configuration schema: every setting sg_init takes */
  SG_DESCRIBE_ROUTES = 2, /* the route table: name, method, pattern, auth, scope */
} sg_describe_what;

/* Task states returned by sg_task_state. */
typedef enum sg_task_phase {
  SG_TASK_WAITING = 1, /* submitted a host call; resume it with sg_task_resume */
  SG_TASK_DONE = 2,    /* the response is ready: sg_task_output */
} sg_task_phase;

/* What a host call asks for (the `op` passed to sg_task_resume's caller is implied by
 * which import was called; these values appear in logs and the native shim). */
typedef enum sg_host_op {
  SG_OP_STORE_READ = 1,
  SG_OP_STORE_LIST = 2,
  SG_OP_STORE_COMMIT = 3,
  SG_OP_HTTP_FETCH = 4,
} sg_host_op;

/* Status a host passes to sg_task_resume. */
typedef enum sg_host_status {
  SG_HOST_OK = 0,        /* payload is the answer */
  SG_HOST_FAILED = 1,    /* the operation failed (I/O error); payload: a message */
  SG_HOST_TIMEOUT = 2,   /* it did not finish in time */
} sg_host_status;

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__EMSCRIPTEN__)
/* Emscripten: exports are listed at link time; imports come from wasm/emscripten_imports.js,
 * which forwards them to the `slotguardHost` object a host passes to the factory. */
#define SG_EXPORT(name) __attribute__((used))
#define SG_IMPORT(name)
#elif defined(__wasm__)
#define SG_EXPORT(name) __attribute__((export_name(#name), used))
#define SG_IMPORT(name) __attribute__((import_module("slotguard"), import_name(#name)))
#else
#define SG_EXPORT(name)
#define SG_IMPORT(name)
#endif

/* ---- exports ---- */
SG_EXPORT(sg_abi_version) uint32_t sg_abi_version(void);
/* Memory the host fills with input. Freed by the host with sg_free after the call it
 * was passed to returns (the module copies what it keeps). */
SG_EXPORT(sg_alloc) uint8_t* sg_alloc(uint32_t size);
SG_EXPORT(sg_free) void sg_free(uint8_t* ptr);
/* Configuration JSON (wasm/ABI.md lists the fields). Re-initialising replaces the
 * engine and drops every task. */
SG_EXPORT(sg_init) int32_t sg_init(const uint8_t* config_json, uint32_t len);
/* Why the last sg_init returned SG_ERR_BAD_CONFIG: UTF-8 text (no NUL), e.g.
 * "checkout_minutes must be an integer in [30, 1438]". Pointer and length, owned by the
 * module, valid until the next sg_init; empty after an sg_init that succeeded. A host
 * finds these two by name: modules built before them lack them (see wasm/ABI.md). */
SG_EXPORT(sg_init_error_ptr) const uint8_t* sg_init_error_ptr(void);
SG_EXPORT(sg_init_error_len) uint32_t sg_init_error_len(void);
/* Starts a request task from a request envelope. Returns a task id (> 0) or a
 * negative sg_status. Before it returns, the task has either finished or submitted
 * exactly one host call through an import. */
SG_EXPORT(sg_task_start) int32_t sg_task_start(const uint8_t* envelope, uint32_t len);
/* Resumes a waiting task with the host's answer. Same contract as sg_task_start: on
 * return the task has finished or submitted its next host call. */
SG_EXPORT(sg_task_resume) int32_t sg_task_resume(int32_t task, int32_t host_status, const uint8_t* payload, uint32_t len);
/* SG_TASK_WAITING, SG_TASK_DONE, or a negative sg_status. */
SG_EXPORT(sg_task_state) int32_t sg_task_state(int32_t task);
/* The response envelope of a finished task: pointer and length, owned by the module,
 * valid until sg_task_drop (or sg_init). */
SG_EXPORT(sg_task_output_ptr) const uint8_t* sg_task_output_ptr(int32_t task);
SG_EXPORT(sg_task_output_len) uint32_t sg_task_output_len(int32_t task);
/* Forgets a task, finished or not. */
SG_EXPORT(sg_task_drop) void sg_task_drop(int32_t task);
/* Tasks alive in this instance. */
SG_EXPORT(sg_tasks_in_flight) uint32_t sg_tasks_in_flight(void);
/* Describes the module (an sg_describe_what) as JSON in the answer buffer. Needs no
 * sg_init, so a host can read the configuration schema before it builds the
 * configuration. SG_OK, or SG_ERR_BAD_REQUEST for an unknown `what`. */
SG_EXPORT(sg_describe) int32_t sg_describe(uint32_t what);
/* How to route and limit a request (a request envelope; the body may be empty when the
 * host has not read it yet): its route, normalised path, body limit, whether the hold
 * rate limit applies, and its scope (whose data it touches), as JSON in the answer
 * buffer. SG_OK, SG_ERR_NOT_INITIALISED or SG_ERR_BAD_REQUEST. */
SG_EXPORT(sg_describe_request) int32_t sg_describe_request(const uint8_t* envelope, uint32_t len);
/* The answer of the last sg_describe or sg_describe_request: pointer and length, owned
 * by the module, valid until the next of those calls. */
SG_EXPORT(sg_answer_ptr) const uint8_t* sg_answer_ptr(void);
SG_EXPORT(sg_answer_len) uint32_t sg_answer_len(void);

/* ---- imports ---- */
/* Host calls submit work and return at once; the host later calls sg_task_resume.
 * The payload pointer is valid only during the import call: copy it. The host must not
 * call into the module from inside an import. Return 0 when accepted; anything else
 * makes the core treat the call as failed (SG_HOST_FAILED) at once. */
SG_IMPORT(store_read) int32_t sg_host_store_read(int32_t task, const uint8_t* payload, uint32_t len);
SG_IMPORT(store_list) int32_t sg_host_store_list(int32_t task, const uint8_t* payload, uint32_t len);
SG_IMPORT(store_commit) int32_t sg_host_store_commit(int32_t task, const uint8_t* payload, uint32_t len);
SG_IMPORT(http_fetch) int32_t sg_host_http_fetch(int32_t task, const uint8_t* payload, uint32_t len);
/* Synchronous services. */
SG_IMPORT(now_ms) int64_t sg_host_now_ms(void);
SG_IMPORT(random_bytes) void sg_host_random_bytes(uint8_t* out, uint32_t len);
SG_IMPORT(log) void sg_host_log(int32_t level, const uint8_t* line, uint32_t len);

#ifdef __cplusplus
}
#endif

#endif /* SLOTGUARD_ABI_H */
