#include "httpbench/stats/histogram.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <new>

namespace httpbench {

namespace {

constexpr int kHalfBits = Histogram::kSubBucketBits - 1;
constexpr std::uint64_t kSubBucketCount = std::uint64_t{1} << Histogram::kSubBucketBits;
constexpr std::uint64_t kSubBucketHalf = kSubBucketCount / 2;
constexpr std::uint64_t kSubBucketMask = kSubBucketCount - 1;

// Bucket b holds values in [2^(b+10), 2^(b+11)) in steps of 2^b (bucket 0 also holds [0, 1024)).
int bucket_of(std::uint64_t value) {
  return 64 - std::countl_zero(value | kSubBucketMask) - Histogram::kSubBucketBits;
}

std::size_t counts_length() {
  return Histogram::index_of(Histogram::kHighestTrackable) + 1;
}

std::size_t counts_bytes() {
  return counts_length() * sizeof(std::uint64_t);
}

}  // namespace

std::size_t Histogram::index_of(std::uint64_t value) {
  const int bucket = bucket_of(value);
  const std::uint64_t sub = value >> bucket;
  return static_cast<std::size_t>((static_cast<std::uint64_t>(bucket) << kHalfBits) + sub);
}

std::uint64_t Histogram::lowest_value_at(std::size_t index) {
  std::uint64_t bucket = index >> kHalfBits;
  std::uint64_t sub = index & (kSubBucketHalf - 1);
  if (bucket == 0) return index;  // the first 2048 indexes are exact values
  sub += kSubBucketHalf;
  bucket -= 1;
  return sub << bucket;
}

std::uint64_t Histogram::highest_value_at(std::size_t index) {
  const std::uint64_t low = lowest_value_at(index);
  const int bucket = bucket_of(low);
  return low + (std::uint64_t{1} << bucket) - 1;
}

Histogram::Histogram(const Histogram& other) {
  *this = other;
}

Histogram& Histogram::operator=(const Histogram& other) {
  if (this == &other) return *this;
  reset();
  merge(other);
  return *this;
}

void Histogram::Free::operator()(std::uint64_t* p) const {
  ::munmap(p, counts_bytes());
}

void Histogram::allocate() {
  if (counts_) return;
  void* p =
      ::mmap(nullptr, counts_bytes(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  counts_.reset(static_cast<std::uint64_t*>(p));
}

void Histogram::record(std::uint64_t value, std::uint64_t n) {
  if (n == 0) return;
  if (value > kHighestTrackable) {
    value = kHighestTrackable;
    saturated_ += n;
  }
  const std::size_t index = index_of(value);
  allocate();
  counts_[index] += n;
  if (count_ == 0) {
    min_ = value;
    max_ = value;
    lowest_index_ = index;
    highest_index_ = index;
  } else {
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
    lowest_index_ = std::min(lowest_index_, index);
    highest_index_ = std::max(highest_index_, index);
  }
  count_ += n;
  const double v = static_cast<double>(value);
  sum_ += v * static_cast<double>(n);
  sum_squares_ += v * v * static_cast<double>(n);
}

void Histogram::merge(const Histogram& other) {
  if (other.count_ == 0) return;
  allocate();
  for (std::size_t i = other.lowest_index_; i <= other.highest_index_; ++i) {
    counts_[i] += other.counts_[i];
  }
  if (count_ == 0) {
    min_ = other.min_;
    max_ = other.max_;
    lowest_index_ = other.lowest_index_;
    highest_index_ = other.highest_index_;
  } else {
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
    lowest_index_ = std::min(lowest_index_, other.lowest_index_);
    highest_index_ = std::max(highest_index_, other.highest_index_);
  }
  count_ += other.count_;
  sum_ += other.sum_;
  sum_squares_ += other.sum_squares_;
  saturated_ += other.saturated_;
}

void Histogram::reset() {
  // Keeps the allocation for reuse, and touches only the range that may be non-zero.
  if (count_ != 0) std::fill(&counts_[lowest_index_], &counts_[highest_index_] + 1, 0);
  count_ = min_ = max_ = saturated_ = 0;
  sum_ = sum_squares_ = 0;
  lowest_index_ = highest_index_ = 0;
}

double Histogram::mean() const {
  return count_ == 0 ? 0.0 : sum_ / static_cast<double>(count_);
}

double Histogram::stdev() const {
  if (count_ == 0) return 0.0;
  const double m = mean();
  const double variance = sum_squares_ / static_cast<double>(count_) - m * m;
  return variance > 0 ? std::sqrt(variance) : 0.0;
}

std::uint64_t Histogram::value_at_quantile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  // Rank of the sample asked for, 1-based; q = 0 asks for the minimum.
  auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  std::uint64_t seen = 0;
  for (std::size_t i = lowest_index_; i <= highest_index_; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::clamp(highest_value_at(i), min_, max_);
  }
  return max_;
}

}  // namespace httpbench
