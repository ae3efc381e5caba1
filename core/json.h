// nlohmann::json without exceptions. Parsing never throws (parse(..., nullptr, false));
// typed access on untrusted input goes through the helpers below, because a type
// error would abort under -fno-exceptions.
#pragma once
// std::filesystem is absent from the wasm sysroots and never needed here.
#ifndef JSON_HAS_FILESYSTEM
#define JSON_HAS_FILESYSTEM 0
#define JSON_HAS_EXPERIMENTAL_FILESYSTEM 0
#endif
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace slotguard {

using Json = nlohmann::json;

// Rejects bodies nested deeper than max_depth before the recursive parser sees them,
// so no input can exhaust the (small) wasm stack.
bool json_depth_within(std::string_view text, int max_depth);

// nullopt when malformed, too deep or not valid UTF-8.
std::optional<Json> parse_json(std::string_view text, int max_depth = 16);

// Serialises; invalid UTF-8 (which the core never produces) is replaced, not fatal.
std::string dump_json(const Json& j);

const std::string* get_string(const Json& obj, const char* key);
std::optional<int64_t> get_int(const Json& obj, const char* key);
const Json* get_object(const Json& obj, const char* key);
const Json* get_array(const Json& obj, const char* key);

}  // namespace slotguard
