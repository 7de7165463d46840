// Reads one HTTP response out of a connection's buffer, for both clients: the client appends
// what its socket gives and calls consume() until it returns anything but need_more. What the
// response was (status, keep-alive, Location, bytes) goes into a Transfer. Parsing is kept apart
// from the I/O, which is a coroutine in the async client and blocking calls in the sync one.
//
// The header is parsed alone first: so that a large body is read with a large buffer from its
// first byte, and so that the header's bytes can be remembered. A header byte-identical to the
// connection's last one is not parsed again (see HeaderMemo); its body is then counted, not parsed.
#pragma once

#include <cstdint>
#include <optional>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/system/error_code.hpp>

#include "httpbench/stats/clock.hpp"

namespace httpbench {

class HeaderMemo;
class ResponseParser;
struct Transfer;

class ResponseReader {
 public:
  ResponseReader(ResponseParser& parser, HeaderMemo& memo, bool head_request)
      : parser_(parser), memo_(memo), head_request_(head_request) {}

  // Parses and consumes what `buffer` holds. Returns http::error::need_more while the response is
  // incomplete, nothing when it is complete, or the error that makes it unreadable.
  boost::system::error_code consume(boost::beast::flat_buffer& buffer, Transfer& t);
  // The connection ended before the response did: completes a response whose body runs to the
  // end of the connection, or returns the error.
  boost::system::error_code end_of_stream(Transfer& t);
  // A read failed: records what was known of the response.
  void abandon(Transfer& t);

  // When the header was complete, if the response was not: unset while the header is incomplete,
  // and when the header and the end of the response came in one consume() (the caller's reading
  // of the clock at the end then times both). The clock is read once per response, not once per
  // header, because on the keep-alive path every clock reading is a measurable share of the
  // client's CPU per request.
  std::optional<Clock::time_point> header_done() const { return header_done_; }

 private:
  void take_parsed(Transfer& t) const;
  // The response needs more bytes: stamps the header's time if it came in this consume().
  boost::system::error_code incomplete();

  ResponseParser& parser_;
  HeaderMemo& memo_;
  bool head_request_;
  bool header_seen_ = false;
  std::optional<Clock::time_point> header_done_;
  // Set when the memo gave the header: the body bytes still to come.
  std::optional<std::uint64_t> memo_body_left_;
};

}  // namespace httpbench
