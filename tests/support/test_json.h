// JSON as the tests and the simulation see it: nlohmann's DOM, for building request
// bodies and Stripe answers and for picking apart what the core answered. The core
// itself reads and writes JSON with RapidJSON (core/slotguard/base/json.h); keeping the tests on a
// different library means every answer is checked by a second parser.
#pragma once
#ifndef JSON_NOEXCEPTION
#define JSON_NOEXCEPTION 1
#endif
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace slotguard::testing {

using Json = nlohmann::json;

// nullopt when malformed or deeper than max_depth.
std::optional<Json> read_json(std::string_view text, int max_depth = 64);
std::string write_json(const Json& j);

// Typed member access: nullptr / nullopt when absent or of another type.
const std::string* json_string(const Json& obj, const char* key);
std::optional<int64_t> json_int(const Json& obj, const char* key);
const Json* json_object(const Json& obj, const char* key);
const Json* json_array(const Json& obj, const char* key);

}  // namespace slotguard::testing
