#include "slotguard/base/json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <vector>

#include "slotguard/base/utf8.h"

namespace slotguard {

bool json_depth_within(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') {
      if (++depth > max_depth) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

namespace {

bool strings_are_utf8(const JsonValue& v) {
  if (v.IsString()) return is_valid_utf8(string_of(v));
  if (v.IsArray()) {
    for (const JsonValue& item : v.GetArray())
      if (!strings_are_utf8(item)) return false;
  } else if (v.IsObject()) {
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it)
      if (!is_valid_utf8(string_of(it->name)) || !strings_are_utf8(it->value)) return false;
  }
  return true;
}

}  // namespace

std::optional<JsonDoc> parse_json(std::string_view text, int max_depth) {
  // JSON text never contains a NUL byte; RapidJSON's string reader would stop at one,
  // so refuse it rather than silently ignore what follows.
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  if (!json_depth_within(text, max_depth)) return std::nullopt;
  JsonDoc doc;
  // Iterative: no recursion on input. Encoding validated: every string the core keeps
  // is UTF-8. Trailing text after the value is an error (RapidJSON's default).
  // Normal precision: the core reads no fractions, and RapidJSON 1.1's full-precision
  // path passes zero to clz on a zero with a large negative exponent ("0E-74").
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
  doc.Parse<kFlags>(text.data(), text.size());
  if (doc.HasParseError()) return std::nullopt;
  // The flag checks the raw bytes; a \u escape of a lone surrogate (\udc00) still
  // decodes to bytes that are not UTF-8. Only text with an escape needs the second look.
  if (text.find("\\u") != std::string_view::npos && !strings_are_utf8(doc)) return std::nullopt;
  return doc;
}

std::optional<std::string> unknown_field(const JsonValue& obj, std::initializer_list<std::string_view> known,
                                         std::string_view prefix) {
  if (!obj.IsObject()) return std::nullopt;
  UnknownField unknown;
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    const std::string_view name = string_of(it->name);
    if (std::find(known.begin(), known.end(), name) == known.end()) unknown.note(name);
  }
  return unknown.message(prefix);
}

std::optional<std::string> UnknownField::message(std::string_view prefix) const {
  if (!first_) return std::nullopt;
  return "unknown field " + std::string(prefix) + quoted_name(*first_, 40);
}

const JsonValue* get_member(const JsonValue& obj, std::string_view key) {
  if (!obj.IsObject()) return nullptr;
  // Of repeated keys the last one counts, as it always has here.
  const JsonValue* found = nullptr;
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it)
    if (string_of(it->name) == key) found = &it->value;
  return found;
}

std::optional<std::string_view> get_string(const JsonValue& obj, std::string_view key) {
  const JsonValue* v = get_member(obj, key);
  if (!v || !v->IsString()) return std::nullopt;
  return string_of(*v);
}

std::optional<int64_t> int_of(const JsonValue& v) {
  // IsInt64 is false for fractions, exponents written as doubles and anything beyond
  // int64, so only exact integers pass.
  if (!v.IsInt64()) return std::nullopt;
  return v.GetInt64();
}

std::optional<int64_t> get_int(const JsonValue& obj, std::string_view key) {
  const JsonValue* v = get_member(obj, key);
  if (!v) return std::nullopt;
  return int_of(*v);
}

std::optional<bool> get_bool(const JsonValue& obj, std::string_view key) {
  const JsonValue* v = get_member(obj, key);
  if (!v || !v->IsBool()) return std::nullopt;
  return v->GetBool();
}

const JsonValue* get_object(const JsonValue& obj, std::string_view key) {
  const JsonValue* v = get_member(obj, key);
  return v && v->IsObject() ? v : nullptr;
}

const JsonValue* get_array(const JsonValue& obj, std::string_view key) {
  const JsonValue* v = get_member(obj, key);
  return v && v->IsArray() ? v : nullptr;
}

