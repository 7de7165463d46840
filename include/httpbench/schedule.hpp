// When each request of a run is meant to start, and when no more may start.
//
// Closed loop (no rate): a request is meant to start as soon as a client is free, so its intended
// time is "now". Open loop (a rate): request k is meant to start at begin + k / rate whatever
// happened to earlier requests; latency is measured from that instant, so a stalled server shows
// in the percentiles instead of silently slowing the client (coordinated omission).
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>

namespace httpbench {

class Schedule {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();

  // `max_requests` may be kUnlimited when a duration bounds the run; `rate` 0 means closed loop.
  Schedule(std::uint64_t max_requests, std::optional<std::chrono::nanoseconds> duration,
           double rate)
      : max_requests_(max_requests), duration_(duration), rate_(rate) {}

  void begin(Clock::time_point start) {
    start_ = start;
    if (duration_) end_ = start + *duration_;
  }

  // The intended start of request `k` (0-based), or nullopt when the run has no request k.
  std::optional<Clock::time_point> intended(std::uint64_t k, Clock::time_point now) const {
    if (k >= max_requests_) return std::nullopt;
    Clock::time_point when = now;
    if (rate_ > 0) {
      when = start_ + std::chrono::nanoseconds(
                          static_cast<std::int64_t>(static_cast<double>(k) * 1e9 / rate_));
    }
    if (end_ && when >= *end_) return std::nullopt;
    return when;
  }

  bool open_loop() const { return rate_ > 0; }
  // The instant after which no request starts, when a duration was given.
  std::optional<Clock::time_point> end() const { return end_; }

 private:
  std::uint64_t max_requests_;
  std::optional<std::chrono::nanoseconds> duration_;
  double rate_;
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
  Schedule main{200, std::nullopt, 0};
  // Width of the timeline's slots (--interval).
  std::chrono::nanoseconds interval = std::chrono::seconds(1);

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
