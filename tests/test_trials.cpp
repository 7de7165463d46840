// Statistics over trials against fixed fake data with known answers: the order-statistics
// interval, per-pair speedups and their significance, the combination of runs, and the text.
#include "httpbench/stats/trials.hpp"

#include <gtest/gtest.h>

#include "httpbench/report/report.hpp"
#include "httpbench/stats/results.hpp"

using namespace httpbench;

namespace {

RunResult fake_run(Mode mode, double rps, std::uint64_t requests = 100) {
  RunResult r;
  r.mode = mode;
  r.requests = r.succeeded = requests;
  r.status_codes[200] = requests;
  r.elapsed_s = static_cast<double>(requests) / rps;
  r.rps = rps;
  return r;
}

}  // namespace

TEST(Interval, CoverageIsTheBinomialProbability) {
  EXPECT_DOUBLE_EQ(order_statistic_coverage(3, 1), 0.75);          // 1 - 2/8
  EXPECT_DOUBLE_EQ(order_statistic_coverage(6, 1), 1 - 2.0 / 64);  // 0.96875
  EXPECT_NEAR(order_statistic_coverage(10, 2), 1 - 2.0 * 11 / 1024, 1e-12);
  EXPECT_NEAR(order_statistic_coverage(10, 3), 1 - 2.0 * 56 / 1024, 1e-12);
  EXPECT_EQ(order_statistic_coverage(1, 1), 0.0);
}

TEST(Interval, TenSamplesGiveTheSecondAndNinthOrderStatistic) {
  // Shuffled 1..10: j = 2 is the widest rank still covering 95% (97.85%); j = 3 covers 89%.
  const Interval iv = median_interval({7, 3, 10, 1, 5, 9, 2, 8, 4, 6});
  EXPECT_EQ(iv.n, 10u);
  EXPECT_DOUBLE_EQ(iv.median, 5.5);
  EXPECT_DOUBLE_EQ(iv.low, 2);
  EXPECT_DOUBLE_EQ(iv.high, 9);
  EXPECT_NEAR(iv.confidence, 0.978515625, 1e-12);
  EXPECT_DOUBLE_EQ(iv.min, 1);
  EXPECT_DOUBLE_EQ(iv.max, 10);
}

TEST(Interval, TwentySamplesGiveTheSixthAndFifteenth) {
  std::vector<double> samples;
  for (int i = 20; i >= 1; --i)
    samples.push_back(i * 10.0);
  const Interval iv = median_interval(samples);
  EXPECT_DOUBLE_EQ(iv.median, 105);
  EXPECT_DOUBLE_EQ(iv.low, 60);
  EXPECT_DOUBLE_EQ(iv.high, 150);
  EXPECT_GE(iv.confidence, kTargetConfidence);
  EXPECT_NEAR(iv.confidence, 0.9586, 1e-4);
}

TEST(Interval, FewSamplesFallBackToTheRangeAndSaySo) {
  const Interval three = median_interval({3.9, 3.5, 3.7});
  EXPECT_DOUBLE_EQ(three.median, 3.7);
  EXPECT_DOUBLE_EQ(three.low, 3.5);
  EXPECT_DOUBLE_EQ(three.high, 3.9);
  EXPECT_DOUBLE_EQ(three.confidence, 0.75);
  const Interval one = median_interval({42});
  EXPECT_DOUBLE_EQ(one.low, 42);
  EXPECT_DOUBLE_EQ(one.high, 42);
  EXPECT_EQ(one.confidence, 0.0);
  EXPECT_EQ(median_interval({}).n, 0u);
}

TEST(Trials, SpeedupIsComputedPerTrialPair) {
  // Baseline rps drifts between trials; the per-pair ratio does not.
  std::vector<std::vector<RunResult>> trials(2);
  const double base[] = {100, 50, 80, 120, 90, 110};
  const double factor[] = {3.6, 3.7, 3.5, 3.9, 3.8, 3.7};
  for (int t = 0; t < 6; ++t) {
    trials[0].push_back(fake_run(Mode::sync, base[t]));
    trials[1].push_back(fake_run(Mode::async, base[t] * factor[t]));
  }
  const TrialStats stats = summarize_trials(trials, true);
  EXPECT_EQ(stats.count, 6u);
  ASSERT_EQ(stats.speedups.size(), 1u);
  const SpeedupTrialStats& s = stats.speedups[0];
  EXPECT_EQ(s.mode, Mode::async);
  ASSERT_EQ(s.per_trial.size(), 6u);
  EXPECT_NEAR(s.factor.median, 3.7, 1e-9);
  EXPECT_NEAR(s.factor.low, 3.5, 1e-9);  // 6 samples: [min, max] covers 96.9%
  EXPECT_NEAR(s.factor.high, 3.9, 1e-9);
  EXPECT_TRUE(s.significant);
  EXPECT_DOUBLE_EQ(stats.modes[0].rps.median, 95);  // (90 + 100) / 2
}

