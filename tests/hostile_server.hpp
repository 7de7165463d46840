// A scripted, misbehaving HTTP server for tests: every accepted connection runs a handler on its
// own thread with blocking sockets, so a test can send exactly the bytes (or resets) it wants.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace httpbench::test {

class HostileConnection {
 public:
  HostileConnection(int fd, std::uint64_t index, const std::atomic<bool>& stopping)
      : fd_(fd), index_(index), stopping_(stopping) {}

  // Reads one request head, through the blank line; false on EOF, error or server stop.
  bool read_request();
  // Reads exactly `n` bytes of request body (after read_request); false when the peer is gone.
  bool read_body(std::size_t n);
  // The head read last, request line first.
  const std::string& request_head() const { return head_; }
  // Sends all of `bytes`; false when the peer is gone.
  bool send(std::string_view bytes);
  // Closes with a TCP reset (SO_LINGER 0) instead of a FIN.
  void reset();
  // Waits up to `wait` for bytes and appends what one read returns (nothing on a timeout); false
  // when the peer closed, on an error or when the server stops. For peers that parse frames.
  bool receive(std::string& into, std::chrono::milliseconds wait);
  // Sleeps, waking early when the server stops; false when it is stopping.
  bool pause(std::chrono::milliseconds duration);
  // This connection's number, from 0, in accept order.
  std::uint64_t index() const { return index_; }
  int fd() const { return fd_; }

 private:
  int fd_;
  std::uint64_t index_;
  const std::atomic<bool>& stopping_;
  std::string pending_;
  std::string head_;
};

class HostileServer {
 public:
  using Handler = std::function<void(HostileConnection&)>;

  // Listens on 127.0.0.1 on a free port; each connection is handed to `handler`, then closed.
  explicit HostileServer(Handler handler, std::uint64_t max_connections = UINT64_MAX);
  // Stops accepting, wakes and joins every connection thread.
  ~HostileServer();
  HostileServer(const HostileServer&) = delete;
  HostileServer& operator=(const HostileServer&) = delete;

  std::string url() const;
  std::uint16_t port() const { return port_; }
  std::uint64_t connections() const { return accepted_.load(); }
  // Closes the listening socket: connections are refused from then on.
  void stop_listening();

 private:
  void accept_loop();

  Handler handler_;
  std::uint64_t max_connections_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> listening_{true};
  std::atomic<std::uint64_t> accepted_{0};
  std::mutex mutex_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

// A complete response head and body with Content-Length.
std::string http_response(unsigned status, std::string_view body,
                          std::string_view extra_headers = "");

}  // namespace httpbench::test
