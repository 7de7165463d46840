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

  // A request was handed to a client.
  void record_started() { ++started_; }
  // A complete response was read.
  void record_success(unsigned status, std::uint64_t latency_ns, std::uint64_t bytes);
  // The request ended without a complete response. `message` is kept for the first failure of
  // each kind, so the report can say why.
  void record_failure(ErrorKind kind, std::string_view message);
  // A TCP connection was established.
  void record_connection() { ++connections_; }

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
  // Latency of successful requests, nanoseconds.
  const Histogram& latency() const { return latency_; }

 private:
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
  // Latency of successful requests, nanoseconds.
  Histogram latency_;
};

}  // namespace httpbench