TEST(Trials, AnIntervalIncludingOneIsNotSignificant) {
  std::vector<std::vector<RunResult>> trials(2);
  const double factor[] = {0.9, 1.1, 1.05};
  for (double f : factor) {
    trials[0].push_back(fake_run(Mode::sync, 100));
    trials[1].push_back(fake_run(Mode::threads, 100 * f));
  }
  const TrialStats stats = summarize_trials(trials, true);
  ASSERT_EQ(stats.speedups.size(), 1u);
  EXPECT_FALSE(stats.speedups[0].significant);

  Report report;
  report.description.compare = true;
  report.description.trials = 3;
  report.description.modes = {Mode::sync, Mode::threads};
  report.trials = trials;
  report.runs = {combine_runs(trials[0]), combine_runs(trials[1])};
  report.comparison = compare_runs(report.runs);
  report.trial_stats = stats;
  const std::string text = format_text(report);
  EXPECT_NE(text.find("threads 1.05x faster than sync (75% CI 0.90x-1.10x): not significant"),
            std::string::npos)
      << text;
}

TEST(Trials, OneTrialIsNeverSignificant) {
  std::vector<std::vector<RunResult>> trials{{fake_run(Mode::sync, 10)},
                                             {fake_run(Mode::async, 100)}};
  const TrialStats stats = summarize_trials(trials, true);
  ASSERT_EQ(stats.speedups.size(), 1u);
  EXPECT_DOUBLE_EQ(stats.speedups[0].factor.median, 10);
  EXPECT_FALSE(stats.speedups[0].significant);
}

TEST(Trials, CombinedRunsAddCountsAndHistogramsExactly) {
  RunResult a = fake_run(Mode::async, 100, 3);
  RunResult b = fake_run(Mode::async, 50, 2);
  for (std::uint64_t v : {1'000'000, 2'000'000, 3'000'000})
    a.histogram.record(v);
  for (std::uint64_t v : {10'000'000, 20'000'000})
    b.histogram.record(v);
  a.latency = summarize_latency(a.histogram);
  b.latency = summarize_latency(b.histogram);
  a.failed = 1;
  a.errors[static_cast<std::size_t>(ErrorKind::timeout)] = 1;
  a.status_codes[200] = 3;
  b.status_codes[200] = 1;
  b.status_codes[503] = 1;
  a.started_at = 1000;
  a.ended_at = 1000.03;
  b.started_at = 1001;
  b.ended_at = 1001.04;
  const RunResult c = combine_runs({a, b});
  EXPECT_EQ(c.requests, 5u);
  EXPECT_EQ(c.failed, 1u);
  EXPECT_EQ(c.error_count(ErrorKind::timeout), 1u);
  EXPECT_EQ(c.status_codes.at(200), 4u);
  EXPECT_EQ(c.status_codes.at(503), 1u);
  EXPECT_EQ(c.histogram.count(), 5u);
  EXPECT_NEAR(c.elapsed_s, 0.03 + 0.04, 1e-12);
  EXPECT_NEAR(c.rps, 5 / 0.07, 1e-9);
  EXPECT_DOUBLE_EQ(c.latency.min, 1.0);
  EXPECT_DOUBLE_EQ(c.latency.max, 20.0);
  EXPECT_NEAR(c.latency.mean, 36.0 / 5, 1e-9);
  EXPECT_NEAR(c.latency.p50, 3.0, 3.0 * Histogram::kRelativePrecision);
  EXPECT_DOUBLE_EQ(c.started_at, 1000);
  EXPECT_DOUBLE_EQ(c.ended_at, 1001.04);
}
