// Layer engine/: the runner, the schedule and the drivers of each concurrency model (sync,
// threads, async), sweeps. It may use connection, codec and stats; never report or cli.
//
// Runs one mode against a resolved target and returns its summary.
#pragma once

#include <atomic>

#include "httpbench/cli/options.hpp"
#include "httpbench/connection/client_config.hpp"
#include "httpbench/engine/schedule.hpp"
#include "httpbench/stats/results.hpp"

namespace httpbench {

struct Progress;

// The workers and phases of `mode` for `options`.
RunPlan make_run_plan(Mode mode, const Options& options);

// Sends `options.requests` requests in `mode`. Setting `stop` ends the run early: requests in
// flight are abandoned and reported as aborted. `progress` may be null.
RunResult run_mode(Mode mode, const Options& options, const ClientConfig& config,
                   const std::atomic<bool>& stop, Progress* progress);

}  // namespace httpbench
