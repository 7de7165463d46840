#include "httpbench/engine/sweep.hpp"

#include "httpbench/engine/runner.hpp"

namespace httpbench {

namespace {

// Levels after the knee an auto sweep still runs, to show that throughput stays flat.
constexpr std::size_t kLevelsPastKnee = 2;

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

SweepSummary run_sweep(const SweepRun& sweep, const ClientConfig& config,
                       const std::atomic<bool>& stop, Progress* progress,
                       std::vector<RunResult>& runs,
                       const std::function<void(std::uint64_t)>& before_level) {
  std::vector<SweepLevel> levels;
  bool stopped_early = false;
  for (std::size_t i = 0; i < sweep.levels.size() && !stop.load(); ++i) {
    const ModeRun& level = sweep.levels[i];
    if (before_level) before_level(level.concurrency);
    runs.push_back(run_mode(level, config, stop, progress));
    levels.push_back(level_of(level.concurrency, runs.back()));
    if (sweep.stop_past_knee && i + 1 < sweep.levels.size()) {
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
