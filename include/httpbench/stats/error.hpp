// Failure categories for requests, and the exception type for bad user input.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include <boost/system/error_code.hpp>

namespace httpbench {

// Bad command line or input: printed as one line, exit code 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Why a request failed. `status`: a complete response whose status the run does not accept
// (status_rule.hpp); `redirect`: more redirects than --follow allows, or a loop.
enum class ErrorKind : std::size_t {
  connect,
  timeout,
  read,
  write,
  protocol,
  tls,
  status,
  redirect
};
inline constexpr std::size_t kErrorKindCount = 8;
inline constexpr std::array<ErrorKind, kErrorKindCount> kAllErrorKinds = {
    ErrorKind::connect,  ErrorKind::timeout, ErrorKind::read,   ErrorKind::write,
    ErrorKind::protocol, ErrorKind::tls,     ErrorKind::status, ErrorKind::redirect};

std::string_view kind_name(ErrorKind kind);

// The step of a request in which an error happened; it decides the category of plain I/O errors.
enum class Phase { connect, handshake, write, read };

// Maps an error from a request step to its category: timeouts win over the phase, HTTP parse
// errors are `protocol`, a connection dropped while reading is `read`.
ErrorKind classify(const boost::system::error_code& ec, Phase phase);

// The error's message, with a hint where the cause is usually on the client's side.
std::string describe_error(const boost::system::error_code& ec);

// The failure message of a request that hit its own --timeout (whole-request) deadline.
std::string request_deadline_message(std::chrono::nanoseconds timeout);

// True for the ways a server drops an idle keep-alive connection (EOF, reset, broken pipe): on a
// reused connection, before any response byte, the request is retried once on a new connection.
bool is_dropped_connection(const boost::system::error_code& ec);

// Interim responses (100 Continue, 102, 103) precede the final response to the same request.
inline bool is_interim_status(unsigned status) {
  return status >= 100 && status < 200 && status != 101;
}

}  // namespace httpbench
