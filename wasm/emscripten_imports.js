// Emscripten side of the ABI's imports: each forwards to the `slotguardHost` object
// the host passes to the factory (the same functions the wasi build imports from the
// "slotguard" module). See wasm/ABI.md.
mergeInto(LibraryManager.library, {
  sg_host_store_read: function (task, ptr, len) { return Module['slotguardHost'].store_read(task, ptr, len); },
  sg_host_store_list: function (task, ptr, len) { return Module['slotguardHost'].store_list(task, ptr, len); },
  sg_host_store_commit: function (task, ptr, len) { return Module['slotguardHost'].store_commit(task, ptr, len); },
  sg_host_http_fetch: function (task, ptr, len) { return Module['slotguardHost'].http_fetch(task, ptr, len); },
  sg_host_now_ms: function () { return BigInt(Module['slotguardHost'].now_ms()); },
  sg_host_random_bytes: function (ptr, len) { Module['slotguardHost'].random_bytes(ptr, len); },
  sg_host_log: function (level, ptr, len) { Module['slotguardHost'].log(level, ptr, len); },
});
