// The Universal Scalability Law fit and the knee rule against synthetic curves with known answers.
#include "httpbench/stats/scalability.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

using namespace httpbench;

namespace {

struct Curve {
  std::vector<double> n;
  std::vector<double> x;
};

Curve usl_curve(double lambda, double sigma, double kappa, const std::vector<double>& levels,
                double noise = 0, unsigned seed = 1) {
  Curve c;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> jitter(-noise, noise);
  for (double n : levels) {
    const double x = lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
    c.n.push_back(n);
    c.x.push_back(x * (1 + jitter(rng)));
  }
  return c;
}

const std::vector<double> kDoubling = {1, 2, 4, 8, 16, 32, 64, 128, 256};

struct KnownUsl {
  double lambda, sigma, kappa;
};

class RecoversKnownParameters : public ::testing::TestWithParam<KnownUsl> {};

}  // namespace

TEST_P(RecoversKnownParameters, FromExactData) {
  const KnownUsl k = GetParam();
  const Curve c = usl_curve(k.lambda, k.sigma, k.kappa, kDoubling);
  const auto fit = fit_usl(c.n, c.x);
  ASSERT_TRUE(fit);
  EXPECT_NEAR(fit->lambda, k.lambda, k.lambda * 0.01);
  EXPECT_NEAR(fit->sigma, k.sigma, std::max(k.sigma * 0.02, 1e-4));
  EXPECT_NEAR(fit->kappa, k.kappa, std::max(k.kappa * 0.02, 1e-6));
  EXPECT_GT(fit->r2, 0.9999);
}

TEST_P(RecoversKnownParameters, FromDataWithTwoPercentNoise) {
  const KnownUsl k = GetParam();
  const Curve c = usl_curve(k.lambda, k.sigma, k.kappa, kDoubling, 0.02, 7);
  const auto fit = fit_usl(c.n, c.x);
  ASSERT_TRUE(fit);
  EXPECT_NEAR(fit->lambda, k.lambda, k.lambda * 0.1);
  EXPECT_NEAR(fit->sigma, k.sigma, std::max(k.sigma * 0.3, 2e-3));
  EXPECT_NEAR(fit->kappa, k.kappa, std::max(k.kappa * 0.3, 2e-5));
  EXPECT_GT(fit->r2, 0.98);
}

INSTANTIATE_TEST_SUITE_P(Usl, RecoversKnownParameters,
                         ::testing::Values(KnownUsl{100, 0.05, 0.001},  // peaks near 31
                                           KnownUsl{1000, 0.2, 0.0},    // levels off, no peak
                                           KnownUsl{50, 0.0, 0.0},      // linear scaling
                                           KnownUsl{2000, 0.01, 0.0002}, KnownUsl{10, 0.5, 0.01}));

TEST(Usl, ParametersStayNonNegativeOnSuperlinearData) {
  // Throughput growing faster than linearly (caches warming up) would want a negative sigma.
  const std::vector<double> n = {1, 2, 4, 8};
  const std::vector<double> x = {10, 25, 60, 150};
  const auto fit = fit_usl(n, x);
  ASSERT_TRUE(fit);
  EXPECT_GE(fit->sigma, 0);
  EXPECT_GE(fit->kappa, 0);
  EXPECT_TRUE(std::isfinite(fit->lambda));
  EXPECT_LE(fit->r2, 1.0);
}

TEST(Usl, PredictsAndFindsThePeak) {
  const UslFit fit{100, 0.05, 0.001, 1};
  EXPECT_DOUBLE_EQ(fit.predict(1), 100);
  const auto peak = fit.peak_concurrency();
  ASSERT_TRUE(peak);
  EXPECT_NEAR(*peak, std::sqrt(0.95 / 0.001), 1e-9);
  EXPECT_GT(fit.predict(*peak), fit.predict(*peak * 0.8));
  EXPECT_GT(fit.predict(*peak), fit.predict(*peak * 1.2));
  EXPECT_FALSE((UslFit{100, 0.05, 0, 1}.peak_concurrency()));
}

