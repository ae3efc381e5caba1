# Flags for a libFuzzer build (SLOTGUARD_FUZZ=ON), applied to every target defined
# after this file is included. The libraries get coverage instrumentation without
# libFuzzer's main, so the core itself guides the fuzzer; only the executables in
# tests/fuzz link the fuzzer runtime (-fsanitize=fuzzer, see CMakeLists.txt there).
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "SLOTGUARD_FUZZ needs clang with libFuzzer, e.g. CC=clang-14 CXX=clang++-14")
endif()

# Undefined behaviour must stop the run like a crash, or libFuzzer never reports it.
# -fsanitize=function is left out: clang 14 cannot emit its prologue data next to the
# coverage tables in coroutine frames ("Cannot represent a difference across
# sections"), and the core makes no indirect calls through mistyped pointers for it
# to find.
# pointer-overflow alone is recoverable, so that tests/fuzz/ubsan.supp can pass over
# the one report that is RapidJSON's own (Debian's 1.1.0 compares `nullptr + n` when
# its parse stack is first used); the run still halts on any other (halt_on_error=1).
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=function
                    -fno-sanitize-recover=undefined -fsanitize-recover=pointer-overflow
                    -fno-omit-frame-pointer -g)
add_link_options(-fsanitize=address,undefined)

# Without a build type CMake adds no optimisation at all, which makes executions per
# second several times lower for no gain in what the sanitizers catch. -O2 rather
# than the usual -O1: clang 14 at -O1 with UBSan reports a bogus "invalid bool" load
# of a std::optional held in a coroutine frame (create_reservation), which -O0 and
# -O2 builds, and g++, do not.
if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  add_compile_options(-O2)
endif()
