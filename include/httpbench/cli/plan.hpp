// The plan of a benchmark run, built once from validated Options before any request is sent:
// the parsed checks, this process's part of the work, each mode's workers and schedules (per
// event loop for the async mode), the sweep's levels, and the loaded baseline. The runner and
// the sweep take their parts of it; nothing after it parses or splits the options again.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "httpbench/cli/options.hpp"
#include "httpbench/defaults.hpp"
#include "httpbench/engine/runner.hpp"
#include "httpbench/engine/sweep.hpp"
#include "httpbench/report/baseline.hpp"
#include "httpbench/report/checks.hpp"

namespace httpbench {

// The work of one process: the whole run's, or one shard's part of it.
struct WorkPart {
  // Requests per mode; Schedule::kUnlimited when only a duration bounds the run.
  std::uint64_t requests = defaults::kRequests;
  // Requests in flight for threads and async.
  std::uint64_t concurrency = defaults::kConcurrency;
  // Requests per mode sent before measuring.
  std::uint64_t warmup_requests = 0;
  // Requests per second in total; 0 for a closed loop.
  double rate = 0;
};

struct BenchmarkPlan {
  // The --check expressions, parsed.
  std::vector<Check> checks;
  // This process's part of the run: the whole run, or with --shard its part (-n, -c and the
  // warm-up requests split with share_of, the rate divided evenly; --duration kept).
  WorkPart part;
  // Each mode in the order it runs; empty with --sweep.
  std::vector<ModeRun> modes;
  // --sweep: the async mode at each level; no levels without --sweep.
  SweepRun sweep;
  // --baseline: the saved run, loaded and found to measure the same thing (or --baseline-any).
  std::optional<Baseline> baseline;
};

// The plan for `options`, which Options::validate() accepted. Parses the checks and loads the
// baseline: throws UsageError for a malformed or inapplicable --check, or a --baseline that
// cannot be read or that measured something else.
BenchmarkPlan make_plan(const Options& options);

// What `options` measure, for the comparison with a saved run.
RunShape run_shape(const Options& options);

}  // namespace httpbench
