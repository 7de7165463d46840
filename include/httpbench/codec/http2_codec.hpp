// The HTTP/2 codec of one connection, without I/O: nghttp2's client session (hidden here; only
// http2_codec.cpp includes it) behind the shape of Http1Codec. The driver submits requests as
// streams, writes the bytes output() hands out, and feeds what it reads to on_read(); each stream
// ends exactly once, through the driver's callback: complete (its Transfer timed), reset by the
// server, refused (to be sent again on a new connection), or failed with its connection.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/system/error_code.hpp>

#include "httpbench/codec/http1.hpp"
#include "httpbench/codec/http1_codec.hpp"
#include "httpbench/codec/transfer.hpp"
#include "httpbench/stats/clock.hpp"

struct nghttp2_session;

namespace httpbench {

// One request's stream, owned by the driver (one per request slot, reused): the codec writes its
// response into `transfer` and links it into the connection's list of open streams, so that a
// dying connection ends every stream without a lookup or an allocation.
struct Http2Stream {
  // The response, or the error that ended the stream (Http2Error, or the connection's error).
  Transfer transfer;
  // The driver's object to wake when the stream ends.
  void* owner = nullptr;

  // The codec's bookkeeping.
  std::int32_t id = 0;
  bool open = false;
  bool complete = false;
  bool header_done = false;
  Clock::time_point write_start{};
  Clock::time_point header_at{};
  std::uint64_t header_bytes = 0;
  const std::string* body = nullptr;
  std::size_t body_sent = 0;
  Http2Stream* prev = nullptr;
  Http2Stream* next = nullptr;
};

class Http2Codec {
 public:
  // Called once per submitted stream, when it ends (never from submit()).
  using StreamEnded = void (*)(Http2Stream& stream);

  // `max_streams`: the most streams in flight (--streams); the server's
  // SETTINGS_MAX_CONCURRENT_STREAMS lowers it.
  Http2Codec(const ResponseSettings& settings, std::uint32_t max_streams, StreamEnded on_end);
  ~Http2Codec();
  Http2Codec(const Http2Codec&) = delete;
  Http2Codec& operator=(const Http2Codec&) = delete;

  // A new connection: a fresh session, with the connection preface and SETTINGS (no push, large
  // windows) queued for output(). Streams of the previous session must have ended.
  void start();

  // True when a new stream may start now: the session is alive, no GOAWAY came, and fewer than
  // the most streams allowed are open (just one before the server's SETTINGS arrive, so that no
  // limit it announces is ever exceeded).
  bool can_submit() const;
  // Streams opened and not yet closed (cancelled ones included until their RST_STREAM is out).
  std::uint32_t open_streams() const { return open_; }
  // The server sent GOAWAY, or the session ended: no new stream will start on this connection.
  bool closing() const;
  // Nothing more to read or write: the connection can be closed.
  bool finished() const;
  // The server answered with its SETTINGS: it speaks HTTP/2.
  bool settings_received() const { return settings_received_; }

  // Starts `request` on a new stream into `stream` (its first byte written at about
  // `write_start`); its HEADERS (and body) are then in output(). Fails when can_submit() is false.
  boost::system::error_code submit(const PreparedRequest& request, Http2Stream& stream,
                                   Clock::time_point write_start);
  // The stream's own deadline passed: RST_STREAM(CANCEL) is queued and the stream is detached
  // (its end is not reported; the caller records the timeout). The connection stays up.
  void cancel(Http2Stream& stream);

  // Bytes to write now; empty when nothing is pending. After writing n of them, consumed(n).
  std::string_view output();
  void consumed(std::size_t n) { out_pos_ += n; }
  bool wants_write() const;

  // Feeds bytes read from the connection. Streams that end are reported before it returns. An
  // error means the connection is unusable: write what output() still has (the GOAWAY that says
  // why), then call fail_all with it.
  boost::system::error_code on_read(const std::uint8_t* data, std::size_t size);
  // The connection ended or failed with `ec`: every open stream ends with it (a GOAWAY's error, or
  // not_http2 before the server's SETTINGS, takes its place), and the session is dead.
  void fail_all(boost::system::error_code ec);

 private:
  friend struct Http2Callbacks;
  void link(Http2Stream& s);
  void unlink(Http2Stream& s);
  void end_stream(Http2Stream& s);
  Clock::time_point batch_now();

  ResponseSettings settings_;
  std::uint32_t max_streams_;
  StreamEnded on_end_;
  nghttp2_session* session_ = nullptr;
  // Open streams, most recent first.
  Http2Stream* streams_ = nullptr;
  std::uint32_t open_ = 0;
  bool dead_ = false;
  bool settings_received_ = false;
  // The error code of the server's GOAWAY (0: none, or NO_ERROR).
  std::uint32_t goaway_error_ = 0;
  bool goaway_received_ = false;
  // Output gathered from the session, written by the driver from out_pos_.
  std::string out_;
  std::size_t out_pos_ = 0;
  // One clock reading per on_read() call, shared by every stream event it reports.
  Clock::time_point batch_now_{};
  bool batch_now_read_ = false;
};

}  // namespace httpbench
