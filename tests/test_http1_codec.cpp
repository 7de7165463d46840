// The HTTP/1.1 codec without I/O, fed bytes the way a socket gives them: the request bytes it
// hands out, interim responses read past, a HEAD response without its body, a body that ends with
// the connection, a proxy's answer to CONNECT, and a connection that ends mid-response.
#include "httpbench/codec/http1_codec.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>

#include "httpbench/codec/first_contact.hpp"

using namespace httpbench;
namespace http = boost::beast::http;

namespace {

PreparedRequest prepared(std::string method = "GET") {
  RequestSpec spec;
  spec.method = std::move(method);
  spec.target.scheme = "http";
  spec.target.host = "h";
  spec.target.target = "/x";
  spec.headers = {{"User-Agent", ""}};
  return PreparedRequest(std::move(spec));
}

// Feeds `wire` to the codec `step` bytes at a time until it is done; `eof` ends the connection
// when the bytes run out.
struct Fed {
  boost::system::error_code ec;
  Transfer t;
};
Fed feed(Http1Codec& codec, boost::beast::flat_buffer& buffer, std::string_view wire,
         std::size_t step, bool eof = false) {
  Fed f;
  for (;;) {
    f.ec = codec.on_read(buffer, f.t);
    if (f.ec != http::error::need_more) return f;
    if (wire.empty()) {
      if (eof) f.ec = codec.on_end_of_stream(f.t);
      return f;
    }
    const std::string_view piece = wire.substr(0, step);
    buffer.commit(boost::asio::buffer_copy(buffer.prepare(piece.size()),
                                           boost::asio::buffer(piece.data(), piece.size())));
    wire.remove_prefix(piece.size());
  }
}

}  // namespace

TEST(Http1Codec, HandsOutTheRequestBytesSerialisedOnce) {
  const PreparedRequest request = prepared();
  Http1Codec codec(ResponseSettings{});
  const std::string_view bytes = codec.begin(request, Clock::now());
  EXPECT_EQ(bytes, "GET /x HTTP/1.1\r\nHost: h\r\n\r\n");
  // The same bytes, not a copy: nothing is serialised per request.
  EXPECT_EQ(bytes.data(), request.http1.data());
}

TEST(Http1Codec, ReadsPastInterimResponsesToTheFinalOne) {
  const PreparedRequest request = prepared("POST");
  const std::string wire =
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s>\r\n\r\n"
      "HTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nabc";
  for (std::size_t step : {1u, 7u, 4096u}) {
    Http1Codec codec(ResponseSettings{});
    boost::beast::flat_buffer buffer;
    codec.begin(request, Clock::now());
    const Fed f = feed(codec, buffer, wire, step);
    EXPECT_FALSE(f.ec) << f.ec.message() << " step " << step;
    EXPECT_EQ(f.t.status, 201u);
    EXPECT_EQ(f.t.bytes, wire.size());
    EXPECT_TRUE(f.t.keep_alive);
    EXPECT_NE(f.t.finished_at, Clock::time_point{});
    EXPECT_EQ(buffer.size(), 0u);
  }
}

TEST(Http1Codec, AHeadResponseHasNoBodyAndABodyMayEndWithTheConnection) {
  Http1Codec codec(ResponseSettings{});
  boost::beast::flat_buffer buffer;
  codec.begin(prepared("HEAD"), Clock::now());
  Fed head = feed(codec, buffer, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", 5);
  EXPECT_FALSE(head.ec);
  EXPECT_EQ(head.t.status, 200u);

  codec.begin(prepared(), Clock::now());
  Fed to_close = feed(codec, buffer, "HTTP/1.0 200 OK\r\n\r\nbody until close", 6, true);
  EXPECT_FALSE(to_close.ec) << to_close.ec.message();
  EXPECT_FALSE(to_close.t.keep_alive);
  EXPECT_EQ(to_close.t.bytes, 35u);
}

TEST(Http1Codec, AConnectionEndingMidResponseIsAReadError) {
  Http1Codec codec(ResponseSettings{});
  boost::beast::flat_buffer buffer;
  codec.begin(prepared(), Clock::now());
  Fed cut = feed(codec, buffer, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 64, true);
  EXPECT_EQ(cut.ec, http::error::partial_message);
  EXPECT_TRUE(cut.t.got_response_bytes);
  // An interim response and then the end: the final response never came.
  codec.begin(prepared(), Clock::now());
  buffer.clear();
  Fed interim_only = feed(codec, buffer, "HTTP/1.1 100 Continue\r\n\r\n", 64, true);
  EXPECT_TRUE(interim_only.ec);
}

TEST(Http1Codec, AProxysAnswerToConnectEndsAtItsHeader) {
  Http1Codec codec(ResponseSettings{});
  boost::beast::flat_buffer buffer;
  codec.begin_connect_answer();
  // A 2xx answer has no body, whatever its headers say.
  Fed opened =
      feed(codec, buffer, "HTTP/1.1 200 Connection established\r\nContent-Length: 5\r\n\r\n", 3);
  EXPECT_FALSE(opened.ec);
  EXPECT_EQ(opened.t.status, 200u);
  EXPECT_EQ(opened.t.finished_at, Clock::time_point{});
  codec.begin_connect_answer();
  Fed refused = feed(codec, buffer, "HTTP/1.1 407 Proxy Authentication Required\r\n\r\n", 100);
  EXPECT_FALSE(refused.ec);
  EXPECT_EQ(refused.t.status, 407u);
}

TEST(Http1Codec, KeepsLocationOnlyWhenAskedAndOffersTheServerHeaderOnce) {
  FirstContact first;
  ResponseSettings settings;
  settings.keep_location = true;
  settings.first_contact = &first;
  Http1Codec codec(settings);
  boost::beast::flat_buffer buffer;
  codec.begin(prepared(), Clock::now());
  Fed f = feed(
      codec, buffer,
      "HTTP/1.1 302 Found\r\nServer: test/1\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n", 9);
  EXPECT_FALSE(f.ec);
  EXPECT_EQ(f.t.location, "/next");
  EXPECT_EQ(first.server(), std::optional<std::string>("test/1"));

  Http1Codec plain(ResponseSettings{});
  plain.begin(prepared(), Clock::now());
  Fed g = feed(plain, buffer, "HTTP/1.1 302 Found\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n",
               100);
  EXPECT_FALSE(g.ec);
  EXPECT_EQ(g.t.location, "");
}
