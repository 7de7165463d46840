// Statistics over repeated trials: each figure's median with a distribution-free interval, the
// speedup of each mode per trial pair, and the merge of several runs of one mode.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "httpbench/stats/mode.hpp"
#include "httpbench/stats/protocol.hpp"

namespace httpbench {

struct RunResult;

// The confidence the intervals aim for.
inline constexpr double kTargetConfidence = 0.95;

// The median of a few samples with an order-statistics interval: [x(j), x(n+1-j)] of the sorted
// samples, j the largest rank whose binomial coverage is still at least 95%. It assumes only that
// the trials are independent, not how they are distributed. Fewer than 6 samples cannot reach
// 95%: then the interval is [min, max] and `confidence` is what it does cover (75% for 3).
struct Interval {
  // Samples the interval was computed from.
  std::size_t n = 0;
  // Median of the samples (the mean of the middle two when n is even).
  double median = 0;
  // Bounds of the interval, in the samples' unit.
  double low = 0;
  double high = 0;
  // Probability that [low, high] covers the true median; 0 with fewer than 2 samples.
  double confidence = 0;
  // Smallest and largest sample.
  double min = 0;
  double max = 0;

  bool contains(double value) const { return low <= value && value <= high; }
};

Interval median_interval(std::vector<double> samples);

// Probability that [x(j), x(n+1-j)] covers the median: P(j <= B <= n-j), B ~ Binomial(n, 1/2).
double order_statistic_coverage(std::size_t n, std::size_t j);

// One mode's trials, figure by figure.
struct ModeTrialStats {
  Mode mode = Mode::async;
  Protocol protocol = Protocol::http1;
  // Requests per second.
  Interval rps;
  // Latency percentiles and mean, milliseconds.
  Interval p50_ms;
  Interval p90_ms;
  Interval p99_ms;
  Interval mean_ms;
};

// A mode's speedup over the baseline, trial by trial.
struct SpeedupTrialStats {
  Mode mode = Mode::async;
  Protocol protocol = Protocol::http1;
  // This mode's requests/s divided by the baseline's in the same trial, in trial order.
  std::vector<double> per_trial;
  // Median and interval of `per_trial`.
  Interval factor;
  // At least 2 trials and the interval excludes 1.0.
  bool significant = false;
};

struct TrialStats {
  // Trials per mode.
  std::size_t count = 1;
  std::vector<ModeTrialStats> modes;
  // Compare mode: the first mode, the speedups are relative to it.
  std::optional<Mode> baseline;
  Protocol baseline_protocol = Protocol::http1;
  std::vector<SpeedupTrialStats> speedups;
};

// `trials[m][t]` is trial t of the m-th mode; every mode has the same number of trials (an
// interruption may leave the last ones shorter: only complete pairs give speedups).
TrialStats summarize_trials(const std::vector<std::vector<RunResult>>& trials, bool compare);

struct Comparison;

// With trials, the one speedup every output shows is the median of the per-trial ratios (each
// pair ran back to back, so drift between trials cancels; the ratio of the summed runs would
// weigh the longest trials most): sets each of `comparison`'s speedups to its mode's median.
void use_trial_speedups(Comparison& comparison, const TrialStats& stats);

// Adds up runs of one mode (and protocol, kept with its streams per connection): counts, status
// codes and histograms add exactly, min/max/mean/stdev are combined exactly and percentiles come
// from the merged histogram. The wall time is the sum of the runs' (the time spent measuring);
// `started_at` the earliest and `ended_at` the latest.
RunResult combine_runs(const std::vector<RunResult>& runs);

}  // namespace httpbench
