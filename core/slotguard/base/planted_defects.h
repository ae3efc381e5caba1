// Known defects, re-introduced on purpose to show that the simulation finds them.
//
// A test suite that never fails proves nothing. The swarm simulation (tests/sim) is
// built a second time against a core compiled with SLOTGUARD_PLANTED_DEFECTS, where
// each switch brings back one real defect, and its "teeth" test shows that the CI seed
// count catches every one. The defects are listed once, in planted_defects.def.
//
// A site reads as a guarded early branch above the clean code, which stays as if the
// hook were not there:
//
//   if (planted(Defect::check_then_insert)) { ...the defective variant...; }
//   ...the clean code...
//
// Product builds never define the macro, so planted() is the constant false and the
// compiler drops every defective branch. This header is never installed.
#pragma once
#include <cstddef>
#include <iterator>
#include <string_view>

namespace slotguard {

enum class Defect {
#define SG_PLANTED_DEFECT(id, what) id,
#include "slotguard/base/planted_defects.def"
#undef SG_PLANTED_DEFECT
};

struct PlantedDefectInfo {
  Defect defect;
  std::string_view name;  // as the swarm's --plant takes it
  std::string_view what;
};

inline constexpr PlantedDefectInfo kPlantedDefects[] = {
#define SG_PLANTED_DEFECT(id, what) {Defect::id, #id, what},
#include "slotguard/base/planted_defects.def"
#undef SG_PLANTED_DEFECT
};

#ifdef SLOTGUARD_PLANTED_DEFECTS
// Set by the swarm before its first seed, read by the core at each site.
inline bool planted_switches[std::size(kPlantedDefects)] = {};
inline bool planted(Defect d) { return planted_switches[static_cast<std::size_t>(d)]; }
inline void plant(Defect d) { planted_switches[static_cast<std::size_t>(d)] = true; }
#else
constexpr bool planted(Defect) { return false; }
#endif

}  // namespace slotguard
