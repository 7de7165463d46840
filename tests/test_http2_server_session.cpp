// The HTTP/2 server session without I/O, fed frames written by hand: requests reported once
// complete, responses framed with their bodies, streams reset by the client, a GOAWAY after
// max_requests streams, and a connection that does not open with the client preface.
#include "httpbench/codec/http2_server_session.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

using namespace httpbench;

namespace {

enum FrameType : std::uint8_t {
  kData = 0,
  kHeaders = 1,
  kRstStream = 3,
  kSettings = 4,
  kGoaway = 7,
  kWindowUpdate = 8
};
constexpr std::uint8_t kEndStream = 0x1;
constexpr std::uint8_t kEndHeaders = 0x4;

std::string frame(std::uint8_t type, std::uint8_t flags, std::uint32_t stream,
                  std::string_view payload) {
  std::string f;
  const auto n = static_cast<std::uint32_t>(payload.size());
  f += static_cast<char>(n >> 16);
  f += static_cast<char>(n >> 8);
  f += static_cast<char>(n);
  f += static_cast<char>(type);
  f += static_cast<char>(flags);
  for (int shift = 24; shift >= 0; shift -= 8)
    f += static_cast<char>(stream >> shift);
  f += payload;
  return f;
}

// HPACK "literal header field without indexing", the name from the static table.
std::string field(std::uint8_t name_index, std::string_view value) {
  std::string f(1, static_cast<char>(name_index));
  f += static_cast<char>(value.size());
  f += value;
  return f;
}

std::string request(std::uint32_t stream, std::string_view method, std::string_view path,
                    bool end_stream = true) {
  const std::string block =
      field(2, method) + field(6, "http") + field(4, path) + field(1, "localhost");
  return frame(kHeaders, kEndHeaders | (end_stream ? kEndStream : 0), stream, block);
}

std::string opening() {
  return std::string(kHttp2ClientPreface) + frame(kSettings, 0, 0, "");
}

struct Frame {
  std::uint8_t type = 0;
  std::uint8_t flags = 0;
  std::uint32_t stream = 0;
  std::string payload;
};

std::vector<Frame> frames_of(std::string_view bytes) {
  std::vector<Frame> frames;
  while (bytes.size() >= 9) {
    const auto b = [&](std::size_t i) { return static_cast<std::uint8_t>(bytes[i]); };
    const std::size_t n = (std::size_t{b(0)} << 16) | (std::size_t{b(1)} << 8) | b(2);
    Frame f;
    f.type = b(3);
    f.flags = b(4);
    f.stream = ((std::uint32_t{b(5)} & 0x7f) << 24) | (std::uint32_t{b(6)} << 16) |
               (std::uint32_t{b(7)} << 8) | b(8);
    if (bytes.size() < 9 + n) break;
    f.payload = std::string(bytes.substr(9, n));
    frames.push_back(f);
    bytes.remove_prefix(9 + n);
  }
  EXPECT_TRUE(bytes.empty()) << "a partial frame";
  return frames;
}

std::uint32_t u32(std::string_view p, std::size_t at) {
  return (std::uint32_t{static_cast<std::uint8_t>(p[at])} << 24) |
         (std::uint32_t{static_cast<std::uint8_t>(p[at + 1])} << 16) |
         (std::uint32_t{static_cast<std::uint8_t>(p[at + 2])} << 8) |
         static_cast<std::uint8_t>(p[at + 3]);
}

struct Seen {
  std::int32_t stream = 0;
  std::string method;
  std::string path;
  std::uint64_t body_bytes = 0;
};

struct Ended {
  std::int32_t stream = 0;
  bool answered = false;
  std::uint64_t tag = 0;
};

class Recorder final : public Http2RequestHandler {
 public:
  void on_request(const Http2Request& r) override {
    requests.push_back({r.stream_id, std::string(r.method), std::string(r.path), r.body_bytes});
  }
  void on_stream_end(std::int32_t stream, bool answered, std::uint64_t tag) override {
    ended.push_back({stream, answered, tag});
  }
  std::vector<Seen> requests;
  std::vector<Ended> ended;
};

// Everything the session has to write now.
std::string drain(Http2ServerSession& session) {
  std::string all;
  for (std::string_view out = session.pending_output(); !out.empty();
       out = session.pending_output()) {
    all += out;
  }
  return all;
}

}  // namespace

