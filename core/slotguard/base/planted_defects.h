// Known defects, re-introduced on purpose to show that the simulation finds them.
//
// A test suite that never fails proves nothing. The swarm simulation (tests/sim) is
// built a second time against a core compiled with SLOTGUARD_PLANTED_DEFECTS, where
// each switch below brings back one real defect, and its "teeth" test shows that the
// CI seed count catches every one. Product builds never define the macro, so
// SG_PLANTED(x) is the constant false and the compiler drops the defective branch.
#pragma once

#ifdef SLOTGUARD_PLANTED_DEFECTS
namespace slotguard {
struct PlantedDefects {
  bool release_on_transient = false;   // open_checkout releases the hold on any Stripe failure
  bool refusal_as_duplicate = false;   // a ledger refusal of a confirm answers 200 duplicate
  bool check_then_insert = false;      // a hold commits without checking the ledger buckets
};
inline PlantedDefects planted;
}  // namespace slotguard
#define SG_PLANTED(name) (::slotguard::planted.name)
#else
#define SG_PLANTED(name) false
#endif
