// Why a reservation was released: one enumerator per name in release_reasons.def. Code
// that releases names its reason with the enum; the record keeps the name
// (Reservation::release_reason), as stored and shown, so that a record a newer version
// wrote with a reason this one does not know still reads and shows it.
#pragma once
#include <cstddef>
#include <string_view>

namespace slotguard {

enum class ReleaseReason {
#define SG_RELEASE_REASON(id, what) id,
#include "slotguard/booking/release_reasons.def"
#undef SG_RELEASE_REASON
};

inline constexpr std::string_view kReleaseReasonNames[] = {
#define SG_RELEASE_REASON(id, what) #id,
#include "slotguard/booking/release_reasons.def"
#undef SG_RELEASE_REASON
};

constexpr std::string_view release_reason_name(ReleaseReason r) {
  return kReleaseReasonNames[static_cast<std::size_t>(r)];
}

}  // namespace slotguard
