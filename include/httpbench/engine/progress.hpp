// Live counters that workers bump and one printer reads, for the progress line.
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

namespace httpbench {

struct Progress {
  // Requests ended (succeeded or failed) in the current mode.
  std::atomic<std::uint64_t> done{0};
  // Requests failed in the current mode.
  std::atomic<std::uint64_t> failed{0};

  void add(bool ok) {
    done.fetch_add(1, std::memory_order_relaxed);
    if (!ok) failed.fetch_add(1, std::memory_order_relaxed);
  }
  void reset() {
    done.store(0, std::memory_order_relaxed);
    failed.store(0, std::memory_order_relaxed);
  }
};

}  // namespace httpbench
