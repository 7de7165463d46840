#include "httpbench/engine/sweep.hpp"

#include <fmt/format.h>

#include "httpbench/cli/units.hpp"
#include "httpbench/engine/runner.hpp"
#include "httpbench/stats/error.hpp"

namespace httpbench {

namespace {

// Levels after the knee an auto sweep still runs, to show that throughput stays flat.
constexpr std::size_t kLevelsPastKnee = 2;

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

SweepLevel level_of(std::uint64_t concurrency, const RunResult& r) {
  SweepLevel l;
  l.concurrency = concurrency;
  l.rps = r.rps;
  l.p50_ms = r.latency.p50;
  l.p99_ms = r.latency.p99;
  l.requests = r.requests;
  l.errors = r.failed;
  return l;
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
    options.sweep = auto_sweep_levels(concurrency_given ? options.concurrency : kAutoSweepMax);
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

SweepSummary run_sweep(const Options& options, const ClientConfig& config,
                       const std::atomic<bool>& stop, Progress* progress,
                       std::vector<RunResult>& runs,
                       const std::function<void(std::uint64_t)>& before_level) {
  std::vector<SweepLevel> levels;
  bool stopped_early = false;
  for (std::size_t i = 0; i < options.sweep.size() && !stop.load(); ++i) {
    Options level = options;
    level.concurrency = options.sweep[i];
    if (before_level) before_level(level.concurrency);
    runs.push_back(run_mode(Mode::async, level, config, stop, progress));
    levels.push_back(level_of(level.concurrency, runs.back()));
    if (options.sweep_auto && i + 1 < options.sweep.size()) {
      std::vector<KneePoint> points;
      for (const SweepLevel& l : levels)
        points.push_back({l.concurrency, l.rps, l.p99_ms});
      if (const auto knee = find_knee(points)) {
        std::size_t knee_index = 0;
        while (levels[knee_index].concurrency != *knee)
          ++knee_index;
        if (levels.size() - 1 - knee_index >= kLevelsPastKnee) {
          stopped_early = true;
          break;
        }
      }
    }
  }
  SweepSummary summary = summarize_sweep(std::move(levels));
  summary.stopped_early = stopped_early;
  return summary;
}

}  // namespace httpbench
