// Loopback listeners for the connect tests: a port nothing listens on, and one whose accept
// queue is full, so that a connect to it neither completes nor fails.
#pragma once

#include <cstdint>
#include <string>

namespace httpbench::test {

// A port nothing listens on: bound once to get a free number, then released.
std::uint16_t closed_port();

// A listener whose accept queue is full and never drained: Linux drops the SYNs of further
// connects, so they stay in progress until the client gives up.
class FullBacklogListener {
 public:
  FullBacklogListener();
  ~FullBacklogListener();
  FullBacklogListener(const FullBacklogListener&) = delete;
  FullBacklogListener& operator=(const FullBacklogListener&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

 private:
  int listener_ = -1;
  int fillers_[2] = {-1, -1};
  std::uint16_t port_ = 0;
};

}  // namespace httpbench::test
