// What the figures mean: whether the client set the pace, what capped the concurrency, and
// whether the compared modes did the same work. Pure functions of the results.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "httpbench/report/report_model.hpp"

namespace httpbench {

// Above this share of its threads' CPU, or this event-loop lag at p99, the client set the pace.
inline constexpr double kClientBoundCpu = 0.9;
inline constexpr double kClientBoundLagMs = 10.0;

struct ClientLoad {
  // CPU time of the client threads over the wall time of the threads that could run at once
  // (threads, at most the machine's cores), 0..1.
  double cpu_utilisation = 0;
  // p99 lag of the event loop's probe timer, ms; nullopt without an event loop (sync, threads).
  std::optional<double> loop_lag_p99_ms;
  // The client was saturated: the figures measure httpbench more than the server.
  bool bound = false;
};

ClientLoad assess_client(const RunResult& r, unsigned cores);

// Little's law: requests per second x mean time in flight (the service time), the mean number in
// flight the throughput implies; set beside the measured mean, the two should agree.
double littles_law_in_flight(const RunResult& r);

// Compare mode with a sync baseline: how many requests the server handled at once, estimated as
// successful throughput x the unloaded (sync) mean latency. nullopt without a sync baseline.
std::optional<double> server_parallelism(const Report& report, const RunResult& run);

// One line each: client-bound runs, concurrency far below what was asked, speedups capped by the
// server's parallelism, and compared modes that did not get the same responses.
std::vector<std::string> insight_notes(const Report& report, unsigned cores);

}  // namespace httpbench
