#include "httpbench/stats/trials.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "httpbench/stats/results.hpp"

namespace httpbench {

namespace {

// P(B <= k) for B ~ Binomial(n, 1/2), summed in log space so large n does not overflow.
double binomial_half_cdf(std::size_t n, std::size_t k) {
  double total = 0;
  const double log_half_n = static_cast<double>(n) * std::log(0.5);
  for (std::size_t i = 0; i <= k && i <= n; ++i) {
    const double log_choose = std::lgamma(static_cast<double>(n) + 1) -
                              std::lgamma(static_cast<double>(i) + 1) -
                              std::lgamma(static_cast<double>(n - i) + 1);
    total += std::exp(log_choose + log_half_n);
  }
  return std::min(total, 1.0);
}

// Combines per-run summaries exactly where the statistic allows it (extremes, mean, variance),
// and takes percentiles from the merged histogram, clamped to the exact extremes.
LatencySummary combine_latency(const Histogram& merged,
                               const std::vector<std::pair<LatencySummary, std::uint64_t>>& parts) {
  LatencySummary s = summarize_latency(merged);
  std::uint64_t n = 0;
  double sum = 0;
  bool first = true;
  for (const auto& [part, count] : parts) {
    if (count == 0) continue;
    s.min = first ? part.min : std::min(s.min, part.min);
    s.max = first ? part.max : std::max(s.max, part.max);
    first = false;
    n += count;
    sum += part.mean * static_cast<double>(count);
  }
  if (n == 0) return s;
  s.mean = sum / static_cast<double>(n);
  double squares = 0;
  for (const auto& [part, count] : parts) {
    const double d = part.mean - s.mean;
    squares += static_cast<double>(count) * (part.stdev * part.stdev + d * d);
  }
  s.stdev = std::sqrt(squares / static_cast<double>(n));
  for (double* p : {&s.p50, &s.p75, &s.p90, &s.p95, &s.p99, &s.p999, &s.p9999}) {
    *p = std::clamp(*p, s.min, s.max);
  }
  return s;
}

}  // namespace

double order_statistic_coverage(std::size_t n, std::size_t j) {
  if (n < 2 || j == 0 || 2 * j > n) return 0;
  return std::max(0.0, 1.0 - 2.0 * binomial_half_cdf(n, j - 1));
}

Interval median_interval(std::vector<double> samples) {
  Interval iv;
  iv.n = samples.size();
  if (samples.empty()) return iv;
  std::sort(samples.begin(), samples.end());
  const std::size_t n = samples.size();
  iv.min = samples.front();
  iv.max = samples.back();
  iv.median = n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
  // Widen from the middle only as far as needed: the largest j still covering 95%.
  std::size_t j = 1;
  while (2 * (j + 1) <= n && order_statistic_coverage(n, j + 1) >= kTargetConfidence)
    ++j;
  iv.low = samples[j - 1];
  iv.high = samples[n - j];
  iv.confidence = order_statistic_coverage(n, j);
  return iv;
}

TrialStats summarize_trials(const std::vector<std::vector<RunResult>>& trials, bool compare) {
  TrialStats stats;
  stats.count = 0;
  for (const auto& runs : trials) {
    if (runs.empty()) continue;
    stats.count = std::max(stats.count, runs.size());
    std::vector<double> rps, p50, p90, p99, mean;
    for (const RunResult& r : runs) {
      rps.push_back(r.rps);
      p50.push_back(r.latency.p50);
      p90.push_back(r.latency.p90);
      p99.push_back(r.latency.p99);
      mean.push_back(r.latency.mean);
    }
    stats.modes.push_back(ModeTrialStats{
        runs.front().mode, runs.front().protocol, median_interval(rps), median_interval(p50),
        median_interval(p90), median_interval(p99), median_interval(mean)});
  }
  if (!compare || trials.size() < 2 || trials.front().empty()) return stats;
  const auto& base = trials.front();
  stats.baseline = base.front().mode;
  stats.baseline_protocol = base.front().protocol;
  for (std::size_t m = 1; m < trials.size(); ++m) {
    if (trials[m].empty()) continue;
    SpeedupTrialStats s;
    s.mode = trials[m].front().mode;
    s.protocol = trials[m].front().protocol;
    for (std::size_t t = 0; t < std::min(base.size(), trials[m].size()); ++t) {
      const double base_rate = successful_rps(base[t]);
      const double rate = successful_rps(trials[m][t]);
      if (base_rate > 0 && rate > 0) {
        s.per_trial.push_back(rate / base_rate);
      }
    }
    s.factor = median_interval(s.per_trial);
    s.significant = s.factor.n >= 2 && !s.factor.contains(1.0);
    stats.speedups.push_back(std::move(s));
  }
  return stats;
}

void use_trial_speedups(Comparison& comparison, const TrialStats& stats) {
  if (stats.count < 2) return;
  for (Speedup& s : comparison.speedups) {
    for (const SpeedupTrialStats& t : stats.speedups) {
      if (t.mode != s.mode || t.protocol != s.protocol) continue;
      s.factor = t.factor.n > 0 ? t.factor.median : 0;
      s.time_saved_pct = s.factor > 0 ? (1.0 - 1.0 / s.factor) * 100.0 : 0;
    }
  }
}

RunResult combine_runs(const std::vector<RunResult>& runs) {
  if (runs.empty()) return RunResult{};
  if (runs.size() == 1) return runs.front();
  RunResult total;
  total.mode = runs.front().mode;
  total.protocol = runs.front().protocol;
  total.streams_per_connection = runs.front().streams_per_connection;
  std::vector<std::pair<LatencySummary, std::uint64_t>> latency, service, connect;
  for (const RunResult& r : runs) {
    total.requests += r.requests;
    total.succeeded += r.succeeded;
    total.failed += r.failed;
    total.aborted += r.aborted;
    total.dropped += r.dropped;
    for (std::size_t k = 0; k < kErrorKindCount; ++k) {
      total.errors[k] += r.errors[k];
      if (total.error_examples[k].empty()) total.error_examples[k] = r.error_examples[k];
    }
    for (const auto& [code, count] : r.status_codes)
      total.status_codes[code] += count;
    total.elapsed_s += r.elapsed_s;
    total.bytes_received += r.bytes_received;
    total.connections += r.connections;
    total.cpu_s += r.cpu_s;
    total.histogram.merge(r.histogram);
    total.service_histogram.merge(r.service_histogram);
    total.connect_histogram.merge(r.connect_histogram);
    total.tls_handshake_histogram.merge(r.tls_handshake_histogram);
    total.ttfb_histogram.merge(r.ttfb_histogram);
    total.body_histogram.merge(r.body_histogram);
    total.loop_lag_histogram.merge(r.loop_lag_histogram);
    // Trials ran one after another: the mean in flight weighs each by its duration.
    total.concurrency_mean += r.concurrency_mean * r.elapsed_s;
    total.concurrency_peak = std::max(total.concurrency_peak, r.concurrency_peak);
    total.concurrency_requested = std::max(total.concurrency_requested, r.concurrency_requested);
    total.connections_reused += r.connections_reused;
    if (total.urls.size() < r.urls.size()) total.urls.resize(r.urls.size());
    for (std::size_t i = 0; i < r.urls.size(); ++i) {
      UrlResult& line = total.urls[i];
      line.label = r.urls[i].label;
      line.requests += r.urls[i].requests;
      for (std::size_t c = 0; c < line.status_classes.size(); ++c)
        line.status_classes[c] += r.urls[i].status_classes[c];
      line.histogram.add(r.urls[i].histogram);
    }
    total.client_threads = std::max(total.client_threads, r.client_threads);
    if (r.rss_start_kb != 0) {
      total.rss_start_kb =
          total.rss_start_kb != 0 ? std::min(total.rss_start_kb, r.rss_start_kb) : r.rss_start_kb;
    }
    total.rss_peak_kb = std::max(total.rss_peak_kb, r.rss_peak_kb);
    // Trials ran one after another: their timelines follow each other.
    total.timeline.append(r.timeline);
    latency.emplace_back(r.latency, r.histogram.count());
    service.emplace_back(r.service_time, r.service_histogram.count());
    connect.emplace_back(r.connect_time, r.connect_histogram.count());
    total.reconnects += r.reconnects;
    total.redirects += r.redirects;
    total.cross_origin_redirects += r.cross_origin_redirects;
    total.unfollowed_cross_origin += r.unfollowed_cross_origin;
    total.tls_full_handshakes += r.tls_full_handshakes;
    total.tls_resumed_handshakes += r.tls_resumed_handshakes;
    total.after_deadline += r.after_deadline;
    total.open_loop = total.open_loop || r.open_loop;
    total.target_rate = std::max(total.target_rate, r.target_rate);
    total.late_starts += r.late_starts;
    total.max_start_lag_ms = std::max(total.max_start_lag_ms, r.max_start_lag_ms);
    total.interrupted = total.interrupted || r.interrupted;
    if (r.started_at > 0) {
      total.started_at =
          total.started_at > 0 ? std::min(total.started_at, r.started_at) : r.started_at;
    }
    total.ended_at = std::max(total.ended_at, r.ended_at);
  }
  set_rates(total);
  total.latency = combine_latency(total.histogram, latency);
  total.service_time = combine_latency(total.service_histogram, service);
  total.connect_time = combine_latency(total.connect_histogram, connect);
  total.tls_handshake_time = summarize_latency(total.tls_handshake_histogram);
  total.ttfb_time = summarize_latency(total.ttfb_histogram);
  total.body_time = summarize_latency(total.body_histogram);
  total.loop_lag = summarize_latency(total.loop_lag_histogram);
  total.concurrency_mean = total.elapsed_s > 0 ? total.concurrency_mean / total.elapsed_s : 0;
  for (UrlResult& line : total.urls)
    summarize_url(line, total.elapsed_s);
  return total;
}

}  // namespace httpbench
