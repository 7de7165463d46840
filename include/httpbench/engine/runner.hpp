// Layer engine/: the runner, the schedule and the drivers of each concurrency model (sync,
// threads, async), sweeps. It may use connection, codec and stats; never report or cli.
//
// Runs one mode against a resolved target and returns its summary.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "httpbench/connection/client_config.hpp"
#include "httpbench/engine/schedule.hpp"
#include "httpbench/stats/mode.hpp"
#include "httpbench/stats/protocol.hpp"
#include "httpbench/stats/results.hpp"

namespace httpbench {

class Progress;

// One mode's run as the runner executes it: the workers and phases decided before the run (the
// cli layer's plan fills it), and the facts the result records about what was asked for.
struct ModeRun {
  Mode mode = Mode::async;
  // The protocol of its requests (--http2, or `mode:h2` in --compare), and the most streams in
  // flight on one connection (--streams; 1 for HTTP/1.x, and for sync and threads, whose blocking
  // clients send one request at a time). async opens ceil(concurrency / streams) connections.
  Protocol protocol = Protocol::http1;
  std::uint32_t streams = 1;
  // The workers and phases of the whole mode (its measured schedule judges the merged recorder).
  RunPlan plan;
  // async: one part per event loop (io_context), each with its share of the connections,
  // requests, warm-up requests and rate; empty for sync and threads.
  std::vector<RunPlan> loops;
  // Requests per second asked for in total; 0 for a closed loop.
  double rate = 0;
  // Requests in flight asked for (1 for sync).
  std::uint64_t concurrency = 1;
  // --urls: each line's label, in the file's order, for the per-line figures.
  std::vector<std::string> url_labels;
};

// Sends the requests of `run`. Setting `stop` ends the run early: requests in flight are
// abandoned and reported as aborted. `progress` may be null.
RunResult run_mode(const ModeRun& run, const ClientConfig& config, const std::atomic<bool>& stop,
                   Progress* progress);

}  // namespace httpbench
