#include "httpbench/stats/histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using namespace httpbench;

namespace {

// The exact value at quantile q of sorted samples, by the same rank rule the histogram uses.
std::uint64_t exact_quantile(const std::vector<std::uint64_t>& sorted, double q) {
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

void expect_quantiles_within_precision(std::vector<std::uint64_t> samples) {
  Histogram h;
  for (auto v : samples)
    h.record(v);
  std::sort(samples.begin(), samples.end());
  ASSERT_EQ(h.count(), samples.size());
  EXPECT_EQ(h.min(), samples.front());
  EXPECT_EQ(h.max(), samples.back());
  for (double q : {0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 0.9999, 1.0}) {
    const double exact = static_cast<double>(exact_quantile(samples, q));
    const double got = static_cast<double>(h.value_at_quantile(q));
    EXPECT_LE(std::abs(got - exact), exact * Histogram::kRelativePrecision + 1.0)
        << "q=" << q << " exact=" << exact << " got=" << got;
  }
}

}  // namespace

TEST(Histogram, BucketsCoverValuesWithBoundedError) {
  for (std::uint64_t v : std::initializer_list<std::uint64_t>{
           0, 1, 1023, 2047, 2048, 2049, 123456789, Histogram::kHighestTrackable}) {
    const auto i = Histogram::index_of(v);
    EXPECT_LE(Histogram::lowest_value_at(i), v);
    EXPECT_GE(Histogram::highest_value_at(i), v);
    const double width =
        static_cast<double>(Histogram::highest_value_at(i) - Histogram::lowest_value_at(i));
    EXPECT_LE(width, static_cast<double>(v) * Histogram::kRelativePrecision + 1.0) << v;
  }
}

TEST(Histogram, UniformSamples) {
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<std::uint64_t> dist(1'000, 100'000'000);
  std::vector<std::uint64_t> s(100'000);
  for (auto& v : s)
    v = dist(rng);
  expect_quantiles_within_precision(s);
}

TEST(Histogram, BimodalSamples) {
  std::mt19937_64 rng(2);
  std::normal_distribution<double> fast(10e6, 0.5e6), slow(50e6, 2e6);
  std::vector<std::uint64_t> s;
  for (int i = 0; i < 50'000; ++i) {
    s.push_back(static_cast<std::uint64_t>(std::max(1.0, fast(rng))));
    s.push_back(static_cast<std::uint64_t>(std::max(1.0, slow(rng))));
  }
  expect_quantiles_within_precision(s);
}

TEST(Histogram, HeavyTailedSamples) {
  std::mt19937_64 rng(3);
  std::lognormal_distribution<double> dist(13.0, 2.0);  // median ~0.4 ms, tail to minutes
  std::vector<std::uint64_t> s(100'000);
  for (auto& v : s)
    v = std::min<std::uint64_t>(static_cast<std::uint64_t>(dist(rng)) + 1,
                                Histogram::kHighestTrackable);
  expect_quantiles_within_precision(s);
}

TEST(Histogram, MergeEqualsRecordingBoth) {
  std::mt19937_64 rng(4);
  std::lognormal_distribution<double> dist(15.0, 1.0);
  Histogram a, b, both;
  for (int i = 0; i < 20'000; ++i) {
    const auto v = static_cast<std::uint64_t>(dist(rng));
    (i % 3 == 0 ? a : b).record(v);
    both.record(v);
  }
  a.merge(b);
  EXPECT_EQ(a.count(), both.count());
  EXPECT_EQ(a.min(), both.min());
  EXPECT_EQ(a.max(), both.max());
  EXPECT_DOUBLE_EQ(a.mean(), both.mean());
  for (double q : {0.5, 0.9, 0.99, 0.999})
    EXPECT_EQ(a.value_at_quantile(q), both.value_at_quantile(q));
  std::vector<std::uint64_t> ca, cb;
  a.for_each_bucket([&](auto, auto hi, auto n) { ca.insert(ca.end(), {hi, n}); });
  both.for_each_bucket([&](auto, auto hi, auto n) { cb.insert(cb.end(), {hi, n}); });
  EXPECT_EQ(ca, cb);
}

TEST(Histogram, SaturatesInsteadOfOverflowing) {
  Histogram h;
  h.record(Histogram::kHighestTrackable * 4);
  EXPECT_EQ(h.saturated(), 1u);
  EXPECT_EQ(h.max(), Histogram::kHighestTrackable);
  EXPECT_EQ(h.value_at_quantile(0.5), Histogram::kHighestTrackable);
}

TEST(Histogram, EmptyReportsZeros) {
  Histogram h;
  EXPECT_EQ(h.value_at_quantile(0.99), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.mean(), 0.0);
}

TEST(Histogram, CopiesAndResetsKeepEverySample) {
  std::mt19937_64 rng(9);
  std::lognormal_distribution<double> dist(16.0, 1.5);
  Histogram original;
  for (int i = 0; i < 5'000; ++i)
    original.record(static_cast<std::uint64_t>(dist(rng)));
  original.record(Histogram::kHighestTrackable * 2);  // one saturated sample
  const auto buckets = [](const Histogram& h) {
    std::vector<std::uint64_t> out;
    h.for_each_bucket([&](auto lo, auto hi, auto n) { out.insert(out.end(), {lo, hi, n}); });
    return out;
  };
  const Histogram copy = original;
  EXPECT_EQ(buckets(copy), buckets(original));
  EXPECT_EQ(copy.count(), original.count());
  EXPECT_EQ(copy.saturated(), 1u);
  EXPECT_DOUBLE_EQ(copy.stdev(), original.stdev());

  // Assigning over a histogram with other samples replaces them all.
  Histogram other;
  other.record(3);
  other.record(Histogram::kHighestTrackable / 2);
  other = original;
  EXPECT_EQ(buckets(other), buckets(original));
  EXPECT_EQ(other.min(), original.min());

  // After a reset nothing of the old samples is left, and recording works again.
  other.reset();
  EXPECT_TRUE(buckets(other).empty());
  // Two values spanning most of the old samples' buckets: any count left over would show.
  other.record(original.value_at_quantile(0.01));
  other.record(original.value_at_quantile(0.99));
  std::uint64_t counted = 0;
  other.for_each_bucket([&](auto, auto, auto n) { counted += n; });
  EXPECT_EQ(counted, 2u);

  Histogram empty_copy = Histogram{};
  EXPECT_EQ(empty_copy.count(), 0u);
  EXPECT_EQ(empty_copy.value_at_quantile(0.5), 0u);
}
