// ResponseReader, fed bytes the way a socket gives them: one byte at a time, several responses in
// one read, a body that ends with the connection. The memo must give what a full parse gives.
#include "httpbench/codec/response_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>

#include "httpbench/codec/header_memo.hpp"
#include "httpbench/codec/response_parser.hpp"
#include "httpbench/codec/transfer.hpp"

using namespace httpbench;
namespace http = boost::beast::http;

namespace {

const std::string kResponse = "HTTP/1.1 200 OK\r\nServer: t\r\nContent-Length: 5\r\n\r\nhello";

void append(boost::beast::flat_buffer& buffer, std::string_view bytes) {
  const auto n = boost::asio::buffer_copy(buffer.prepare(bytes.size()),
                                          boost::asio::buffer(bytes.data(), bytes.size()));
  buffer.commit(n);
}

// Reads one response from `buffer`, topped up from `wire` `step` bytes at a time; returns the
// reader's verdict and the transfer.
struct Read {
  boost::system::error_code ec;
  Transfer t;
  bool header_done = false;
};

Read read_one(HeaderMemo& memo, boost::beast::flat_buffer& buffer, std::string_view& wire,
              std::size_t step, bool head_request = false, bool eof_at_end = false) {
  ResponseParser parser(8192);
  if (head_request) parser.skip(true);
  ResponseReader reader(parser, memo, head_request);
  Read r;
  for (;;) {
    r.ec = reader.consume(buffer, r.t);
    if (r.ec != http::error::need_more) break;
    if (wire.empty()) {
      if (eof_at_end) r.ec = reader.end_of_stream(r.t);
      break;
    }
    const std::string_view piece = wire.substr(0, step);
    append(buffer, piece);
    wire.remove_prefix(piece.size());
  }
  r.header_done = reader.header_done().has_value();
  return r;
}

}  // namespace

TEST(ResponseReader, ByteByByteTheSameAsAllAtOnceAndTheSecondComesFromTheMemo) {
  for (const std::size_t step : {std::size_t{1}, std::size_t{7}, std::size_t{4096}}) {
    HeaderMemo memo;
    boost::beast::flat_buffer buffer;
    const std::string two = kResponse + kResponse;
    std::string_view wire = two;
    for (int i = 0; i < 2; ++i) {
      const Read r = read_one(memo, buffer, wire, step);
      ASSERT_FALSE(r.ec) << "step " << step << " response " << i << ": " << r.ec.message();
      EXPECT_EQ(r.t.status, 200u);
      EXPECT_TRUE(r.t.keep_alive);
      EXPECT_TRUE(r.t.got_response_bytes);
      // The header is timed apart only when the rest of the response came in a later read; in
      // one read, the client's clock reading at the end times both.
      EXPECT_EQ(r.header_done, step < kResponse.size()) << "step " << step << " response " << i;
      EXPECT_EQ(r.t.bytes, kResponse.size()) << "step " << step << " response " << i;
    }
    EXPECT_EQ(buffer.size(), 0u);
    EXPECT_TRUE(wire.empty());
  }
}

TEST(ResponseReader, AMemoBodyCutShortByTheServerIsAPartialMessage) {
  HeaderMemo memo;
  boost::beast::flat_buffer buffer;
  std::string_view first = kResponse;
  ASSERT_FALSE(read_one(memo, buffer, first, 4096).ec);
  const std::string cut = kResponse.substr(0, kResponse.size() - 2);
  std::string_view second = cut;
  const Read r = read_one(memo, buffer, second, 4096, false, true);
  EXPECT_EQ(r.ec, http::error::partial_message);
  EXPECT_EQ(r.t.status, 200u);
}

TEST(ResponseReader, ABodyThatEndsWithTheConnectionIsCompleteAtEof) {
  HeaderMemo memo;
  boost::beast::flat_buffer buffer;
  const std::string close_delimited = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nabcdef";
  for (int i = 0; i < 2; ++i) {  // never remembered: the header alone does not end the body
    std::string_view wire = close_delimited;
    const Read r = read_one(memo, buffer, wire, 3, false, true);
    ASSERT_FALSE(r.ec) << r.ec.message();
    EXPECT_EQ(r.t.status, 200u);
    EXPECT_FALSE(r.t.keep_alive);
    EXPECT_EQ(r.t.bytes, close_delimited.size());
  }
}

TEST(ResponseReader, NothingBeforeEofIsEndOfStreamWithNoResponseBytes) {
  HeaderMemo memo;
  boost::beast::flat_buffer buffer;
  std::string_view wire;
  const Read r = read_one(memo, buffer, wire, 1, false, true);
  EXPECT_EQ(r.ec, http::error::end_of_stream);
  EXPECT_FALSE(r.t.got_response_bytes);
  EXPECT_FALSE(r.header_done);
}

TEST(ResponseReader, ChunkedBodiesAreParsedEveryTimeAndLeaveTheNextResponseInTheBuffer) {
  HeaderMemo memo;
  boost::beast::flat_buffer buffer;
  const std::string chunked =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
  const std::string wire_bytes = chunked + chunked + kResponse;
  std::string_view wire = wire_bytes;
  for (int i = 0; i < 2; ++i) {
    const Read r = read_one(memo, buffer, wire, 5);
    ASSERT_FALSE(r.ec) << r.ec.message();
    EXPECT_EQ(r.t.bytes, chunked.size());
  }
  const Read last = read_one(memo, buffer, wire, 5);
  ASSERT_FALSE(last.ec);
  EXPECT_EQ(last.t.bytes, kResponse.size());
}

TEST(ResponseReader, AHeadResponseEndsAtItsHeaderDespiteContentLength) {
  HeaderMemo memo;
  boost::beast::flat_buffer buffer;
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
  const std::string wire_bytes = head + head;
  std::string_view wire = wire_bytes;
  for (int i = 0; i < 2; ++i) {
    const Read r = read_one(memo, buffer, wire, 4096, true);
    ASSERT_FALSE(r.ec) << r.ec.message();
    EXPECT_EQ(r.t.bytes, head.size());
  }
  EXPECT_EQ(buffer.size(), 0u);
}

TEST(ResponseReader, MalformedHeaderIsAnErrorWithTheStatusUnknown) {
  HeaderMemo memo;
  boost::beast::flat_buffer buffer;
  std::string_view wire = "HTTP/1.1 abc OK\r\n\r\n";
  const Read r = read_one(memo, buffer, wire, 4096);
  EXPECT_TRUE(r.ec);
  EXPECT_NE(r.ec, http::error::need_more);
  EXPECT_EQ(r.t.status, 0u);
}
