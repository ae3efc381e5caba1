#include "slotguard/base/record_fields.h"

namespace slotguard::fields {

std::string Problem::message() const {
  switch (kind) {
    case Kind::Missing: return field + " is required";
    case Kind::Unknown: return "unknown field " + field;
    case Kind::Invalid: break;
  }
  return field + " must be " + hint;
}

bool Reading::fail(Problem::Kind kind, std::string_view field, std::string hint) const {
  if (problem) *problem = Problem{kind, std::string(field), std::move(hint)};
  return false;
}

bool nested_problem(std::string_view name, const Reading& how) {
  if (how.problem)
    how.problem->field = how.problem->field.empty() ? std::string(name) : std::string(name) + "." + how.problem->field;
  return false;
}

bool read_value(std::vector<std::string>& out, const JsonValue& v) {
  if (!v.IsArray()) return false;
  out.clear();
  for (const auto& s : v.GetArray()) {
    if (!s.IsString()) return false;
    out.emplace_back(string_of(s));
  }
  return true;
}

void write_value(JsonWriter& w, const std::vector<std::string>& v) {
  w.array();
  for (const auto& s : v) w.value(s);
  w.end_array();
}

}  // namespace slotguard::fields
