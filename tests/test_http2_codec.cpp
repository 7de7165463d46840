#include "httpbench/codec/http2_codec.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "httpbench/codec/http2_error.hpp"

namespace httpbench {
namespace {

// Server frames written by hand (RFC 9113, section 4.1), so the codec is checked against the
// wire format rather than against nghttp2 itself.
std::string frame(std::uint8_t type, std::uint8_t flags, std::uint32_t stream,
                  const std::string& payload) {
  std::string f;
  const auto n = static_cast<std::uint32_t>(payload.size());
  f += static_cast<char>((n >> 16) & 0xff);
  f += static_cast<char>((n >> 8) & 0xff);
  f += static_cast<char>(n & 0xff);
  f += static_cast<char>(type);
  f += static_cast<char>(flags);
  for (int shift = 24; shift >= 0; shift -= 8)
    f += static_cast<char>((stream >> shift) & 0xff);
  return f + payload;
}
std::string u32(std::uint32_t v) {
  std::string s;
  for (int shift = 24; shift >= 0; shift -= 8)
    s += static_cast<char>((v >> shift) & 0xff);
  return s;
}
constexpr std::uint8_t kData = 0, kHeaders = 1, kRstStream = 3, kSettings = 4, kGoaway = 7;
constexpr std::uint8_t kEndStream = 1, kEndHeaders = 4, kAck = 1;

std::string settings(const std::string& entries = {}) {
  return frame(kSettings, 0, 0, entries) + frame(kSettings, kAck, 0, "");
}
// A header block of literal fields without indexing, new names (no Huffman).
std::string literal(const std::string& name, const std::string& value) {
  return std::string(1, '\0') + static_cast<char>(name.size()) + name +
         static_cast<char>(value.size()) + value;
}
std::string headers(std::uint32_t stream, const std::string& block, bool end_stream = false) {
  return frame(kHeaders, kEndHeaders | (end_stream ? kEndStream : 0), stream, block);
}
const std::string kStatus200 = "\x88";  // indexed :status 200

struct Ended {
  std::vector<Http2Stream*> streams;
};
Ended* g_ended = nullptr;

class Http2CodecTest : public ::testing::Test {
 protected:
  Http2CodecTest() : codec_(settings_, 8, [](Http2Stream& s) { g_ended->streams.push_back(&s); }) {
    g_ended = &ended_;
    RequestSpec spec;
    spec.target.scheme = "http";
    spec.target.host = "127.0.0.1";
    spec.target.port = 8080;
    spec.target.target = "/path?q=1";
    get_ = PreparedRequest(spec);
    codec_.start();
  }

