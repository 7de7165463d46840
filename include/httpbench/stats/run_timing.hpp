// What the runner measures around a mode beside its recorders (wall and CPU time, memory, the
// wall-clock span): the runner-facing input of summarize_run, apart from the report model.
#pragma once

#include <chrono>
#include <cstdint>

namespace httpbench {

// What the runner measured around a mode, beside the recorder.
struct RunTiming {
  // Wall time from the first request sent to the last response, nanoseconds.
  std::chrono::nanoseconds elapsed{0};
  // CPU time (user + sys) of the threads that ran the mode, nanoseconds.
  std::chrono::nanoseconds cpu{0};
  // The run was cut short by Ctrl-C.
  bool interrupted = false;
  // Wall-clock start and end of the measured phase, Unix seconds (0 when unknown), so results
  // of separate processes can be merged over their span.
  double started_at = 0;
  double ended_at = 0;
  // Client threads that ran the mode (the CPU time is theirs).
  std::uint64_t client_threads = 1;
  // Resident memory of the process when the mode started, and its peak during the mode, KiB;
  // 0 when unknown.
  std::uint64_t rss_start_kb = 0;
  std::uint64_t rss_peak_kb = 0;
};

}  // namespace httpbench
