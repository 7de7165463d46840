// Fixed-memory log-linear latency histogram (HdrHistogram's bucket scheme).
//
// Values are nanoseconds. Every value up to kHighestTrackable (about 2.4 hours) is kept with a
// relative error of at most 1/1024 (3 significant digits); larger values are clamped and counted
// as saturated. The counts (about 270 KB) are allocated once, by the first record or merge, so
// histograms that stay empty cost nothing; record() is O(1) and allocates at most that once.
#pragma once

#include <cstdint>
#include <memory>

namespace httpbench {

class Histogram {
 public:
  // 2^11 sub-buckets: each power-of-two range is split into 1024 equal steps.
  static constexpr int kSubBucketBits = 11;
  static constexpr std::uint64_t kHighestTrackable = std::uint64_t{1} << 43;
  // Largest relative distance between a recorded value and the value reported for it.
  static constexpr double kRelativePrecision = 1.0 / 1024.0;

  Histogram() = default;
  Histogram(const Histogram& other);
  Histogram& operator=(const Histogram& other);
  Histogram(Histogram&&) noexcept = default;
  Histogram& operator=(Histogram&&) noexcept = default;

  void record(std::uint64_t value_ns) { record(value_ns, 1); }
  void record(std::uint64_t value_ns, std::uint64_t count);
  // Adds every sample of `other`: the same as having recorded both sets into one histogram.
  void merge(const Histogram& other);
  void reset();

  std::uint64_t count() const { return count_; }
  // Smallest and largest recorded values, exact; 0 when empty.
  std::uint64_t min() const { return count_ == 0 ? 0 : min_; }
  std::uint64_t max() const { return max_; }
  // Exact mean of the recorded (clamped) values; 0 when empty.
  double mean() const;
  // Population standard deviation from exact sums; 0 when empty.
  double stdev() const;
  // Samples clamped to kHighestTrackable.
  std::uint64_t saturated() const { return saturated_; }

  // The value at quantile q in [0, 1]: the smallest bucket bound that covers at least
  // ceil(q * count) samples, clamped to [min, max]. 0 when empty.
  std::uint64_t value_at_quantile(double q) const;

  // Calls fn(lowest_ns, highest_ns, count) for each non-empty bucket, in increasing order.
  template <class Fn>
  void for_each_bucket(Fn&& fn) const {
    if (count_ == 0) return;
    for (std::size_t i = lowest_index_; i <= highest_index_; ++i) {
      if (counts_[i] != 0) fn(lowest_value_at(i), highest_value_at(i), counts_[i]);
    }
  }

  // Bucket arithmetic, public for tests and for merging exported bucket lists.
  static std::size_t index_of(std::uint64_t value);
  static std::uint64_t lowest_value_at(std::size_t index);
  static std::uint64_t highest_value_at(std::size_t index);

 private:
  void allocate();

  struct Free {
    void operator()(std::uint64_t* p) const;
  };
  // Samples per bucket; null until the first sample. 270 KB mapped from the kernel (mmap): its
  // pages read as zero and cost a fault only where a sample lands. Zeroing it all (a vector) cost
  // 66 faults per histogram, 460 of them in the measured phase of a short run. Not calloc either:
  // once a block this size has been freed, glibc raises its mmap threshold and serves the next
  // from the heap, zeroed by a memset of all 270 KB (seen as 3 % of the CPU of the async mode in
  // --mode compare, the histograms of the modes before it having been freed).
  std::unique_ptr<std::uint64_t[], Free> counts_;
  std::uint64_t count_ = 0;
  std::uint64_t min_ = 0;
  std::uint64_t max_ = 0;
  // Sum of values in nanoseconds; 2^43 ns * 2^20 samples still fits.
  double sum_ = 0;
  // Sum of squared values, for the standard deviation.
  double sum_squares_ = 0;
  std::uint64_t saturated_ = 0;
  // Range of indexes that may be non-zero, so scans skip empty ends.
  std::size_t lowest_index_ = 0;
  std::size_t highest_index_ = 0;
};

}  // namespace httpbench
