// Coroutine HTTP/1.1 connections sharing one io_context and one Recorder: the async mode.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "httpbench/client_config.hpp"

namespace boost::asio {
class io_context;
}

namespace httpbench {

class Recorder;
struct Progress;

// State shared by the connections of one async run. Touched only from the io_context's thread.
struct AsyncWork {
  const ClientConfig& config;
  Recorder& recorder;
  // Requests not yet started.
  std::uint64_t remaining = 0;
  // Connection coroutines still running.
  std::uint64_t active = 0;
  // Live counters for the progress line; may be null.
  Progress* progress = nullptr;
  // When the last connection finished.
  std::chrono::steady_clock::time_point finished_at{};
  // Called once when the last connection finishes (the runner wakes its stop watcher).
  std::function<void()> on_finished;
};

// Starts `connections` coroutines on `ioc`; each keeps taking requests from `work` until none are
// left. Run the io_context to drive them.
void spawn_connections(boost::asio::io_context& ioc, AsyncWork& work, std::uint64_t connections);

}  // namespace httpbench
