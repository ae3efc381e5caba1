// JSON in the core, on RapidJSON: its DOM for what the core reads (request bodies,
// stored records, Stripe answers) and its streaming writer for what it writes
// (responses, stored records, logs, notifications), so no answer builds a tree it
// does not need. Parsing never fails loudly: malformed, too deep, non-UTF-8 or
// NUL-carrying text is refused with nullopt. Typed access on untrusted input goes
// through the helpers below; RapidJSON's own accessors assert their type
// (RAPIDJSON_ASSERT is SG_ASSERT, on in every build), so a caller that skips the check
// traps instead of reading garbage.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "slotguard/base/sg_assert.h"

#ifndef RAPIDJSON_ASSERT
#define RAPIDJSON_ASSERT(x) SG_ASSERT(x)
#endif
#define RAPIDJSON_HAS_STDSTRING 1
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace slotguard {

using JsonValue = rapidjson::Value;
using JsonDoc = rapidjson::Document;

// Rejects bodies nested deeper than max_depth before the parser sees them, so no input
// can exhaust the (small) wasm stack or build a pathological tree.
bool json_depth_within(std::string_view text, int max_depth);

// nullopt when malformed, too deep, not valid UTF-8 or carrying a NUL byte.
std::optional<JsonDoc> parse_json(std::string_view text, int max_depth = 16);

// Typed member access: nullptr / nullopt when `obj` is not an object, the member is
// absent or has another type. Integers must be exact and fit in int64.
const JsonValue* get_member(const JsonValue& obj, std::string_view key);
// "unknown field <prefix><name>" for the first member of `obj`, in key order, whose name
// is not in `known` (so which field a body is refused for does not depend on field
// order; the name cut to 40 bytes), or nullopt when every member is known. Bodies
// refuse what they do not understand: a misspelt field must never keep its default.
std::optional<std::string> unknown_field(const JsonValue& obj, std::initializer_list<std::string_view> known,
                                         std::string_view prefix = {});
// The same rule for a reader that already dispatches on each member's name: its final
// `else` notes the name, so the fields it knows are written once, in the dispatch.
class UnknownField {
 public:
  void note(std::string_view name) {
    if (!first_ || name < *first_) first_ = name;
  }
  // "unknown field <prefix><name>", or nullopt when nothing was noted.
  std::optional<std::string> message(std::string_view prefix = {}) const;
  // The name noted first in byte order, or nullopt.
  std::optional<std::string_view> name() const { return first_; }

 private:
  std::optional<std::string_view> first_;
};
std::optional<std::string_view> get_string(const JsonValue& obj, std::string_view key);
std::optional<int64_t> get_int(const JsonValue& obj, std::string_view key);
std::optional<bool> get_bool(const JsonValue& obj, std::string_view key);
const JsonValue* get_object(const JsonValue& obj, std::string_view key);
const JsonValue* get_array(const JsonValue& obj, std::string_view key);
// A string value's bytes (the caller checked IsString()).
inline std::string_view string_of(const JsonValue& v) { return {v.GetString(), v.GetStringLength()}; }
// An integer value, exact and within int64; nullopt for anything else.
std::optional<int64_t> int_of(const JsonValue& v);

// One text per value, whatever the key order and whitespace it came with: members
// sorted bytewise (of repeated keys the last), no whitespace, only the quote, the
// backslash and control characters escaped (\b \f \n \r \t, else lower-case \u00xx),
// numbers as nlohmann wrote them: the same bytes as the core's JSON before RapidJSON,
// so fingerprints of idempotency records stored then stay valid. One exception: a
// number with a fraction or an exponent is read at RapidJSON's normal precision and
// may differ from the old reading in its last digit (no field the core reads is one;
// only a retry across the upgrade, with such a number in a field the core ignores,
// gets 422 idempotency_key_reused instead of its replay).
std::string canonical_json(const JsonValue& v);

// Writes one JSON text front to back. Strings are escaped by RapidJSON; the core only
// writes strings it validated as UTF-8 or minted itself. Calls must nest correctly
// (RapidJSON asserts it): take() hands back a complete text.
class JsonWriter {
 public:
  JsonWriter() : w_(buf_) {}
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  JsonWriter& object() { return ok(w_.StartObject()); }
  JsonWriter& end_object() { return ok(w_.EndObject()); }
  JsonWriter& array() { return ok(w_.StartArray()); }
  JsonWriter& end_array() { return ok(w_.EndArray()); }
  // Bytes that are not UTF-8 (which the core never means to write) go out as U+FFFD,
  // so no answer or stored record is ever unreadable JSON.
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view v);
  JsonWriter& value(const std::string& v) { return value(std::string_view(v)); }
  JsonWriter& value(const char* v) { return value(std::string_view(v)); }
  template <class T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  JsonWriter& value(T v) {
    return ok(w_.Int64(static_cast<int64_t>(v)));
  }
  JsonWriter& value(bool v) { return ok(w_.Bool(v)); }
  JsonWriter& value(std::nullptr_t) { return ok(w_.Null()); }
  // A parsed value, copied as it is.
  JsonWriter& value(const JsonValue& v) { return ok(v.Accept(w_)); }
  // A complete JSON text made elsewhere (another writer's take()).
  JsonWriter& raw(std::string_view json) {
    return ok(w_.RawValue(json.data(), json.size(), rapidjson::kObjectType));
  }

  // key + value.
  template <class T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }
  JsonWriter& field(std::string_view k, const char* v) { return key(k).value(std::string_view(v)); }
  // A string that is null when empty.
  JsonWriter& field_or_null(std::string_view k, std::string_view v) {
    key(k);
    return v.empty() ? value(nullptr) : value(v);
  }

  // The finished text. The writer is spent afterwards.
  std::string take();

 private:
  JsonWriter& ok(bool written) {
    SG_ASSERT(written);
    return *this;
  }
  rapidjson::StringBuffer buf_;
  rapidjson::Writer<rapidjson::StringBuffer> w_;
};

}  // namespace slotguard
