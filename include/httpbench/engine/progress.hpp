// Live counters that workers bump and one printer reads, for the progress line and the live view.
// Only created when stderr shows progress: with it off the clients get a null pointer and do no
// work for it. With it on, a request costs a few relaxed atomic operations on the slot of the
// thread that ended it (no locks, no shared cache line between event loops); what the recorder
// knows beyond that (statuses, failures by kind, requests in flight) is copied from the worker's
// own recorder, on its own thread, at most every 100 ms.
#pragma once

#include <array>
#include <atomic>
#include <bit>
#include <cstdint>
#include <string_view>

#include "httpbench/stats/clock.hpp"
#include "httpbench/stats/error.hpp"

namespace httpbench {

class Recorder;

// A coarse latency histogram: 8 buckets per power of two of nanoseconds (within 9 %), up to
// 2^43 ns (2.4 hours); larger values go in the last bucket.
struct CoarseLatency {
  static constexpr std::size_t kSubBits = 3;
  static constexpr std::size_t kBuckets = (41 << kSubBits);

  static std::size_t bucket_of(std::uint64_t ns) {
    if (ns < (1u << kSubBits)) return static_cast<std::size_t>(ns);
    const std::size_t msb = 63 - static_cast<std::size_t>(std::countl_zero(ns));
    const std::size_t sub =
        static_cast<std::size_t>(ns >> (msb - kSubBits)) & ((1u << kSubBits) - 1);
    const std::size_t b = ((msb - kSubBits + 1) << kSubBits) + sub;
    return b < kBuckets ? b : kBuckets - 1;
  }
  // The middle of bucket `b`, nanoseconds.
  static double value_of(std::size_t b) {
    if (b < (1u << kSubBits)) return static_cast<double>(b);
    const std::size_t msb = (b >> kSubBits) + kSubBits - 1;
    const std::size_t sub = b & ((1u << kSubBits) - 1);
    const double low =
        static_cast<double>((std::uint64_t{1} << msb) | (std::uint64_t{sub} << (msb - kSubBits)));
    return low + static_cast<double>(std::uint64_t{1} << (msb - kSubBits)) / 2;
  }
};

// What the printer reads: the sum of every slot at one moment (each counter read once, relaxed).
struct ProgressSnapshot {
  // Requests ended (succeeded or failed) in the current mode.
  std::uint64_t done = 0;
  // Requests failed in the current mode.
  std::uint64_t failed = 0;
  // Latency of the ended requests, counts per CoarseLatency bucket.
  std::array<std::uint64_t, CoarseLatency::kBuckets> latency{};
  // Longest latency so far, nanoseconds.
  std::uint64_t max_ns = 0;
  // Responses by status class: index 1..5 for 1xx..5xx, 0 for anything else (as of the last copy
  // from the recorders, at most 100 ms old).
  std::array<std::uint64_t, 6> status_classes{};
  // Failures by ErrorKind (as of the last copy).
  std::array<std::uint64_t, kErrorKindCount> errors{};
  // Requests started and not yet ended (as of the last copy).
  std::int64_t in_flight = 0;
  // Open loop: requests that started late (as of the last copy).
  std::uint64_t late_starts = 0;

  // The latency at quantile q (0..1) in nanoseconds, from the coarse buckets; 0 when empty.
  double percentile(double q) const;
};

class Progress {
 public:
  // Workers hash onto this many slots; a slot shared by two threads is still exact (fetch_add).
  static constexpr std::size_t kSlots = 16;

  // A request ended at `end`, intended to start at `intended` (latency counts from there, as the
  // recorder's does); `recorder` is the calling worker's, read only on this thread.
  void add(bool ok, Clock::time_point end, Clock::time_point intended, const Recorder& recorder) {
    Slot& s = slots_[slot_index()];
    s.done.fetch_add(1, std::memory_order_relaxed);
    if (!ok) s.failed.fetch_add(1, std::memory_order_relaxed);
    const std::uint64_t ns = end > intended ? elapsed_ns(intended, end) : 0;
    s.latency[CoarseLatency::bucket_of(ns)].fetch_add(1, std::memory_order_relaxed);
    if (ns > s.max_ns.load(std::memory_order_relaxed)) update_max(s, ns);
    if (end >= next_copy_at()) copy_from(recorder, end);
  }

  // Zeroes every counter for the next mode. Call with no worker running.
  void reset();

  ProgressSnapshot snapshot() const;

  // Requests ended so far (the plain progress line reads only these two).
  std::uint64_t done() const;
  std::uint64_t failed() const;

 private:
  struct alignas(64) Slot {
    std::atomic<std::uint64_t> done{0};
    std::atomic<std::uint64_t> failed{0};
    std::atomic<std::uint64_t> max_ns{0};
    std::array<std::atomic<std::uint64_t>, CoarseLatency::kBuckets> latency{};
    std::array<std::atomic<std::uint64_t>, 6> status_classes{};
    std::array<std::atomic<std::uint64_t>, kErrorKindCount> errors{};
    std::atomic<std::int64_t> in_flight{0};
    std::atomic<std::uint64_t> late_starts{0};
  };

  // This thread's slot (threads are numbered on their first request).
  static std::size_t slot_index();
  // When this thread copies from its recorder next.
  static Clock::time_point& next_copy_at();
  static void update_max(Slot& s, std::uint64_t ns);
  // Adds what `recorder` counted since this thread's last copy to the thread's slot.
  void copy_from(const Recorder& recorder, Clock::time_point now);

  std::array<Slot, kSlots> slots_{};
  // Bumped by reset(): a thread's copy state from an earlier mode is then stale.
  std::atomic<std::uint64_t> epoch_{0};
};

}  // namespace httpbench
