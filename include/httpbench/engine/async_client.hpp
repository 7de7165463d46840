// The async mode: coroutine HTTP/1.1 connections on one io_context on the calling thread.
#pragma once

#include <atomic>

#include "httpbench/connection/client_config.hpp"
#include "httpbench/engine/schedule.hpp"
#include "httpbench/stats/protocol.hpp"

namespace httpbench {

class Recorder;
class Progress;
struct RunTiming;

// Runs `plan.workers` request coroutines on one io_context until the plan's requests are done
// or `stop` is set (then in-flight requests are abandoned): over HTTP/1.1 a connection each, over
// HTTP/2 `streams` of them to a connection. Records the measured phase into `recorder` and its
// wall and CPU time into `timing`. `progress` may be null.
void run_async_connections(const ClientConfig& config, const RunPlan& plan, Protocol protocol,
                           std::uint32_t streams, Recorder& recorder, RunTiming& timing,
                           const std::atomic<bool>& stop, Progress* progress);

}  // namespace httpbench
