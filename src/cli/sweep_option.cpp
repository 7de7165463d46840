#include "httpbench/cli/sweep_option.hpp"

#include <fmt/format.h>

#include "httpbench/defaults.hpp"
#include "httpbench/stats/error.hpp"
#include "httpbench/stats/units.hpp"

namespace httpbench {

namespace {

std::vector<std::uint64_t> parse_level_list(std::string_view text) {
  std::vector<std::uint64_t> levels;
  for (const std::string& item : split_list(text)) {
    const std::uint64_t level = parse_count(item);
    if (level == 0 || level > 1'000'000) {
      throw UsageError(fmt::format("level {} is out of range 1..1000000", level));
    }
    if (!levels.empty() && level <= levels.back()) {
      throw UsageError("levels must increase");
    }
    levels.push_back(level);
    if (levels.size() > kMaxSweepLevels) {
      throw UsageError(fmt::format("at most {} levels", kMaxSweepLevels));
    }
  }
  return levels;
}

}  // namespace

std::vector<std::uint64_t> auto_sweep_levels(std::uint64_t max) {
  std::vector<std::uint64_t> levels;
  for (std::uint64_t n = 1; n <= max; n *= 2)
    levels.push_back(n);
  if (levels.empty() || levels.back() != max) levels.push_back(max);
  return levels;
}

void apply_sweep_option(std::string_view text, bool concurrency_given, Options& options) {
  if (text == "auto") {
    options.sweep_auto = true;
    options.sweep =
        auto_sweep_levels(concurrency_given ? options.concurrency : defaults::kSweepAutoMax);
  } else {
    try {
      options.sweep = parse_level_list(text);
    } catch (const UsageError& e) {
      throw UsageError(
          fmt::format("--sweep: {} (give auto or increasing levels like 1,2,4,8)", e.what()));
    }
  }
  options.concurrency = options.sweep.back();
}

}  // namespace httpbench
