// The project's own files, for the tests that hold code, docs and examples together
// (error codes against docs/openapi.yaml, metric names against the alert rules). They
// read the checkout the tests were built from, or the tree SLOTGUARD_SOURCE_DIR names,
// so a test can be shown failing on an edited copy without touching the checkout.
#pragma once
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace slotguard::testing {

inline std::filesystem::path source_root() {
  const char* dir = std::getenv("SLOTGUARD_SOURCE_DIR");
  return dir && *dir ? dir : SLOTGUARD_SOURCE_DIR;
}

inline std::string read_text_file(const std::filesystem::path& path) {
  INFO("reading " << path);
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::string read_source_file(const std::string& relative) { return read_text_file(source_root() / relative); }

}  // namespace slotguard::testing
