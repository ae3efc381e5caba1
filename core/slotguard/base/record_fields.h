// Records described once. A stored record's fields used to be written four times: the
// struct, its writer, its reader (an `else if (k == "...")` chain, where a field left
// out silently read back as its default) and its API view. Here each record has one
// table with a row per member: the name it is stored under, whether it must be present,
// how it is read and written, and how the API shows it. The writer, the reader and the
// view walk the table, and `static_assert(covers<R>(rows))` beside each table stops the
// build when the struct gains a member that has no row.
#pragma once
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "slotguard/base/json.h"
#include "slotguard/base/sg_assert.h"

namespace slotguard::fields {

enum class Presence : uint8_t {
  Required,  // always written; a record (or request) without it is refused
  Always,    // always written; absent, it reads as the struct's default
  Optional,  // written unless it is at the struct's default; absent, it reads as that default
};

// The first thing wrong with what was read, for a request's 422 message.
struct Problem {
  enum class Kind { Missing, Invalid, Unknown } kind = Kind::Invalid;
  std::string field;  // its path: "price.amount"
  std::string hint;   // Invalid: what a valid value is ("an integer from 5 to 720")
  std::string message() const;
};

// How a record is read. A stored record may carry members a later version wrote, and
// they are skipped; a request that names a member no row knows is refused.
struct Reading {
  bool refuse_unknown = false;
  Problem* problem = nullptr;  // set on failure, when given