namespace {

void canonical_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

// Integers as such; other numbers as nlohmann wrote them (shortest digits, a '.' or
// an exponent e+XX / e-XX), so stored fingerprints of bodies with fractions still match.
void canonical_number(std::string& out, const JsonValue& v) {
  char buf[40];
  char* end = buf;
  if (v.IsInt64()) end = std::to_chars(buf, buf + sizeof buf, v.GetInt64()).ptr;
  else if (v.IsUint64()) end = std::to_chars(buf, buf + sizeof buf, v.GetUint64()).ptr;
  else {
    double d = v.GetDouble();  // finite: the parser refuses what is not
    if (std::signbit(d)) *end++ = '-', d = -d;
    if (d == 0) {
      out.append(buf, end);
      out += "0.0";
      return;
    }
    char* digits = end;
    int k = 0, e = 0;  // digits[0..k) * 10^e
    rapidjson::internal::Grisu2(d, digits, &k, &e);
    const int n = k + e;  // where the point goes
    if (k <= n && n <= 15) {  // digits[000].0
      std::memset(digits + k, '0', n - k);
      std::memcpy(digits + n, ".0", 2);
      end = digits + n + 2;
    } else if (0 < n && n <= 15) {  // dig.its
      std::memmove(digits + n + 1, digits + n, k - n);
      digits[n] = '.';
      end = digits + k + 1;
    } else if (-4 < n && n <= 0) {  // 0.[000]digits
      std::memmove(digits + 2 - n, digits, k);
      digits[0] = '0', digits[1] = '.';
      std::memset(digits + 2, '0', -n);
      end = digits + 2 - n + k;
    } else {  // d[.igits]e+XX
      if (k > 1) std::memmove(digits + 2, digits + 1, k - 1), digits[1] = '.';
      end = digits + (k > 1 ? k + 1 : 1);
      *end++ = 'e';
      int x = n - 1;
      *end++ = x < 0 ? '-' : '+';
      if (x < 0) x = -x;
      if (x < 10) *end++ = '0';
      end = std::to_chars(end, buf + sizeof buf, x).ptr;
    }
  }
  out.append(buf, end);
}

void canonical_into(std::string& out, const JsonValue& v) {
  if (v.IsObject()) {
    std::vector<const JsonValue::Member*> members;
    members.reserve(v.MemberCount());
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) members.push_back(&*it);
    // Bytewise, as std::string compares; of repeated keys the last one counts.
    std::stable_sort(members.begin(), members.end(), [](const JsonValue::Member* a, const JsonValue::Member* b) {
      return string_of(a->name) < string_of(b->name);
    });
    out += '{';
    bool first = true;
    for (size_t i = 0; i < members.size(); ++i) {
      if (i + 1 < members.size() && string_of(members[i]->name) == string_of(members[i + 1]->name)) continue;
      if (!first) out += ',';
      first = false;
      canonical_string(out, string_of(members[i]->name));
      out += ':';
      canonical_into(out, members[i]->value);
    }
    out += '}';
  } else if (v.IsArray()) {
    out += '[';
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      if (i) out += ',';
      canonical_into(out, v[i]);
    }
    out += ']';
  } else if (v.IsString()) {
    canonical_string(out, string_of(v));
  } else if (v.IsNumber()) {
    canonical_number(out, v);
  } else if (v.IsBool()) {
    out += v.GetBool() ? "true" : "false";
  } else {
    out += "null";
  }
}

}  // namespace

std::string canonical_json(const JsonValue& v) {
  std::string out;
  canonical_into(out, v);
  return out;
}

JsonWriter& JsonWriter::key(std::string_view k) {
  if (!is_valid_utf8(k)) {
    const std::string fixed = replace_invalid_utf8(k);
    return ok(w_.Key(fixed.data(), static_cast<rapidjson::SizeType>(fixed.size()), true));
  }
  return ok(w_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())));
}

JsonWriter& JsonWriter::value(std::string_view v) {
  if (!is_valid_utf8(v)) {
    const std::string fixed = replace_invalid_utf8(v);
    return ok(w_.String(fixed.data(), static_cast<rapidjson::SizeType>(fixed.size()), true));
  }
  return ok(w_.String(v.data(), static_cast<rapidjson::SizeType>(v.size())));
}

std::string JsonWriter::take() {
  SG_ASSERT(w_.IsComplete());
  return std::string(buf_.GetString(), buf_.GetSize());
}

}  // namespace slotguard
