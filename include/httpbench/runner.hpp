// Runs one mode against a resolved target and returns its summary.
#pragma once

#include <atomic>

#include "httpbench/client_config.hpp"
#include "httpbench/options.hpp"
#include "httpbench/results.hpp"
#include "httpbench/schedule.hpp"

namespace httpbench {

struct Progress;

// The ClientConfig for `options` with the already resolved `endpoints`.
ClientConfig make_client_config(const Options& options, std::vector<ConnectEndpoint> endpoints);

// The workers and phases of `mode` for `options`.
RunPlan make_run_plan(Mode mode, const Options& options);

// Sends `options.requests` requests in `mode`. Setting `stop` ends the run early: requests in
// flight are abandoned and reported as aborted. `progress` may be null.
RunResult run_mode(Mode mode, const Options& options, const ClientConfig& config,
                   const std::atomic<bool>& stop, Progress* progress);

}  // namespace httpbench
