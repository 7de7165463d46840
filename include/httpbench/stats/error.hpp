// Failure categories for requests, the steps of a request, and the exception type for bad user
// input. Which error falls in which category is decided in connection/failure.hpp.
#pragma once

#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace httpbench {

// Bad command line or input: printed as one line, exit code 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Why a request failed. `status`: a complete response whose status the run does not accept
// (status_rule.hpp); `redirect`: more redirects than --follow allows, or a loop; `reset`: the
// server reset the request's HTTP/2 stream (RST_STREAM), the connection staying up.
enum class ErrorKind : std::size_t {
  connect,
  timeout,
  read,
  write,
  protocol,
  tls,
  status,
  redirect,
  reset
};
inline constexpr std::size_t kErrorKindCount = 9;
inline constexpr std::array<ErrorKind, kErrorKindCount> kAllErrorKinds = {
    ErrorKind::connect, ErrorKind::timeout,  ErrorKind::read,
    ErrorKind::write,   ErrorKind::protocol, ErrorKind::tls,
    ErrorKind::status,  ErrorKind::redirect, ErrorKind::reset};

std::string_view kind_name(ErrorKind kind);

// The step of a request in which an error happened; it decides the category of plain I/O errors.
enum class Phase { connect, handshake, write, read };

// Interim responses (100 Continue, 102, 103) precede the final response to the same request.
inline bool is_interim_status(unsigned status) {
  return status >= 100 && status < 200 && status != 101;
}

}  // namespace httpbench
