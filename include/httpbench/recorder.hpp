// Per-worker measurements of one run. Not thread-safe by design: each thread or io_context owns
// one, and they are merged after the workers have stopped.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "httpbench/error.hpp"
#include "httpbench/histogram.hpp"

namespace httpbench {

class Recorder {
 public:
  // Status codes 0..999 are counted; the parser accepts no others.
  static constexpr std::size_t kStatusSlots = 1000;

  // `open_loop`: latency is measured from intended send times, so the service time (from the
  // actual send) is kept apart too; in closed loop the two are the same and only one is kept.
  explicit Recorder(bool open_loop = false) : open_loop_(open_loop) {}

  // A request was handed to a client.
  void record_started() { ++started_; }
  // A complete response was read. `latency_ns` runs from the request's intended start (equal to
  // its actual start in closed loop), `service_ns` from its actual start.
  void record_success(unsigned status, std::uint64_t latency_ns, std::uint64_t service_ns,
                      std::uint64_t bytes);
  // The request ended without a complete response. `message` is kept for the first failure of
  // each kind, so the report can say why.
  void record_failure(ErrorKind kind, std::string_view message);
  // A TCP connection was established in `connect_ns`.
  void record_connection(std::uint64_t connect_ns) {
    ++connections_;
    connect_time_.record(connect_ns);
  }
  // A TLS handshake completed; `resumed` when the server accepted a saved session.
  void record_handshake(bool resumed, std::uint64_t handshake_ns) {
    ++(resumed ? tls_resumed_ : tls_full_);
    tls_handshake_time_.record(handshake_ns);
  }
  // A redirect was followed (counted per hop).
  void record_redirect() { ++redirects_; }
  // A reused connection turned out closed by the server; the request was resent on a new one.
  void record_reconnect() { ++reconnects_; }
  // A request ended after the run's --duration deadline.
  void record_after_deadline() { ++after_deadline_; }
  // A request started `lag_ns` after its intended time (open loop only).
  void record_start_lag(std::uint64_t lag_ns);

  void merge(const Recorder& other);

  // Requests handed to a client, including ones cut short by an interruption.
  std::uint64_t started() const { return started_; }
  std::uint64_t succeeded() const { return succeeded_; }
  std::uint64_t failed() const { return failed_; }
  std::uint64_t errors(ErrorKind kind) const { return errors_[static_cast<std::size_t>(kind)]; }
  const std::string& first_error(ErrorKind kind) const {
    return first_error_[static_cast<std::size_t>(kind)];
  }
  std::uint64_t status_count(unsigned status) const {
    return status < kStatusSlots ? status_[status] : 0;
  }
  // Bytes of response header and body consumed by the parser.
  std::uint64_t bytes_received() const { return bytes_; }
  std::uint64_t connections() const { return connections_; }
  std::uint64_t after_deadline() const { return after_deadline_; }
  std::uint64_t reconnects() const { return reconnects_; }
  std::uint64_t redirects() const { return redirects_; }
  std::uint64_t tls_full_handshakes() const { return tls_full_; }
  std::uint64_t tls_resumed_handshakes() const { return tls_resumed_; }
  std::uint64_t late_starts() const { return late_starts_; }
  std::uint64_t max_start_lag_ns() const { return max_start_lag_ns_; }
  // Latency of successful requests from their intended start, nanoseconds.
  const Histogram& latency() const { return latency_; }
  // Latency of successful requests from their actual start, nanoseconds; in closed loop the
  // same as latency(), which is then the only one kept.
  const Histogram& service_time() const { return open_loop_ ? service_time_ : latency_; }
  bool open_loop() const { return open_loop_; }
  // Time to establish each TCP connection, nanoseconds.
  const Histogram& connect_time() const { return connect_time_; }
  // Time of each TLS handshake, nanoseconds.
  const Histogram& tls_handshake_time() const { return tls_handshake_time_; }

  // A start later than this behind schedule counts as a late start.
  static constexpr std::uint64_t kLateStartNs = 1'000'000;

 private:
  // Latency runs from intended send times; service time is kept apart.
  bool open_loop_ = false;
  // Requests handed to a client.
  std::uint64_t started_ = 0;
  // Requests that got a complete response, whatever its status.
  std::uint64_t succeeded_ = 0;
  // Requests that ended without a complete response.
  std::uint64_t failed_ = 0;
  // Failures by ErrorKind.
  std::array<std::uint64_t, kErrorKindCount> errors_{};
  // First failure message per ErrorKind, empty when none.
  std::array<std::string, kErrorKindCount> first_error_{};
  // Responses by status code.
  std::array<std::uint64_t, kStatusSlots> status_{};
  // Response bytes (header and body) read.
  std::uint64_t bytes_ = 0;
  // TCP connections established.
  std::uint64_t connections_ = 0;
  // Requests that ended after the --duration deadline.
  std::uint64_t after_deadline_ = 0;
  // Requests resent because their reused connection had been closed by the server.
  std::uint64_t reconnects_ = 0;
  // Redirects followed, all hops counted.
  std::uint64_t redirects_ = 0;
  // TLS handshakes, full and resumed from a saved session.
  std::uint64_t tls_full_ = 0;
  std::uint64_t tls_resumed_ = 0;
  // Requests that started more than kLateStartNs after their intended time.
  std::uint64_t late_starts_ = 0;
  // Largest delay between a request's intended and actual start, nanoseconds.
  std::uint64_t max_start_lag_ns_ = 0;
  // Latency from the intended start of successful requests, nanoseconds.
  Histogram latency_;
  // Latency from the actual start of successful requests, nanoseconds.
  Histogram service_time_;
  // TCP connect time, nanoseconds.
  Histogram connect_time_;
  // TLS handshake time, nanoseconds.
  Histogram tls_handshake_time_;
};

}  // namespace httpbench
