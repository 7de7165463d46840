// What one request-response exchange on an open connection produced, for both clients.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/system/error_code.hpp>

#include "httpbench/error.hpp"

namespace httpbench {

// The response to a HEAD request has no body, whatever its Content-Length says.
inline bool is_head_request(std::string_view request) {
  return request.starts_with("HEAD ");
}

struct Transfer {
  // Empty when a final response was read completely.
  boost::system::error_code ec;
  // The step `ec` happened in.
  Phase phase = Phase::write;
  // Some response byte arrived: the request reached the server, so it is not retried.
  bool got_response_bytes = false;
  // Response bytes (headers and body, interim responses included) consumed by the parser.
  std::uint64_t bytes = 0;
  // Status of the final response.
  unsigned status = 0;
  // The final response allows the connection to be reused.
  bool keep_alive = false;
  // From the start of the write to the final response's header, and from there to the end of its
  // body, nanoseconds.
  std::uint64_t ttfb_ns = 0;
  std::uint64_t body_ns = 0;
  // Its Location header, kept only when redirects are followed.
  std::string location;
};

}  // namespace httpbench
