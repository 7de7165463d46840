// A small forward HTTP proxy for tests: absolute-form requests are forwarded to the origin and the
// response relayed (keep-alive on both sides), CONNECT opens a tunnel. Blocking sockets, one
// thread per client connection, like hostile_server. It only ever connects to loopback origins.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace httpbench::test {

struct ProxyServerOptions {
  // When set, requests without exactly this Proxy-Authorization value get 407.
  std::optional<std::string> required_authorization;
  // When not 0, every CONNECT is answered with this status (e.g. 403) and the connection closed.
  unsigned refuse_connect = 0;
};

class ProxyServer {
 public:
  // Listens on 127.0.0.1 on a free port.
  explicit ProxyServer(ProxyServerOptions options = {});
  // Stops accepting, wakes and joins every connection thread.
  ~ProxyServer();
  ProxyServer(const ProxyServer&) = delete;
  ProxyServer& operator=(const ProxyServer&) = delete;

  std::uint16_t port() const { return port_; }
  // "http://127.0.0.1:PORT".
  std::string url() const;

  // Every request line seen, in arrival order ("GET http://127.0.0.1:80/ HTTP/1.1",
  // "CONNECT 127.0.0.1:443 HTTP/1.1").
  std::vector<std::string> request_lines() const;
  // The Proxy-Authorization values seen ("" for a request without one), one per request line.
  std::vector<std::string> authorizations() const;
  // Client connections accepted.
  std::uint64_t connections() const { return accepted_.load(); }

 private:
  void accept_loop();
  void serve(int fd);
  void record(const std::string& line, const std::string& authorization);

  ProxyServerOptions options_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> accepted_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
  std::vector<std::string> authorizations_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace httpbench::test
