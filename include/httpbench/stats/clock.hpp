// The one clock httpbench measures with, and conversions to integer nanoseconds.
#pragma once

#include <time.h>

#include <chrono>
#include <cstdint>

namespace httpbench {

using Clock = std::chrono::steady_clock;

// Nanoseconds from `from` to `to`; 0 when `to` is earlier.
inline std::uint64_t elapsed_ns(Clock::time_point from, Clock::time_point to) {
  if (to <= from) return 0;
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(to - from).count());
}

// CPU time (user + sys) consumed so far by the calling thread.
inline std::chrono::nanoseconds thread_cpu_time() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

}  // namespace httpbench