TEST(Http2ServerSession, OpensWithSettingsThatAdvertiseStreamsAndALargeWindow) {
  Recorder handler;
  Http2ServerSession session(Http2ServerSettings{4, 0}, handler);
  ASSERT_TRUE(session.receive(opening()));
  const auto frames = frames_of(drain(session));
  ASSERT_GE(frames.size(), 3u);
  EXPECT_EQ(frames[0].type, kSettings);
  bool streams = false;
  bool window = false;
  for (std::size_t i = 0; i + 6 <= frames[0].payload.size(); i += 6) {
    const auto id = (static_cast<std::uint8_t>(frames[0].payload[i]) << 8) |
                    static_cast<std::uint8_t>(frames[0].payload[i + 1]);
    const std::uint32_t value = u32(frames[0].payload, i + 2);
    if (id == 3) streams = value == 4;
    if (id == 4) window = value >= (1u << 30) - 1;
  }
  EXPECT_TRUE(streams);
  EXPECT_TRUE(window);
  // The connection's window grows too, and the client's SETTINGS are acknowledged.
  bool connection_window = false;
  bool ack = false;
  for (std::size_t i = 1; i < frames.size(); ++i) {
    connection_window =
        connection_window || (frames[i].type == kWindowUpdate && frames[i].stream == 0 &&
                              u32(frames[i].payload, 0) == (1u << 30) - 1 - 65535);
    ack = ack || (frames[i].type == kSettings && frames[i].flags == 1);
  }
  EXPECT_TRUE(connection_window);
  EXPECT_TRUE(ack);
  EXPECT_TRUE(session.alive());
}

