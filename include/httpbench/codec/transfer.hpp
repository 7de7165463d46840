// What one request-response exchange on an open connection produced, for both clients.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <boost/system/error_code.hpp>

#include "httpbench/stats/clock.hpp"
#include "httpbench/stats/error.hpp"

namespace httpbench {

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
  // When the final response was complete; set by finish().
  Clock::time_point finished_at{};
  // Its Location header, kept only when redirects are followed.
  std::string location;

  // The final response is complete: reads the clock, once, and times the phases from
  // `write_start` through `header_done` (unset when the header came with the response's end).
  // Callers pass on finished_at rather than read the clock again.
  void finish(Clock::time_point write_start, std::optional<Clock::time_point> header_done) {
    finished_at = Clock::now();
    const Clock::time_point header_at = header_done.value_or(finished_at);
    ttfb_ns = elapsed_ns(write_start, header_at);
    body_ns = elapsed_ns(header_at, finished_at);
  }
};

}  // namespace httpbench
