// A blocking HTTP/1.1 or HTTP/2 client: one connection, one request at a time, on the calling
// thread.
//
// Every wait is a poll() with the request's deadline, so a silent or trickling server ends in a
// timeout rather than a hang, and a stop request is noticed within 100 ms.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>

#include "httpbench/connection/client_config.hpp"
#include "httpbench/stats/protocol.hpp"

namespace httpbench {

class Exchange;
class Recorder;

class SyncClient {
 public:
  // Over HTTP/2 (`protocol`), one stream at a time on the connection, through the same codec as
  // the async client.
  SyncClient(const ClientConfig& config, Protocol protocol);
  ~SyncClient();
  SyncClient(const SyncClient&) = delete;
  SyncClient& operator=(const SyncClient&) = delete;

  // Sends request number `number` (its line with --urls) and reads its response, recording the
  // outcome; latency runs from `intended`. Returns false, recording nothing but the start, when
  // `stop` was set while waiting.
  bool run_one(Recorder& recorder, const std::atomic<bool>& stop,
               std::chrono::steady_clock::time_point intended, std::uint64_t number);

 private:
  bool run_http2(Exchange& x, const std::atomic<bool>& stop);

  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace httpbench