TEST(Http2ServerSession, ReportsACompleteRequestAndFramesTheResponseBody) {
  Recorder handler;
  Http2ServerSession session(Http2ServerSettings{}, handler);
  ASSERT_TRUE(session.receive(opening() + request(1, "POST", "/up?size=3", false)));
  EXPECT_TRUE(handler.requests.empty()) << "the body has not arrived";
  ASSERT_TRUE(session.receive(frame(kData, 0, 1, std::string(1000, 'a')) +
                              frame(kData, kEndStream, 1, std::string(24, 'b'))));
  ASSERT_EQ(handler.requests.size(), 1u);
  EXPECT_EQ(handler.requests[0].stream, 1);
  EXPECT_EQ(handler.requests[0].method, "POST");
  EXPECT_EQ(handler.requests[0].path, "/up?size=3");
  EXPECT_EQ(handler.requests[0].body_bytes, 1024u);
  EXPECT_EQ(session.requests(), 1u);
  drain(session);

  // 40,000 bytes of a 7-byte block: DATA frames of at most 16 KiB, the last one ending the stream.
  const Http2Header headers[] = {{"server", "test"}};
  Http2Response response;
  response.status = 201;
  response.headers = headers;
  response.body = Http2Body::repeated("0123456", 40'000);
  response.tag = 7;
  ASSERT_TRUE(session.submit_response(1, response));
  EXPECT_FALSE(session.submit_response(1, response)) << "answered once";
  std::string body;
  int headers_frames = 0;
  for (const Frame& f : frames_of(drain(session))) {
    if (f.type == kHeaders && f.stream == 1) ++headers_frames;
    if (f.type != kData) continue;
    EXPECT_EQ(f.stream, 1u);
    EXPECT_LE(f.payload.size(), 16384u);
    body += f.payload;
    EXPECT_EQ((f.flags & kEndStream) != 0, body.size() == 40'000) << body.size();
  }
  EXPECT_EQ(headers_frames, 1);
  ASSERT_EQ(body.size(), 40'000u);
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < body.size(); ++i)
    wrong += body[i] != "0123456"[i % 7];
  EXPECT_EQ(wrong, 0u) << body.substr(0, 20);
  ASSERT_EQ(handler.ended.size(), 1u);
  EXPECT_EQ(handler.ended[0].stream, 1);
  EXPECT_TRUE(handler.ended[0].answered);
  EXPECT_EQ(handler.ended[0].tag, 7u);
}

TEST(Http2ServerSession, HeadersOnlyAndTextBodies) {
  Recorder handler;
  Http2ServerSession session(Http2ServerSettings{}, handler);
  ASSERT_TRUE(session.receive(opening() + request(1, "HEAD", "/") + request(3, "GET", "/bad")));
  ASSERT_EQ(handler.requests.size(), 2u);
  drain(session);
  Http2Response head;
  head.body = Http2Body::repeated("x", 100);
  head.headers_only = true;
  ASSERT_TRUE(session.submit_response(1, head));
  {
    // The text is copied: the caller's string may go at once.
    std::string reason = "malformed request target";
    Http2Response text;
    text.status = 400;
    text.body = Http2Body::text(reason);
    ASSERT_TRUE(session.submit_response(3, text));
    reason.assign(reason.size(), '?');
  }
  std::string body3;
  for (const Frame& f : frames_of(drain(session))) {
    if (f.stream == 1) {
      EXPECT_EQ(f.type, kHeaders) << "HEAD: no DATA";
      EXPECT_NE(f.flags & kEndStream, 0);
    }
    if (f.stream == 3 && f.type == kData) body3 += f.payload;
  }
  EXPECT_EQ(body3, "malformed request target");
  EXPECT_EQ(handler.ended.size(), 2u);
}

TEST(Http2ServerSession, AStreamResetByTheClientEndsUnansweredAndCannotBeAnswered) {
  Recorder handler;
  Http2ServerSession session(Http2ServerSettings{}, handler);
  ASSERT_TRUE(
      session.receive(opening() + request(1, "GET", "/?delay=1s") + request(3, "GET", "/")));
  ASSERT_EQ(handler.requests.size(), 2u);
  ASSERT_TRUE(session.receive(frame(kRstStream, 0, 1, std::string("\0\0\0\x08", 4))));
  ASSERT_EQ(handler.ended.size(), 1u);
  EXPECT_EQ(handler.ended[0].stream, 1);
  EXPECT_FALSE(handler.ended[0].answered);
  Http2Response response;
  response.body = Http2Body::repeated("ok", 2);
  EXPECT_FALSE(session.submit_response(1, response));
  EXPECT_FALSE(session.submit_response(5, response)) << "a stream never opened";
  // Another stream of the same connection is not disturbed, and may reuse the stream object.
  ASSERT_TRUE(session.submit_response(3, response));
  drain(session);
  ASSERT_TRUE(session.receive(request(5, "GET", "/five")));
  ASSERT_EQ(handler.requests.size(), 3u);
  EXPECT_EQ(handler.requests[2].path, "/five");
  EXPECT_FALSE(session.submit_response(1, response));
  EXPECT_TRUE(session.submit_response(5, response));
}

TEST(Http2ServerSession, SendsGoawayAfterMaxRequestsAndServesNoStreamAbove) {
  Recorder handler;
  Http2ServerSession session(Http2ServerSettings{128, 2}, handler);
  // Streams 5 and 7 arrive before the GOAWAY the second stream triggers has gone out.
  ASSERT_TRUE(session.receive(opening() + request(1, "GET", "/") + request(3, "GET", "/") +
                              request(5, "GET", "/") + request(7, "GET", "/")));
  ASSERT_EQ(handler.requests.size(), 2u);
  EXPECT_EQ(handler.requests[1].stream, 3);
  bool goaway = false;
  for (const Frame& f : frames_of(drain(session))) {
    if (f.type != kGoaway) continue;
    goaway = true;
    EXPECT_EQ(u32(f.payload, 0), 3u) << "last stream id";
    EXPECT_EQ(u32(f.payload, 4), 0u) << "NO_ERROR";
  }
  EXPECT_TRUE(goaway);
  // The streams below the GOAWAY are still answered; then the connection is done.
  EXPECT_TRUE(session.alive());
  Http2Response response;
  response.body = Http2Body::repeated("ok", 2);
  ASSERT_TRUE(session.submit_response(1, response));
  ASSERT_TRUE(session.submit_response(3, response));
  EXPECT_FALSE(session.submit_response(5, response));
  drain(session);
  EXPECT_FALSE(session.alive());
  EXPECT_EQ(session.requests(), 2u);
}

TEST(Http2ServerSession, GracefulGoawayAnswersTheOpenStreamsFirst) {
  Recorder handler;
  Http2ServerSession session(Http2ServerSettings{}, handler);
  ASSERT_TRUE(session.receive(opening() + request(1, "GET", "/") + request(3, "GET", "/")));
  session.submit_goaway();
  drain(session);
  EXPECT_TRUE(session.alive());
  ASSERT_TRUE(session.receive(request(5, "GET", "/late")));
  EXPECT_EQ(handler.requests.size(), 2u) << "a stream after the GOAWAY is not served";
  Http2Response response;
  ASSERT_TRUE(session.submit_response(3, response));
  ASSERT_TRUE(session.submit_response(1, response));
  drain(session);
  EXPECT_FALSE(session.alive());
}

TEST(Http2ServerSession, FinishEndsTheOpenStreamsOnce) {
  Recorder handler;
  Http2ServerSession session(Http2ServerSettings{}, handler);
  ASSERT_TRUE(session.receive(opening() + request(1, "GET", "/") + request(3, "GET", "/") +
                              request(5, "GET", "/", false)));
  Http2Response response;
  response.body = Http2Body::repeated("x", 1 << 20);
  response.tag = 1;
  ASSERT_TRUE(session.submit_response(1, response));
  session.finish();
  // Stream 5 was never reported (its request is incomplete), so it is not reported ended.
  ASSERT_EQ(handler.ended.size(), 2u);
  for (const Ended& e : handler.ended) {
    EXPECT_EQ(e.answered, e.stream == 1);
    EXPECT_EQ(e.tag, e.stream == 1 ? 1u : 0u);
  }
  EXPECT_FALSE(session.submit_response(3, response));
  EXPECT_FALSE(session.alive());
  EXPECT_TRUE(session.pending_output().empty());
  session.finish();
  EXPECT_EQ(handler.ended.size(), 2u);
}

TEST(Http2ServerSession, AConnectionWithoutThePrefaceFails) {
  Recorder handler;
  Http2ServerSession session(Http2ServerSettings{}, handler);
  EXPECT_FALSE(session.receive("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_FALSE(session.alive());
  EXPECT_TRUE(handler.requests.empty());
}
