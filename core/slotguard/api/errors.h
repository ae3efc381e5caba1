// The core's error codes: one enumerator per line of errors.def, each with its wire
// name and HTTP status. Handlers answer with error_response(ErrorCode, message)
// (responses.h), never with a code spelled out.
#pragma once
#include <cstddef>
#include <string_view>

namespace slotguard::api {

enum class ErrorCode {
#define SG_ERROR(id, wire, status) id,
#include "slotguard/api/errors.def"
#undef SG_ERROR
};

struct ErrorInfo {
  ErrorCode code;
  std::string_view wire;
  int status;
};

inline constexpr ErrorInfo kErrors[] = {
#define SG_ERROR(id, wire, status) {ErrorCode::id, wire, status},
#include "slotguard/api/errors.def"
#undef SG_ERROR
};

constexpr const ErrorInfo& error_info(ErrorCode c) { return kErrors[static_cast<std::size_t>(c)]; }

// Every entry sits at its enumerator's index, with an error status.
constexpr bool errors_table_ordered() {
  for (std::size_t i = 0; i < std::size(kErrors); ++i)
    if (static_cast<std::size_t>(kErrors[i].code) != i || kErrors[i].status < 400 || kErrors[i].status > 599) return false;
  return true;
}
static_assert(errors_table_ordered());

}  // namespace slotguard::api
