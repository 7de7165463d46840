// Layer serve/: the built-in target server (used by demos, tests and benchmarks). It may use
// connection, codec and stats.
//
// The built-in test target: an HTTP/1.1 and HTTP/2 server with configurable latency and body size.
// HTTP/1.1 and h2c share a port (told apart by the client's connection preface); with TLS, ALPN
// selects h2 or http/1.1.
//
// Every request is answered after `delay` plus a uniform random share of `jitter`, with a body of
// `body_size` bytes. The query string overrides per request: ?delay=50ms&status=503&size=1024
// (and close=1 to close the connection after the response, over HTTP/2 a GOAWAY; redirect=URL
// answers with that Location and status 302, or the one given). HTTP/2 answers every stream on
// its own schedule: a delayed stream holds back no other stream of its connection. With
// `max_concurrent`, at most that many requests are handled at once and the rest queue, like a
// server with a fixed worker pool, or (with `shed`) get an immediate 503, like a server that sheds
// load.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace httpbench {

struct ServeOptions {
  // Address to listen on: loopback unless asked otherwise.
  std::string address = "127.0.0.1";
  // 0 picks a free port.
  std::uint16_t port = 8080;
  std::chrono::nanoseconds delay{0};
  std::chrono::nanoseconds jitter{0};
  std::uint64_t body_size = 2;
  // Requests handled at once, at most; further requests wait in a queue (first come, first served)
  // until a slot frees. 0: no limit.
  std::uint64_t max_concurrent = 0;
  // With max_concurrent: answer 503 at once when every slot is taken instead of queueing, like a
  // server that sheds load.
  bool shed = false;
  // Serve https with this certificate chain and key (PEM files).
  std::optional<std::string> tls_cert;
  std::optional<std::string> tls_key;
  // HTTP/2: SETTINGS_MAX_CONCURRENT_STREAMS advertised to each client (nginx's default).
  std::uint32_t max_streams = 128;
  // HTTP/2: streams served on a connection before a GOAWAY ends it, like nginx's
  // keepalive_requests; 0: no limit.
  std::uint64_t h2_max_requests = 0;
  // Listen on this Unix domain socket instead of TCP (`address` and `port` unused). A stale socket
  // file at the path is replaced; the file is removed when the server is destroyed.
  std::optional<std::string> unix_socket;

  // Throws UsageError on a value the server cannot use.
  void validate() const;
};

class Server {
 public:
  // Binds and listens; throws std::runtime_error when the address cannot be bound.
  explicit Server(const ServeOptions& options);
  // Stops and joins the background thread if start() was called.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound port (the chosen one when 0 was asked for).
  std::uint16_t port() const;
  // "http://127.0.0.1:PORT/"; with a Unix socket "http://localhost/" (the URL to give with
  // --unix-socket).
  std::string url() const;

  // Serves on a background thread until stop().
  void start();
  // Serves on the calling thread until stop() is called from elsewhere.
  void run();
  // Thread-safe; idempotent.
  void stop();

  // Holds every response, including those already waiting, until `duration` from now: a server
  // that stalls, for showing coordinated omission. Thread-safe.
  void stall_for(std::chrono::nanoseconds duration);

  // Requests fully read so far (thread-safe).
  std::uint64_t requests_received() const;
  // Request body bytes read so far, all requests together (thread-safe).
  std::uint64_t request_body_bytes() const;
  // Connections accepted so far (thread-safe).
  std::uint64_t connections_accepted() const;
  // The most requests handled at once so far: from the request read (and a --max-concurrent slot
  // taken) to its response written (thread-safe).
  std::uint64_t peak_in_flight() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace httpbench
