// What happened when during a run: per-interval counts of completions, errors and bytes, and a
// coarse latency histogram per interval, in bounded memory.
//
// One per Recorder (one per worker, not thread-safe by design), merged after the workers have
// joined. Every worker of a run starts its timeline at the run's start, so slots line up when
// merged. Slots are fixed-size; start() reserves room for kMaxSlots of them, so recording never
// allocates. When a run outlasts kMaxSlots intervals, adjacent slots are merged in pairs and the
// interval doubles, so a run of any length keeps at most kMaxSlots slots (about 0.6 MB).
//
// Latency precision: each slot has kBuckets log-linear buckets of microseconds, 8 per power of
// two (HdrHistogram's scheme with 3 sub-bucket bits), exact below 8 us, up to 2^34 us (4.7
// hours; larger values are clamped). A bucket is at most 1/8 of its lower bound wide and a
// percentile is reported as its bucket's midpoint, clamped to the slot's exact min and max: within
// 6.25% of the exact value (the exact figures of the whole run come from the full Histogram).
// Counters are 32 bits and saturate (4 billion requests in one bucket of one slot).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <vector>

#include "httpbench/stats/clock.hpp"

namespace httpbench {

class Timeline {
 public:
  // Slots kept at most; past that, pairs merge and the interval doubles.
  static constexpr std::size_t kMaxSlots = 600;
  // Latency buckets per slot.
  static constexpr std::size_t kBuckets = 256;
  static constexpr std::chrono::nanoseconds kDefaultInterval = std::chrono::seconds(1);

  struct Slot {
    // Requests that got a complete response (any status) in this interval.
    std::uint64_t completed = 0;
    // Requests that ended without a complete response in this interval.
    std::uint64_t errors = 0;
    // Response bytes read by the requests completed in this interval.
    std::uint64_t bytes = 0;
    // Measured time this slot covers, nanoseconds: the interval, less in the run's last slot; 0
    // until finish(), and for gaps between merged files.
    std::uint64_t span_ns = 0;
    // Smallest and largest latency of the completed requests, nanoseconds, exact; 0 when none.
    std::uint64_t min_ns = 0;
    std::uint64_t max_ns = 0;
    // Completed requests per latency bucket (see bucket_of).
    std::array<std::uint32_t, kBuckets> latency{};

    // Latency at quantile q in [0, 1], nanoseconds (precision: see the top of this file; q = 0
    // and the last rank are the exact min and max); 0 when no request completed.
    std::uint64_t latency_at_quantile(double q) const;
    // Adds the counts of `other`; spans add too (for slots covering consecutive times).
    void add(const Slot& other);
    // A request completed after `latency_ns` with `bytes` of response.
    void record(std::uint64_t latency_ns, std::uint64_t bytes) {
      ++completed;
      this->bytes += bytes;
      if (completed == 1 || latency_ns < min_ns) min_ns = latency_ns;
      if (latency_ns > max_ns) max_ns = latency_ns;
      std::uint32_t& n = latency[bucket_of(latency_ns)];
      if (n != UINT32_MAX) ++n;
    }
  };

  Timeline() = default;

  // Starts recording: times are measured from `origin`, in slots of `interval` (> 0). Before
  // this, record_* do nothing (a warm-up recorder never starts its timeline).
  void start(Clock::time_point origin, std::chrono::nanoseconds interval);
  bool started() const { return interval_ns_ != 0; }

  // A request completed at `end` after `latency_ns`, with `bytes` of response.
  void record_success(Clock::time_point end, std::uint64_t latency_ns, std::uint64_t bytes) {
    if (Slot* s = slot_at(end)) s->record(latency_ns, bytes);
  }
  // A request failed at `when`.
  void record_failure(Clock::time_point when) {
    if (Slot* s = slot_at(when)) ++s->errors;
  }

  // Adds another worker's timeline of the same run, aligned by the two origins.
  void merge(const Timeline& other);
  // Adds `other`, whose time 0 lies `offset` after this timeline's time 0 (before it when
  // negative; time 0 then moves there). Slots are placed by their midpoint, so offsets that are
  // not whole intervals round to the nearest slot; the coarser interval of the two is kept. For
  // runs side by side (merged files): counts add, a slot's span is the longer of the two.
  void add(const Timeline& other, std::chrono::nanoseconds offset);
  // Adds `other` after this timeline's last slot (the next trial of the same mode).
  void append(const Timeline& other);
  // The run lasted `duration` from the origin: adds empty slots up to it and sets every slot's
  // span (the last slot covers what is left of the duration).
  void finish(std::chrono::nanoseconds duration);

  std::chrono::nanoseconds interval() const { return std::chrono::nanoseconds(interval_ns_); }
  const std::vector<Slot>& slots() const { return slots_; }
  // A timeline read back from saved slots (JSON). `interval` > 0.
  static Timeline from_slots(std::chrono::nanoseconds interval, std::vector<Slot> slots);

  // Bucket arithmetic, in nanoseconds; public for tests and for reading saved slots.
  static std::size_t bucket_of(std::uint64_t latency_ns) {
    std::uint64_t us = latency_ns / 1000;
    if (us >= kHighestUs) us = kHighestUs - 1;
    if (us < 8) return static_cast<std::size_t>(us);
    const int k = 63 - __builtin_clzll(us);  // 3 <= k <= 33
    return static_cast<std::size_t>(8 + (k - 3) * 8 + static_cast<int>((us >> (k - 3)) & 7));
  }
  static std::uint64_t bucket_low_ns(std::size_t index);
  // Exclusive upper bound.
  static std::uint64_t bucket_high_ns(std::size_t index);

 private:
  static constexpr std::uint64_t kHighestUs = std::uint64_t{1} << 34;

  Slot* slot_at(Clock::time_point t) {
    if (interval_ns_ == 0) return nullptr;
    const std::int64_t since =
        t > origin_ ? std::chrono::duration_cast<std::chrono::nanoseconds>(t - origin_).count() : 0;
    const auto index = static_cast<std::size_t>(since / interval_ns_);
    if (index < slots_.size()) return &slots_[index];
    return grow_to(since);
  }
  // Makes room for a time `since` ns after the origin (compacting past kMaxSlots).
  Slot* grow_to(std::int64_t since);
  // Merges adjacent pairs of slots; the interval doubles.
  void compact();
  // Re-slots into `interval_ns` (>= the current interval), each slot placed by its midpoint.
  void rebin(std::int64_t interval_ns);

  // The instant time 0 stands for (recording only).
  Clock::time_point origin_{};
  // Slot width, nanoseconds; 0 until started.
  std::int64_t interval_ns_ = 0;
  std::vector<Slot> slots_;
};

}  // namespace httpbench
