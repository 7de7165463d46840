// A blocking HTTP/1.1 client: one connection, one request at a time, on the calling thread.
//
// Every wait is a poll() with the request's deadline, so a silent or trickling server ends in a
// timeout rather than a hang, and a stop request is noticed within 100 ms.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>

#include "httpbench/connection/client_config.hpp"

namespace httpbench {

class Recorder;

class SyncClient {
 public:
  explicit SyncClient(const ClientConfig& config);
  ~SyncClient();
  SyncClient(const SyncClient&) = delete;
  SyncClient& operator=(const SyncClient&) = delete;

  // Sends request number `number` (its line with --urls) and reads its response, recording the
  // outcome; latency runs from `intended`. Returns false, recording nothing but the start, when
  // `stop` was set while waiting.
  bool run_one(Recorder& recorder, const std::atomic<bool>& stop,
               std::chrono::steady_clock::time_point intended, std::uint64_t number);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace httpbench
