// The HTTP/1.1 codec of one connection, without I/O: it hands out the bytes of a request, and
// reads the response out of the bytes the driver's socket gave, past interim (1xx) responses,
// into a Transfer. Each driver (the blocking client, the coroutine client) does the reads and
// writes its own way and calls it in between; a codec for another protocol stands beside it with
// the same shape.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/system/error_code.hpp>

#include "httpbench/codec/header_memo.hpp"
#include "httpbench/codec/http1.hpp"
#include "httpbench/codec/response_parser.hpp"
#include "httpbench/codec/response_reader.hpp"
#include "httpbench/codec/transfer.hpp"
#include "httpbench/defaults.hpp"
#include "httpbench/stats/clock.hpp"

namespace httpbench {

class FirstContact;

// How every response of a run is read.
struct ResponseSettings {
  // Largest response header block accepted, bytes.
  std::uint32_t max_header_size = defaults::kMaxHeaderSize;
  // Keep each response's Location header (redirects are followed).
  bool keep_location = false;
  // Offered the first Server header of the run (null: none wanted).
  FirstContact* first_contact = nullptr;
};

class Http1Codec {
 public:
  // Out of line, as are the functions that make and drop parsers: g++ 12 sees the optional
  // parsers as maybe uninitialized where they are inlined.
  explicit Http1Codec(const ResponseSettings& settings);
  ~Http1Codec();
  Http1Codec(const Http1Codec&) = delete;
  Http1Codec& operator=(const Http1Codec&) = delete;

  // Starts the exchange of `request`, whose first byte is written at `write_start`: the bytes to
  // write. Its response is read next.
  std::string_view begin(const PreparedRequest& request, Clock::time_point write_start) {
    write_start_ = write_start;
    connect_answer_ = false;
    expect_response(request.spec.is_head());
    return request.http1;
  }
  // Starts reading a proxy's answer to CONNECT: whatever its status, it ends at its header (a 2xx
  // answer has no body, whatever its headers say; another one is a refusal and the connection is
  // dropped, body unread).
  void begin_connect_answer();

  // Consumes what `buffer` holds into `t`. Returns http::error::need_more while the response is
  // incomplete, nothing when the final response is complete (`t` timed by Transfer::finish), or
  // the error that makes it unreadable.
  boost::system::error_code on_read(boost::beast::flat_buffer& buffer, Transfer& t);
  // The connection ended: completes a response whose body runs to the end of the connection, or
  // returns the error.
  boost::system::error_code on_end_of_stream(Transfer& t);
  // A read failed: records what was known of the response.
  void on_read_error(Transfer& t) { reader_->abandon(t); }

 private:
  // A fresh parser for the next response (Beast parsers are single-use).
  void expect_response(bool head);
  // The response just read is complete: the final one, or an interim one to read past.
  boost::system::error_code on_complete(Transfer& t);

  ResponseSettings settings_;
  HeaderMemo memo_;
  std::optional<ResponseParser> parser_;
  std::optional<ResponseReader> reader_;
  Clock::time_point write_start_{};
  bool head_ = false;
  bool connect_answer_ = false;
};

}  // namespace httpbench
