// Scalability maths for a concurrency sweep: the Universal Scalability Law fit and the knee.
// Pure functions over plain numbers: no I/O, no clocks.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace httpbench {

// Gunther's Universal Scalability Law: X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1)).
struct UslFit {
  // Throughput of one client without contention, requests per second.
  double lambda = 0;
  // Contention (serialised share of the work), >= 0.
  double sigma = 0;
  // Coherency (pairwise crosstalk cost), >= 0.
  double kappa = 0;
  // Coefficient of determination of the fit against the measured throughput, <= 1.
  double r2 = 0;

  // Throughput the law predicts at concurrency `n`, requests per second.
  double predict(double n) const;
  // Concurrency of the predicted throughput peak, sqrt((1 - sigma) / kappa); nullopt when kappa
  // is 0 or sigma >= 1 (no peak: throughput levels off instead).
  std::optional<double> peak_concurrency() const;
};

// Least-squares fit of the USL to throughput `rps[i]` measured at concurrency `concurrency[i]`.
// lambda is solved exactly for each (sigma, kappa) (the model is linear in it), so the search is
// over the two shape parameters only: a log-spaced grid over [0, 1] x [0, 1], then a compass
// (pattern) search from the best grid point, clamped to sigma, kappa >= 0. Needs at least three
// distinct levels with throughput > 0; nullopt otherwise.
std::optional<UslFit> fit_usl(std::span<const double> concurrency, std::span<const double> rps);

// One level of a sweep as the knee rule sees it.
struct KneePoint {
  std::uint64_t concurrency = 0;
  // Requests per second.
  double rps = 0;
  // 99th percentile latency, milliseconds.
  double p99_ms = 0;
};

// Throughput gain below which a level counts as no longer scaling: 5%.
inline constexpr double kKneeGain = 0.05;

// The knee: the smallest concurrency whose next level (the points are in increasing concurrency)
// gains less than kKneeGain throughput while its p99 grows. nullopt when no level qualifies.
std::optional<std::uint64_t> find_knee(std::span<const KneePoint> points);

// One level of a finished sweep, as reported.
struct SweepLevel {
  std::uint64_t concurrency = 0;
  // Ended requests per second of wall time.
  double rps = 0;
  // Latency percentiles of successful requests, milliseconds.
  double p50_ms = 0;
  double p99_ms = 0;
  // Requests ended.
  std::uint64_t requests = 0;
  // Failed requests.
  std::uint64_t errors = 0;
};

// The curve of a concurrency sweep with its fit and knee.
struct SweepSummary {
  std::vector<SweepLevel> levels;
  // nullopt with fewer than three usable levels.
  std::optional<UslFit> usl;
  // Concurrency of the knee; nullopt when throughput kept growing (or p99 did not).
  std::optional<std::uint64_t> knee;
  // --sweep auto stopped two levels past the knee instead of running every level.
  bool stopped_early = false;
};

// Fits the USL and finds the knee over `levels` (in increasing concurrency).
SweepSummary summarize_sweep(std::vector<SweepLevel> levels);

}  // namespace httpbench
