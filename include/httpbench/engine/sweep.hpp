// Concurrency sweep (--sweep): the async mode run at increasing concurrency levels, one after
// another, each level with the same requests or duration; the curve is summarised by
// summarize_sweep (scalability.hpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "httpbench/cli/options.hpp"
#include "httpbench/connection/client_config.hpp"
#include "httpbench/stats/results.hpp"
#include "httpbench/stats/scalability.hpp"

namespace httpbench {

struct Progress;

// Highest level of --sweep auto when -c is not given.
inline constexpr std::uint64_t kAutoSweepMax = 256;
// Most levels a --sweep list may have.
inline constexpr std::size_t kMaxSweepLevels = 64;

// 1, 2, 4, ... doubling up to `max`, and `max` itself last when it is not a power of two.
std::vector<std::uint64_t> auto_sweep_levels(std::uint64_t max);

// Applies --sweep TEXT to `options`: "auto" (levels up to -c when `concurrency_given`, else up to
// kAutoSweepMax), or a comma-separated list of increasing levels. Sets options.concurrency to the
// highest level, which the open-file check and the reports use. Throws UsageError.
void apply_sweep_option(std::string_view text, bool concurrency_given, Options& options);

// Runs the async mode at each level of `options.sweep`, appending each level's result to `runs`,
// and returns the curve with its fit and knee. With options.sweep_auto the sweep stops two levels
// past the knee. `before_level` (may be empty) is called before each level; `progress` may be
// null. Setting `stop` cuts the level in progress short (as in run_mode) and runs no further
// level.
SweepSummary run_sweep(const Options& options, const ClientConfig& config,
                       const std::atomic<bool>& stop, Progress* progress,
                       std::vector<RunResult>& runs,
                       const std::function<void(std::uint64_t)>& before_level);

}  // namespace httpbench
