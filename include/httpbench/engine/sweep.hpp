// Concurrency sweep (--sweep): the async mode run at increasing concurrency levels, one after
// another, each level with the same requests or duration; the curve is summarised by
// summarize_sweep (scalability.hpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include "httpbench/connection/client_config.hpp"
#include "httpbench/engine/runner.hpp"
#include "httpbench/stats/results.hpp"
#include "httpbench/stats/scalability.hpp"

namespace httpbench {

class Progress;

// A sweep as the runner executes it: the async mode once per level, in increasing concurrency.
struct SweepRun {
  // One run per level; each differs from the others only in its concurrency.
  std::vector<ModeRun> levels;
  // --sweep auto: the sweep may stop two levels past the knee.
  bool stop_past_knee = false;
};

// Runs each level of `sweep`, appending each level's result to `runs`, and returns the curve with
// its fit and knee. `before_level` (may be empty) is called with each level's concurrency before
// it runs; `progress` may be null. Setting `stop` cuts the level in progress short (as in
// run_mode) and runs no further level.
SweepSummary run_sweep(const SweepRun& sweep, const ClientConfig& config,
                       const std::atomic<bool>& stop, Progress* progress,
                       std::vector<RunResult>& runs,
                       const std::function<void(std::uint64_t)>& before_level);

}  // namespace httpbench
