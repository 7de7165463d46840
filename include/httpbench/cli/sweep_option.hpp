// --sweep TEXT on the command line: "auto" or a list of increasing concurrency levels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "httpbench/cli/options.hpp"

namespace httpbench {

// Most levels a --sweep list may have.
inline constexpr std::size_t kMaxSweepLevels = 64;

// 1, 2, 4, ... doubling up to `max`, and `max` itself last when it is not a power of two.
std::vector<std::uint64_t> auto_sweep_levels(std::uint64_t max);

// Applies --sweep TEXT to `options`: "auto" (levels up to -c when `concurrency_given`, else up to
// defaults::kSweepAutoMax), or a comma-separated list of increasing levels. Sets
// options.concurrency to the highest level, which the open-file check and the reports use.
// Throws UsageError.
void apply_sweep_option(std::string_view text, bool concurrency_given, Options& options);

}  // namespace httpbench
