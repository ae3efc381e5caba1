// Runs the swarm over a range of seeds, or replays one.
//
//   slotguard_swarm --seeds 500                  seeds 1..500 (what CI runs)
//   slotguard_swarm --first 1000001 --seeds 1000000 --seconds 3600
//                                                a long run, stopped after an hour
//   SLOTGUARD_SEED=42 slotguard_swarm            replays seed 42 and prints its trace
//
// The build with planted defects (slotguard_swarm_planted) also takes
//   --plant NAME --expect-failure      (NAME from core/slotguard/base/planted_defects.def)
// and succeeds only if some seed in the range finds the planted defect.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <unistd.h>  // write(): async-signal-safe output from the signal handler

#include "slotguard/base/planted_defects.h"
#include "swarm.h"

namespace {

volatile std::sig_atomic_t g_seed_for_crash_report = 0;
char g_replay_prefix[256] = "";

// An always-on assertion traps the process: say which seed did it, so it replays.
void on_trap(int sig) {
  char buf[400];
  const int n = std::snprintf(buf, sizeof buf,
                              "\nswarm: the core trapped (signal %d) on seed %ld\nreplay: SLOTGUARD_SEED=%ld %s\n", sig,
                              static_cast<long>(g_seed_for_crash_report), static_cast<long>(g_seed_for_crash_report),
                              g_replay_prefix);
  if (n > 0) {
    ssize_t ignored = write(2, buf, static_cast<size_t>(n));
    (void)ignored;
  }
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void usage() {
  std::fprintf(stderr,
               "usage: slotguard_swarm [--first N] [--seeds N] [--seconds S] [--steps N] [--trace]"
#ifdef SLOTGUARD_PLANTED_DEFECTS
               " --plant NAME [--expect-failure]"
#endif
               "\n       SLOTGUARD_SEED=N slotguard_swarm   (replay one seed)\n");
#ifdef SLOTGUARD_PLANTED_DEFECTS
  std::fprintf(stderr, "NAME is one of:\n");
  for (const auto& d : slotguard::kPlantedDefects)
    std::fprintf(stderr, "  %-22.*s %.*s\n", static_cast<int>(d.name.size()), d.name.data(),
                 static_cast<int>(d.what.size()), d.what.data());
#endif
}

#ifdef SLOTGUARD_PLANTED_DEFECTS
// Turns on the defect the command line names; false if no defect has that name.
bool plant_by_name(const std::string& name) {
  for (const auto& d : slotguard::kPlantedDefects) {
    if (d.name != name) continue;
    slotguard::plant(d.defect);
    return true;
  }
  return false;
}
#endif

}  // namespace

int main(int argc, char** argv) {
  using namespace slotguard::sim;
  uint64_t first = 1, count = 500;
  double budget_s = 0;
  int steps = 400;
  bool trace = false, expect_failure = false;
  std::string plant;
  for (int i = 1; i < argc; ++i) {
    auto arg = std::string(argv[i]);
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        usage();
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--first") first = std::strtoull(value(), nullptr, 10);
    else if (arg == "--seeds") count = std::strtoull(value(), nullptr, 10);
    else if (arg == "--seconds") budget_s = std::strtod(value(), nullptr);
    else if (arg == "--steps") steps = std::atoi(value());
    else if (arg == "--trace") trace = true;
    else if (arg == "--plant") plant = value();
    else if (arg == "--expect-failure") expect_failure = true;
    else {
      usage();
      return 2;
    }
  }
#ifdef SLOTGUARD_PLANTED_DEFECTS
  if (!plant_by_name(plant)) {
    std::fprintf(stderr, "swarm: --plant needs the name of a planted defect\n");
    usage();
    return 2;
  }
#else
  if (!plant.empty() || expect_failure) {
    std::fprintf(stderr, "swarm: defects can only be planted in slotguard_swarm_planted\n");
    return 2;
  }
#endif
  std::snprintf(g_replay_prefix, sizeof g_replay_prefix, "%s%s%s", argv[0], plant.empty() ? "" : " --plant ",
                plant.c_str());
  std::signal(SIGILL, on_trap);
  std::signal(SIGTRAP, on_trap);
  std::signal(SIGSEGV, on_trap);
  std::signal(SIGABRT, on_trap);

  if (const char* replay = std::getenv("SLOTGUARD_SEED")) {
    first = std::strtoull(replay, nullptr, 10);
    count = 1;
    trace = true;
  }

  const auto t0 = std::chrono::steady_clock::now();
  uint64_t run = 0, total_steps = 0;
  SwarmReport sum;
  for (uint64_t seed = first; seed < first + count; ++seed) {
    if (budget_s > 0 && std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() > budget_s) break;
    g_seed_for_crash_report = static_cast<std::sig_atomic_t>(seed);
    SwarmOptions o;
    o.seed = seed;
    o.workload_steps = steps;
    o.trace = trace;
    SwarmReport r = run_swarm(o);
    ++run;
    total_steps += r.steps;
    sum.holds += r.holds, sum.conflicts += r.conflicts, sum.payments += r.payments, sum.confirmed += r.confirmed;
    sum.refunded += r.refunded, sum.store_faults += r.store_faults, sum.stripe_faults += r.stripe_faults;
    sum.crashes += r.crashes, sum.webhooks += r.webhooks, sum.ledger_refusals += r.ledger_refusals;
    sum.series += r.series, sum.series_confirmed += r.series_confirmed, sum.occurrences_cancelled += r.occurrences_cancelled;
    sum.pool_bookings += r.pool_bookings;
    sum.pack_bookings += r.pack_bookings;
    sum.credits_returned += r.credits_returned;
    if (!r.ok()) {
      if (expect_failure) {
        std::printf("swarm: planted defect %s found by seed %llu, the %llu-th seed run: %s\n", plant.c_str(),
                    static_cast<unsigned long long>(seed), static_cast<unsigned long long>(run), r.violation.c_str());
        return 0;
      }
      std::fprintf(stderr, "swarm: seed %llu broke an invariant: %s\nlast steps:\n", static_cast<unsigned long long>(seed),
                   r.violation.c_str());
      for (const auto& line : r.last_steps) std::fprintf(stderr, "  %s\n", line.c_str());
      std::fprintf(stderr, "replay: SLOTGUARD_SEED=%llu %s\n", static_cast<unsigned long long>(seed), g_replay_prefix);
      return 1;
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("swarm: %llu seeds (%llu..%llu), %llu steps in %.1f s: every invariant held\n",
              static_cast<unsigned long long>(run), static_cast<unsigned long long>(first),
              static_cast<unsigned long long>(first + run - 1), static_cast<unsigned long long>(total_steps), secs);
  std::printf("  201 answers %llu, 409 conflicts %llu, payments %llu, confirmed %llu, refunded %llu, webhooks %llu\n",
              static_cast<unsigned long long>(sum.holds), static_cast<unsigned long long>(sum.conflicts),
              static_cast<unsigned long long>(sum.payments), static_cast<unsigned long long>(sum.confirmed),
              static_cast<unsigned long long>(sum.refunded), static_cast<unsigned long long>(sum.webhooks));
  std::printf("  series held %llu, confirmed %llu, occurrences cancelled after confirmation %llu; bookings the pool gave %llu\n",
              static_cast<unsigned long long>(sum.series), static_cast<unsigned long long>(sum.series_confirmed),
              static_cast<unsigned long long>(sum.occurrences_cancelled), static_cast<unsigned long long>(sum.pool_bookings));
  std::printf("  bookings paid with a pack's credit %llu, of them cancelled with the credit back %llu\n",
              static_cast<unsigned long long>(sum.pack_bookings), static_cast<unsigned long long>(sum.credits_returned));
  std::printf("  faults: store %llu, Stripe %llu, crashes %llu; ledger refusals %llu\n",
              static_cast<unsigned long long>(sum.store_faults), static_cast<unsigned long long>(sum.stripe_faults),
              static_cast<unsigned long long>(sum.crashes), static_cast<unsigned long long>(sum.ledger_refusals));
  if (expect_failure) {
    std::printf("swarm: planted defect %s was NOT found in %llu seeds\n", plant.c_str(), static_cast<unsigned long long>(run));
    return 1;
  }
  return 0;
}