  void feed(const std::string& bytes) {
    last_ = codec_.on_read(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  std::string drain() {
    std::string out;
    for (std::string_view v = codec_.output(); !v.empty(); v = codec_.output()) {
      out += v;
      codec_.consumed(v.size());
    }
    return out;
  }

  ResponseSettings settings_{4096, true, nullptr};
  Ended ended_;
  Http2Codec codec_;
  PreparedRequest get_;
  boost::system::error_code last_;
};

TEST_F(Http2CodecTest, SendsThePrefaceAndReadsAResponseIntoItsStream) {
  Http2Stream s;
  ASSERT_FALSE(codec_.submit(get_, s, Clock::now()));
  const std::string out = drain();
  EXPECT_EQ(out.substr(0, 24), "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
  feed(settings() + headers(1, kStatus200 + literal("location", "/next")) +
       frame(kData, kEndStream, 1, "hello"));
  ASSERT_FALSE(last_);
  ASSERT_EQ(ended_.streams.size(), 1u);
  EXPECT_FALSE(s.transfer.ec);
  EXPECT_EQ(s.transfer.status, 200u);
  EXPECT_EQ(s.transfer.location, "/next");
  // Both frames of the stream, frame headers included: 9 + 17 and 9 + 5.
  EXPECT_EQ(s.transfer.bytes, 40u);
  EXPECT_TRUE(s.transfer.got_response_bytes);
  EXPECT_FALSE(s.open);
}

TEST_F(Http2CodecTest, ReadsPastAnInterimResponse) {
  Http2Stream s;
  ASSERT_FALSE(codec_.submit(get_, s, Clock::now()));
  drain();
  // :status 103 as a literal with the indexed name :status (index 8).
  feed(settings() + headers(1, std::string("\x08\x03", 2) + "103"));
  EXPECT_TRUE(ended_.streams.empty());
  feed(headers(1, kStatus200, true));
  ASSERT_EQ(ended_.streams.size(), 1u);
  EXPECT_EQ(s.transfer.status, 200u);
  EXPECT_FALSE(s.transfer.ec);
}

TEST_F(Http2CodecTest, OpensOneStreamBeforeTheServersSettingsThenHonoursItsLimit) {
  Http2Stream a, b, c;
  ASSERT_TRUE(codec_.can_submit());
  ASSERT_FALSE(codec_.submit(get_, a, Clock::now()));
  EXPECT_FALSE(codec_.can_submit()) << "no SETTINGS yet: one stream only";
  drain();
  // SETTINGS_MAX_CONCURRENT_STREAMS (3) = 2.
  feed(settings(std::string("\x00\x03", 2) + u32(2)));
  ASSERT_TRUE(codec_.can_submit());
  ASSERT_FALSE(codec_.submit(get_, b, Clock::now()));
  EXPECT_FALSE(codec_.can_submit()) << "the server allows 2";
  EXPECT_EQ(codec_.submit(get_, c, Clock::now()), Http2Error::refused_stream);
  feed(headers(1, kStatus200, true));
  EXPECT_TRUE(codec_.can_submit());
}

TEST_F(Http2CodecTest, AResetStreamEndsAloneAndTheConnectionCarriesOn) {
  Http2Stream a, b;
  feed(settings());
  ASSERT_FALSE(codec_.submit(get_, a, Clock::now()));
  ASSERT_FALSE(codec_.submit(get_, b, Clock::now()));
  drain();
  feed(headers(1, kStatus200) + frame(kRstStream, 0, 1, u32(2)) + headers(3, kStatus200, true));
  ASSERT_EQ(ended_.streams.size(), 2u);
  EXPECT_EQ(a.transfer.ec, Http2Error::stream_reset);
  EXPECT_FALSE(b.transfer.ec);
  EXPECT_FALSE(codec_.closing());
}

TEST_F(Http2CodecTest, AGoawayRefusesTheStreamsAboveItsLastId) {
  Http2Stream a, b;
  feed(settings());
  ASSERT_FALSE(codec_.submit(get_, a, Clock::now()));
  ASSERT_FALSE(codec_.submit(get_, b, Clock::now()));
  drain();
  feed(frame(kGoaway, 0, 0, u32(1) + u32(0)));
  EXPECT_TRUE(codec_.closing());
  EXPECT_FALSE(codec_.can_submit());
  ASSERT_EQ(ended_.streams.size(), 1u);
  EXPECT_EQ(b.transfer.ec, Http2Error::refused_stream) << "stream 3 was never processed";
  feed(headers(1, kStatus200, true));
  EXPECT_FALSE(a.transfer.ec);
}

TEST_F(Http2CodecTest, AHeaderBlockOverTheLimitFailsItsStream) {
  Http2Stream s;
  feed(settings());
  ASSERT_FALSE(codec_.submit(get_, s, Clock::now()));
  drain();
  feed(headers(1, kStatus200 + literal("x-big", std::string(100, 'v')) +
                      literal("x-big2", std::string(100, 'v')) +
                      literal("x-big3", std::string(120, 'v')) + literal("x-more", "1")));
  ASSERT_TRUE(ended_.streams.empty() || s.transfer.ec == Http2Error::header_too_large);
  // 4096 bytes cannot be reached with one-byte lengths; many fields do it.
  std::string block = kStatus200;
  for (int i = 0; i < 40; ++i)
    block += literal("x-h" + std::to_string(i), std::string(100, 'v'));
  Http2Stream t;
  ASSERT_FALSE(codec_.submit(get_, t, Clock::now()));
  drain();
  feed(headers(3, block, true));
  drain();
  EXPECT_EQ(t.transfer.ec, Http2Error::header_too_large);
  EXPECT_FALSE(t.open);
}

TEST_F(Http2CodecTest, AnHttp1AnswerIsNotHttp2AndEveryStreamEndsOnce) {
  Http2Stream a;
  ASSERT_FALSE(codec_.submit(get_, a, Clock::now()));
  drain();
  feed("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
  ASSERT_EQ(last_, Http2Error::not_http2);
  // The GOAWAY (type 7) that says why.
  EXPECT_EQ(drain().substr(3, 1), std::string(1, '\x07'));
  codec_.fail_all(last_);
  ASSERT_EQ(ended_.streams.size(), 1u);
  EXPECT_EQ(a.transfer.ec, Http2Error::not_http2);
}

TEST_F(Http2CodecTest, ACancelledStreamIsResetAndNotReported) {
  Http2Stream a;
  feed(settings());
  ASSERT_FALSE(codec_.submit(get_, a, Clock::now()));
  drain();
  codec_.cancel(a);
  const std::string out = drain();
  // RST_STREAM on stream 1 with CANCEL (8).
  EXPECT_NE(out.find(frame(kRstStream, 0, 1, u32(8))), std::string::npos);
  feed(headers(1, kStatus200, true));
  EXPECT_TRUE(ended_.streams.empty());
  EXPECT_EQ(codec_.open_streams(), 0u);
}

TEST_F(Http2CodecTest, SendsARequestBodyAsData) {
  RequestSpec spec = get_.spec;
  spec.method = "POST";
  spec.body = std::make_shared<const std::string>(100000, 'b');
  const PreparedRequest post(spec);
  Http2Stream s;
  feed(settings());
  ASSERT_FALSE(codec_.submit(post, s, Clock::now()));
  const std::string out = drain();
  // The default 64 KiB window of the server limits what goes before its WINDOW_UPDATE.
  EXPECT_GT(out.size(), 65535u);
  feed(frame(8, 0, 0, u32(1 << 20)) + frame(8, 0, 1, u32(1 << 20)));
  const std::string rest = drain();
  EXPECT_GE(out.size() + rest.size(), 100000u);
  feed(headers(1, kStatus200, true));
  EXPECT_FALSE(s.transfer.ec);
  EXPECT_EQ(s.transfer.status, 200u);
}

}  // namespace
}  // namespace httpbench