TEST(Usl, NeedsThreeDistinctLevelsWithThroughput) {
  EXPECT_FALSE(fit_usl(std::vector<double>{1, 2}, std::vector<double>{10, 20}));
  EXPECT_FALSE(fit_usl(std::vector<double>{1, 2, 2}, std::vector<double>{10, 20, 21}));
  EXPECT_FALSE(fit_usl(std::vector<double>{1, 2, 4}, std::vector<double>{10, 0, 30}));
  EXPECT_TRUE(fit_usl(std::vector<double>{2, 4, 8}, std::vector<double>{20, 39, 70}));
}

TEST(Usl, FlatThroughputIsFullContention) {
  const std::vector<double> n = {1, 2, 4, 8};
  const std::vector<double> x = {100, 100, 100, 100};
  const auto fit = fit_usl(n, x);
  ASSERT_TRUE(fit);
  EXPECT_NEAR(fit->sigma, 1.0, 1e-3);
  EXPECT_NEAR(fit->lambda, 100, 0.5);
}

TEST(Knee, WhereThroughputStopsGrowingAndP99Grows) {
  // A server with four workers: throughput doubles up to 4, then flat while latency doubles.
  const std::vector<KneePoint> points = {
      {1, 50, 20}, {2, 100, 20}, {4, 199, 20.5}, {8, 200, 41}, {16, 201, 82}};
  EXPECT_EQ(find_knee(points), 4u);
}

TEST(Knee, NoneWhileThroughputKeepsGrowing) {
  const std::vector<KneePoint> points = {{1, 50, 20}, {2, 100, 20}, {4, 190, 21}, {8, 300, 25}};
  EXPECT_FALSE(find_knee(points));
}

TEST(Knee, FlatThroughputWithoutLatencyGrowthIsNoKnee) {
  // An open-loop-like curve: no more throughput, but p99 did not grow either.
  const std::vector<KneePoint> points = {{1, 100, 10}, {2, 101, 10}, {4, 102, 9.5}};
  EXPECT_FALSE(find_knee(points));
}

TEST(Knee, ThroughputDropIsAKnee) {
  const std::vector<KneePoint> points = {{1, 100, 10}, {2, 190, 10.5}, {4, 150, 30}};
  EXPECT_EQ(find_knee(points), 2u);
}

TEST(Knee, GainExactlyAtFivePercentStillScales) {
  const std::vector<KneePoint> points = {{1, 100, 10}, {2, 105, 11}, {4, 106, 12}};
  EXPECT_EQ(find_knee(points), 2u);
}

TEST(Knee, SkipsLevelsWithoutThroughput) {
  const std::vector<KneePoint> points = {{1, 0, 0}, {2, 100, 10}, {4, 101, 20}};
  EXPECT_EQ(find_knee(points), 2u);
}

TEST(Knee, TooFewLevels) {
  EXPECT_FALSE(find_knee(std::vector<KneePoint>{}));
  EXPECT_FALSE(find_knee(std::vector<KneePoint>{{1, 100, 10}}));
}

TEST(SweepSummary, FitsAndFindsTheKnee) {
  std::vector<SweepLevel> levels;
  for (std::uint64_t n : {1, 2, 4, 8, 16}) {
    const double rps = n <= 4 ? 50.0 * static_cast<double>(n) : 200.0;
    const double p99 = n <= 4 ? 20.0 : 5.0 * static_cast<double>(n);
    levels.push_back({n, rps, p99 * 0.9, p99, 100, 0});
  }
  const SweepSummary s = summarize_sweep(levels);
  ASSERT_EQ(s.levels.size(), 5u);
  EXPECT_EQ(s.knee, 4u);
  ASSERT_TRUE(s.usl);
  EXPECT_GT(s.usl->r2, 0.9);
  EXPECT_GE(s.usl->sigma, 0);
  EXPECT_GE(s.usl->kappa, 0);
}
