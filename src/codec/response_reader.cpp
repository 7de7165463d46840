#include "httpbench/codec/response_reader.hpp"

#include <algorithm>
#include <string_view>

#include <boost/beast/http/error.hpp>

#include "httpbench/codec/header_memo.hpp"
#include "httpbench/codec/read_buffer.hpp"
#include "httpbench/codec/response_parser.hpp"
#include "httpbench/codec/transfer.hpp"

namespace httpbench {

namespace http = boost::beast::http;
using boost::system::error_code;

namespace {

// The header's result for the memo, when the header alone decides where the body ends.
std::optional<ResponseHead> memo_entry(const ResponseParser& parser) {
  if (parser.status() < 200) return std::nullopt;  // an interim response: another one follows
  ResponseHead head{parser.status(), parser.keep_alive(), 0, parser.location()};
  if (parser.is_done()) return head;  // no body: HEAD, 204, 304, Content-Length: 0
  if (parser.chunked() || !parser.content_length()) return std::nullopt;
  head.body_length = *parser.content_length();
  return head;
}

}  // namespace

void ResponseReader::take_parsed(Transfer& t) const {
  t.got_response_bytes = t.got_response_bytes || parser_.got_some();
  t.status = parser_.status();
  t.keep_alive = parser_.is_header_done() && parser_.keep_alive();
  t.location = parser_.location();
}

error_code ResponseReader::consume(boost::beast::flat_buffer& buffer, Transfer& t) {
  while (buffer.size() != 0) {
    const std::string_view data(static_cast<const char*>(buffer.data().data()), buffer.size());
    if (!header_seen_ && !parser_.got_some()) {
      if (const std::size_t header_size = memo_.match(data, head_request_)) {
        header_seen_ = true;
        const ResponseHead& head = memo_.head();
        t.got_response_bytes = true;
        t.status = head.status;
        t.keep_alive = head.keep_alive;
        t.location = head.location;
        t.bytes += header_size;
        buffer.consume(header_size);
        memo_body_left_ = head.body_length;
        break;
      }
    }
    if (memo_body_left_) break;

    parser_.eager(header_seen_);
    error_code ec;
    const std::size_t used = parser_.put(buffer.data(), ec);
    if (!header_seen_ && parser_.is_header_done()) {
      header_seen_ = true;
      if (auto head = memo_entry(parser_))
        memo_.remember(data.substr(0, used), head_request_, *head);
      grow_for_large_responses(buffer, parser_.content_length().value_or(kLargeReadBuffer));
    }
    buffer.consume(used);
    t.bytes += used;
    if (ec && ec != http::error::need_more) {
      take_parsed(t);
      return ec;
    }
    if (parser_.is_done()) {
      take_parsed(t);
      return {};
    }
    if (used == 0) return incomplete();
  }
  if (memo_body_left_) {
    const auto take = std::min<std::uint64_t>(*memo_body_left_, buffer.size());
    buffer.consume(static_cast<std::size_t>(take));
    t.bytes += take;
    *memo_body_left_ -= take;
    if (*memo_body_left_ == 0) return {};
  }
  return incomplete();
}

error_code ResponseReader::incomplete() {
  if (header_seen_ && !header_done_) header_done_ = Clock::now();
  return http::error::need_more;
}

error_code ResponseReader::end_of_stream(Transfer& t) {
  if (memo_body_left_) return http::error::partial_message;
  // Closed before any byte of a response: the server dropped the connection.
  error_code ec = http::error::end_of_stream;
  if (parser_.got_some()) {
    ec = {};
    parser_.put_eof(ec);
  }
  take_parsed(t);
  return ec;
}

void ResponseReader::abandon(Transfer& t) {
  if (!memo_body_left_) take_parsed(t);
}

}  // namespace httpbench