  bool fail(Problem::Kind kind, std::string_view field, std::string hint = {}) const;
};

// Where a member of one of the plain types lives (at most one is set). Rows of plain
// members share one reader, one writer and one view per record type, which find the
// member through this, instead of a function per member: the tables stay small in the
// module.
template <class R>
struct Slot {
  std::string R::*text = nullptr;
  int64_t R::*integer = nullptr;
  bool R::*flag = nullptr;
  std::vector<std::string> R::*texts = nullptr;
};

template <class R>
struct Row {
  std::string_view name;
  Presence presence = Presence::Optional;
  // Integers only: a value outside [lo, hi] makes the record unreadable.
  int64_t lo = std::numeric_limits<int64_t>::min();
  int64_t hi = std::numeric_limits<int64_t>::max();
  // What a valid value is, for messages; empty: said from the type (and the bounds).
  std::string_view hint;
  // Reads the member from its JSON value; false (with the problem noted) when the value
  // has the wrong type or is out of bounds.
  bool (*read)(const Row&, R&, const JsonValue&, const Reading&) = nullptr;
  // Writes the key and the value; an Optional member at its default writes nothing.
  void (*write)(const Row&, JsonWriter&, const R&) = nullptr;
  // Writes what the API shows of the member (its own key and value, or nothing);
  // nullptr: the API never shows it.
  void (*view)(const Row&, JsonWriter&, const R&) = nullptr;
  Slot<R> slot;  // plain members only
};

template <class R>
using Rows = std::span<const Row<R>>;

// ---- the values a row may hold ----------------------------------------------------------

inline bool read_value(std::string& out, const JsonValue& v) {
  if (!v.IsString()) return false;
  out.assign(v.GetString(), v.GetStringLength());
  return true;
}
inline bool read_value(int64_t& out, const JsonValue& v) {
  const std::optional<int64_t> n = int_of(v);
  if (n) out = *n;
  return n.has_value();
}
inline bool read_value(bool& out, const JsonValue& v) {
  if (v.IsBool()) out = v.GetBool();
  return v.IsBool();
}
bool read_value(std::vector<std::string>& out, const JsonValue& v);  // an array of strings
void write_value(JsonWriter& w, const std::vector<std::string>& v);
template <class T>
void write_value(JsonWriter& w, const T& v) {
  w.value(v);
}

// A nested record (a guest, a price) is a value too: it names its table as
// `static Rows<T> rows()`.
template <class T>
concept Nested = requires { { T::rows() } -> std::same_as<Rows<T>>; };

template <class R>
bool read_record(Rows<R> rows, R& out, const JsonValue& v, const Reading& how = {});
template <class R>
void write_record(Rows<R> rows, JsonWriter& w, const R& r);

// A list of nested records (the tiers of a policy): its row's bounds are the number of
// items it may have.
template <class T>
struct IsList : std::false_type {};
template <class T>
struct IsList<std::vector<T>> : std::bool_constant<Nested<T>> {};

// What a valid value of a type is, for messages.
template <class T>
std::string hint_of(int64_t lo, int64_t hi) {
  if constexpr (std::is_same_v<T, int64_t>) return "an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
  else if constexpr (IsList<T>::value) return "a list of " + std::to_string(lo) + " to " + std::to_string(hi) + " objects";
  else if constexpr (std::is_same_v<T, std::string>) return "a string";
  else if constexpr (std::is_same_v<T, bool>) return "true or false";
  else if constexpr (std::is_same_v<T, std::vector<std::string>>) return "a list of strings";
  else return "an object";
}
template <Nested T>
void write_value(JsonWriter& w, const T& v) {
  write_record(T::rows(), w, v);
}

template <class T>
  requires IsList<std::vector<T>>::value
void write_value(JsonWriter& w, const std::vector<T>& items) {
  w.array();
  for (const T& item : items) write_record(T::rows(), w, item);
  w.end_array();
}

// A member that may be null (nullopt).
template <class T>
void write_value(JsonWriter& w, const std::optional<T>& v) {
  if (v) write_value(w, *v);
  else w.value(nullptr);
}


// ---- rows for a member ------------------------------------------------------------------

template <auto M>
struct MemberOf;
template <class R, class T, T R::*M>
struct MemberOf<M> {
  using Record = R;
  using Type = T;
};
template <auto M>
using RecordOf = typename MemberOf<M>::Record;

// The struct's own default, which an Optional member is left out at.
template <class R>
const R& fresh() {
  static const R r{};
  return r;
}

// A nested record's problem, named from the enclosing member ("price" + "amount").
bool nested_problem(std::string_view name, const Reading& how);

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

// Reads a list of nested records: an array of row.lo to row.hi items, each through its
// own table; a problem is named from the row and the item's index ("tiers[1].percent").
template <class T, class R>
bool read_list(const Row<R>& row, std::vector<T>& out, const JsonValue& v, const Reading& how) {
  const auto count = v.IsArray() ? static_cast<int64_t>(v.Size()) : int64_t{-1};
  if (count < row.lo || count > row.hi) return how.fail(Problem::Kind::Invalid, row.name, hint_of<std::vector<T>>(row.lo, row.hi));
  out.clear();
  for (const auto& item : v.GetArray()) {
    T value{};
    if (!read_record(T::rows(), value, item, how))
      return nested_problem(std::string(row.name) + "[" + std::to_string(out.size()) + "]", how);
    out.push_back(std::move(value));
  }
  return true;
}

// Reads one value of a row: a nested record through its own table (its problems named
// from this row), null into an optional, anything else by its type and the row's bounds.
template <class T, class R>
bool read_into(const Row<R>& row, T& value, const JsonValue& v, const Reading& how) {
  if constexpr (IsOptional<T>::value) {
    if (v.IsNull()) return value.reset(), true;
    typename T::value_type inner{};
    if (!read_into(row, inner, v, how)) return false;
    value = std::move(inner);
    return true;
  } else if constexpr (Nested<T>) {
    return read_record(T::rows(), value, v, how) || nested_problem(row.name, how);
  } else if constexpr (IsList<T>::value) {
    return read_list(row, value, v, how);
  } else {
    bool ok = read_value(value, v);
    if constexpr (std::is_same_v<T, int64_t>) ok = ok && value >= row.lo && value <= row.hi;
    if (ok) return true;
    return how.fail(Problem::Kind::Invalid, row.name, row.hint.empty() ? hint_of<T>(row.lo, row.hi) : std::string(row.hint));
  }
}

template <class T>
concept Plain = std::is_same_v<T, std::string> || std::is_same_v<T, int64_t> || std::is_same_v<T, bool> ||
                std::is_same_v<T, std::vector<std::string>>;

template <class R, class T>
constexpr void set_slot(Slot<R>& slot, T R::*m) {
  if constexpr (std::is_same_v<T, std::string>) slot.text = m;
  else if constexpr (std::is_same_v<T, int64_t>) slot.integer = m;
  else if constexpr (std::is_same_v<T, bool>) slot.flag = m;
  else slot.texts = m;
}

// Calls f with the member pointer the slot holds.
template <class R, class F>
decltype(auto) visit_slot(const Slot<R>& slot, F&& f) {
  if (slot.text) return f(slot.text);
  if (slot.integer) return f(slot.integer);
  if (slot.flag) return f(slot.flag);
  SG_ASSERT(slot.texts);  // a plain row always has its slot
  return f(slot.texts);
}

template <class R>
bool read_plain(const Row<R>& row, R& r, const JsonValue& v, const Reading& how) {
  return visit_slot(row.slot, [&](auto m) {
    std::remove_reference_t<decltype(r.*m)> value{};
    if (!read_into(row, value, v, how)) return false;
    r.*m = std::move(value);
    return true;
  });
}

template <class R>
void write_plain(const Row<R>& row, JsonWriter& w, const R& r) {
  visit_slot(row.slot, [&](auto m) {
    if (row.presence == Presence::Optional && r.*m == fresh<R>().*m) return;
    w.key(row.name);
    write_value(w, r.*m);
  });
}

template <class R>
void view_plain(const Row<R>& row, JsonWriter& w, const R& r) {
  visit_slot(row.slot, [&](auto m) {
    w.key(row.name);
    write_value(w, r.*m);
  });
}

template <class R>
void view_text_or_null(const Row<R>& row, JsonWriter& w, const R& r) {
  w.field_or_null(row.name, r.*row.slot.text);
}

template <class R>
void view_text_unless_empty(const Row<R>& row, JsonWriter& w, const R& r) {
  const std::string& text = r.*row.slot.text;
  if (!text.empty()) w.field(row.name, text);
}

// A member of another type (a nested record, an optional one): its own functions.
template <auto M>
bool read_member(const Row<RecordOf<M>>& row, RecordOf<M>& r, const JsonValue& v, const Reading& how) {
  typename MemberOf<M>::Type value{};
  if (!read_into(row, value, v, how)) return false;
  r.*M = std::move(value);
  return true;
}

template <auto M>
void write_member(const Row<RecordOf<M>>& row, JsonWriter& w, const RecordOf<M>& r) {
  if (row.presence == Presence::Optional && r.*M == fresh<RecordOf<M>>().*M) return;
  w.key(row.name);
  write_value(w, r.*M);
}

template <auto M>
void view_member(const Row<RecordOf<M>>& row, JsonWriter& w, const RecordOf<M>& r) {
  w.key(row.name);
  write_value(w, r.*M);
}

template <class R>
using ViewFn = void (*)(const Row<R>&, JsonWriter&, const R&);

// The API shows the member as stored.
template <auto M>
inline constexpr ViewFn<RecordOf<M>> view_as_stored = [] {
  if constexpr (Plain<typename MemberOf<M>::Type>) return &view_plain<RecordOf<M>>;
  else return &view_member<M>;
}();

// A text member the API shows as null while it is empty.
template <auto M>
  requires std::is_same_v<typename MemberOf<M>::Type, std::string>
inline constexpr ViewFn<RecordOf<M>> view_or_null = &view_text_or_null<RecordOf<M>>;

// A text member the API leaves out while it is empty.
template <auto M>
  requires std::is_same_v<typename MemberOf<M>::Type, std::string>
inline constexpr ViewFn<RecordOf<M>> view_unless_empty = &view_text_unless_empty<RecordOf<M>>;

// One row for member M: stored under `name`, read and written by its type.
template <auto M>
constexpr Row<RecordOf<M>> member(std::string_view name, Presence presence = Presence::Optional,
                                  ViewFn<RecordOf<M>> view = nullptr) {
  Row<RecordOf<M>> row;
  row.name = name;
  row.presence = presence;
  if constexpr (Plain<typename MemberOf<M>::Type>) {
    set_slot(row.slot, M);
    row.read = &read_plain<RecordOf<M>>;
    row.write = &write_plain<RecordOf<M>>;
  } else {
    row.read = &read_member<M>;
    row.write = &write_member<M>;
  }
  row.view = view;
  return row;
}

// An integer member with bounds.
template <auto M>
constexpr Row<RecordOf<M>> bounded(std::string_view name, int64_t lo, int64_t hi,
                                   Presence presence = Presence::Optional, ViewFn<RecordOf<M>> view = nullptr) {
  Row<RecordOf<M>> row = member<M>(name, presence, view);
  row.lo = lo;
  row.hi = hi;
  return row;
}

// A row whose reading and writing the record's own code says (an enum, a member
// the API shows under another shape).
template <class R>
constexpr Row<R> custom(std::string_view name, Presence presence, bool (*read)(const Row<R>&, R&, const JsonValue&, const Reading&),
                        void (*write)(const Row<R>&, JsonWriter&, const R&),
                        void (*view)(const Row<R>&, JsonWriter&, const R&) = nullptr) {
  Row<R> row;
  row.name = name;
  row.presence = presence;
  row.read = read;
  row.write = write;
  row.view = view;
  return row;
}

// ---- walking a table --------------------------------------------------------------------

// Which row names `k`; rows.size() when none does.
template <class R>
size_t row_named(Rows<R> rows, std::string_view k) {
  size_t i = 0;
  while (i < rows.size() && rows[i].name != k) ++i;
  return i;
}

// Reads a record: every member a row names (a repeated key counts with its last value),
// every Required row present, every value of its row's type and bounds. Members no row
// names are skipped, or refused when `how` says so.
template <class R>
bool read_record(Rows<R> rows, R& out, const JsonValue& v, const Reading& how) {
  if (!v.IsObject() || rows.size() > 64) return how.fail(Problem::Kind::Invalid, {}, "an object");
  if (how.refuse_unknown) {
    // The first unknown name in byte order, so the answer is the same whatever the
    // order of the members.
    UnknownField unknown;
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it)
      if (row_named(rows, string_of(it->name)) == rows.size()) unknown.note(string_of(it->name));
    if (auto name = unknown.name()) return how.fail(Problem::Kind::Unknown, *name);
  }
  uint64_t seen = 0;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    const size_t i = row_named(rows, string_of(it->name));
    if (i == rows.size()) continue;
    if (!rows[i].read(rows[i], out, it->value, how)) return false;
    seen |= uint64_t{1} << i;
  }
  for (size_t i = 0; i < rows.size(); ++i)
    if (rows[i].presence == Presence::Required && !(seen & (uint64_t{1} << i)))
      return how.fail(Problem::Kind::Missing, rows[i].name);
  return true;
}

template <class R>
void write_record(Rows<R> rows, JsonWriter& w, const R& r) {
  w.object();
  for (const Row<R>& row : rows) row.write(row, w, r);
  w.end_object();
}

// The API's view: each row's view, in the table's order.
template <class R>
void write_view(Rows<R> rows, JsonWriter& w, const R& r) {
  w.object();
  for (const Row<R>& row : rows)
    if (row.view) row.view(row, w, r);
  w.end_object();
}

// ---- every member has a row -------------------------------------------------------------

// Converts to any member's type: brace-initialising R with n of these compiles exactly
// when R is an aggregate with at least n members.
struct AnyMember {
  template <class T>
  operator T&() const;
};

template <class R, class... Seen>
constexpr size_t member_count() {
  if constexpr (requires { R{Seen{}..., AnyMember{}}; }) return member_count<R, Seen..., AnyMember>();
  else return sizeof...(Seen);
}

// The table has as many rows as R has members (names are checked by the tests).
template <class R, size_t N>
constexpr bool covers(const Row<R> (&)[N]) {
  return member_count<R>() == N;
}

}  // namespace slotguard::fields
