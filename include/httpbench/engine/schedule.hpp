// When each request of a run is meant to start, and when no more may start.
//
// Closed loop (no rate): a request is meant to start as soon as a client is free, so its intended
// time is "now". Open loop (a rate): request k is meant to start at begin + k / rate whatever
// happened to earlier requests; latency is measured from that instant, so a stalled server shows
// in the percentiles instead of silently slowing the client (coordinated omission).
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

#include "httpbench/defaults.hpp"

namespace httpbench {

class Schedule {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();

  // `max_requests` may be kUnlimited when a duration bounds the run; `rate` 0 means closed loop.
  // Open loop: a request that cannot start within `late_limit` of its intended time is dropped
  // (requests never queue without bound behind a slow server).
  Schedule(std::uint64_t max_requests, std::optional<std::chrono::nanoseconds> duration,
           double rate, std::chrono::nanoseconds late_limit = defaults::kTimeout)
      : max_requests_(max_requests), duration_(duration), rate_(rate), late_limit_(late_limit) {}

  void begin(Clock::time_point start) {
    start_ = start;
    if (duration_) end_ = start + *duration_;
  }

  // The intended start of request `k` (0-based), or nullopt when the run has no request k or its
  // deadline has passed: no request starts after the deadline, even one due before it.
  std::optional<Clock::time_point> intended(std::uint64_t k, Clock::time_point now) const {
    if (k >= max_requests_) return std::nullopt;
    if (end_ && now >= *end_) return std::nullopt;
    const Clock::time_point when = rate_ > 0 ? slot(k) : now;
    if (end_ && when >= *end_) return std::nullopt;
    return when;
  }

  // Open loop: the request intended at `when` can no longer start on time at `now`.
  bool too_late(Clock::time_point when, Clock::time_point now) const {
    return rate_ > 0 && now - when > late_limit_;
  }
  // Open loop: the first request number that is not too late at `now`.
  std::uint64_t first_on_time(Clock::time_point now) const {
    if (rate_ <= 0) return 0;
    return first_slot_at_or_after(now - late_limit_);
  }
  // Open loop: the requests the schedule made due before `cutoff` (and before the deadline); 0 in
  // closed loop, where nothing is due but what a free client takes.
  // Clock::time_point::max(): every request the run may send.
  std::uint64_t due_before(Clock::time_point cutoff) const {
    if (rate_ <= 0) return 0;
    if (cutoff == Clock::time_point::max() && !end_) return max_requests_;
    if (end_) cutoff = std::min(cutoff, *end_);
    return std::min(first_slot_at_or_after(cutoff), max_requests_);
  }
  // Open loop: the requests due but never started, at the end of a phase that started `started`
  // requests and stopped at `stopped_at` (nullopt: it ran to its end).
  std::uint64_t dropped(std::uint64_t started, std::optional<Clock::time_point> stopped_at) const {
    const std::uint64_t due = due_before(stopped_at.value_or(Clock::time_point::max()));
    return due > started ? due - started : 0;
  }

  bool open_loop() const { return rate_ > 0; }
  // The instant after which no request starts, when a duration was given.
  std::optional<Clock::time_point> end() const { return end_; }

 private:
  // The smallest k whose slot is at or after `t`: estimated, then corrected for rounding.
  std::uint64_t first_slot_at_or_after(Clock::time_point t) const {
    if (t <= start_) return 0;
    auto k = static_cast<std::uint64_t>(
        std::ceil(static_cast<double>((t - start_).count()) * rate_ / 1e9));
    while (k > 0 && slot(k - 1) >= t)
      --k;
    while (slot(k) < t)
      ++k;
    return k;
  }
  Clock::time_point slot(std::uint64_t k) const {
    return start_ + std::chrono::nanoseconds(
                        static_cast<std::int64_t>(static_cast<double>(k) * 1e9 / rate_));
  }

  std::uint64_t max_requests_;
  std::optional<std::chrono::nanoseconds> duration_;
  double rate_;
  std::chrono::nanoseconds late_limit_;
  Clock::time_point start_{};
  std::optional<Clock::time_point> end_;
};

}  // namespace httpbench

namespace httpbench {

// What a runner needs besides the client configuration: how many workers, and the warm-up and
// measured phases.
struct RunPlan {
  // Threads (threads mode) or connections (async mode); 1 for sync.
  std::uint64_t workers = 1;
  // Warm-up requests in all, split among the workers, at least one each when there are any.
  std::uint64_t warmup_requests = 0;
  // Or: every worker warms up for this long.
  std::optional<std::chrono::nanoseconds> warmup_duration;
  Schedule main{defaults::kRequests, std::nullopt, 0};
  // Width of the timeline's slots (--interval).
  std::chrono::nanoseconds interval = defaults::kInterval;

  // The warm-up of worker `index`, so that every connection is warm before measuring starts.
  Schedule warmup_for(std::uint64_t index) const {
    if (warmup_duration) return Schedule(Schedule::kUnlimited, warmup_duration, 0);
    if (warmup_requests == 0) return Schedule(0, std::nullopt, 0);
    const std::uint64_t share =
        warmup_requests / workers + (index < warmup_requests % workers ? 1 : 0);
    return Schedule(share == 0 ? 1 : share, std::nullopt, 0);
  }
};

}  // namespace httpbench
