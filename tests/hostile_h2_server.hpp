// A misbehaving HTTP/2 server (h2c, prior knowledge) for tests, speaking raw frames written here
// and a tiny HPACK encoder (no nghttp2: the peer must not share code with the client it tests).
// One behaviour per instance; counters the tests assert on. Built on HostileServer: loopback,
// port 0, a thread per connection, everything stopped and joined by the destructor.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "hostile_server.hpp"

namespace httpbench::test {

// The connection errors `bad_frame` can answer with (RFC 9113 §6.1, §6.5).
enum class BadFrame {
  data_on_stream_zero,   // DATA with stream id 0
  settings_length_five,  // SETTINGS whose length is not a multiple of 6
};

// What the peer does. The request's HPACK block is never decoded: every request gets the same
// response, `status` with a `body_size`-byte body, once the request has ended (END_STREAM on its
// HEADERS or DATA). Streams are numbered in the order their requests end, from 1, across all
// connections of the server.
struct H2Behaviour {
  enum class Kind {
    well_behaved,        // answers everything, respects flow control, opens windows for bodies
    reset_every_other,   // HEADERS + half the body, then every 2nd stream gets RST_STREAM
                         // INTERNAL_ERROR, the others the rest of the body; connection stays up
    goaway_at_once,      // after the preface: SETTINGS, GOAWAY(0, NO_ERROR), close; every time
    goaway_after,        // GOAWAY(last = the n-th stream's id) on a connection's n-th stream;
                         // the first n are answered, later ones ignored; closes when they are
    window_never_opens,  // SETTINGS_INITIAL_WINDOW_SIZE 0, never a WINDOW_UPDATE
    bad_frame,           // a connection's first request is answered with a connection error
    huge_headers,        // the response header block is over n bytes: HEADERS + CONTINUATIONs
    max_streams,         // SETTINGS_MAX_CONCURRENT_STREAMS n, answers after `delay`, refuses
                         // (RST_STREAM REFUSED_STREAM) a stream over the limit
    one_slow_stream,     // never answers the n-th stream (until the client resets it)
  };

  Kind kind = Kind::well_behaved;
  // The parameter of the kinds that take one (see above).
  std::uint64_t n = 0;
  BadFrame bad = BadFrame::data_on_stream_zero;
  // The response's status and body size, bytes.
  unsigned status = 200;
  std::size_t body_size = 100;
  // How long each stream waits for its answer (max_streams: 20 ms, so that streams pile up).
  std::chrono::milliseconds delay{0};

  static H2Behaviour well_behaved() { return {}; }
  static H2Behaviour reset_every_other() { return of(Kind::reset_every_other); }
  static H2Behaviour goaway_at_once() { return of(Kind::goaway_at_once); }
  static H2Behaviour goaway_after(std::uint64_t streams) { return of(Kind::goaway_after, streams); }
  static H2Behaviour window_never_opens() { return of(Kind::window_never_opens); }
  static H2Behaviour bad_frame(BadFrame which = BadFrame::data_on_stream_zero) {
    H2Behaviour b = of(Kind::bad_frame);
    b.bad = which;
    return b;
  }
  static H2Behaviour huge_headers(std::uint64_t bytes) { return of(Kind::huge_headers, bytes); }
  static H2Behaviour max_streams(std::uint64_t limit) {
    H2Behaviour b = of(Kind::max_streams, limit);
    b.delay = std::chrono::milliseconds(20);
    return b;
  }
  static H2Behaviour one_slow_stream(std::uint64_t k) { return of(Kind::one_slow_stream, k); }

 private:
  static H2Behaviour of(Kind kind, std::uint64_t n = 0) {
    H2Behaviour b;
    b.kind = kind;
    b.n = n;
    return b;
  }
};

// What the peer saw, across all its connections.
struct H2Counters {
  // Streams the client opened (HEADERS on a new stream id), refused ones included.
  std::atomic<std::uint64_t> streams{0};
  // Streams answered to the end (END_STREAM sent).
  std::atomic<std::uint64_t> completed{0};
  // RST_STREAM frames sent by the peer: INTERNAL_ERROR by reset_every_other, REFUSED_STREAM.
  std::atomic<std::uint64_t> resets_sent{0};
  std::atomic<std::uint64_t> refused{0};
  // RST_STREAM frames from the client, all codes, and those with CANCEL (8).
  std::atomic<std::uint64_t> rst_received{0};
  std::atomic<std::uint64_t> cancels_received{0};
  // GOAWAY frames from the client.
  std::atomic<std::uint64_t> goaways_received{0};
  // Connections that did not open with the HTTP/2 client preface.
  std::atomic<std::uint64_t> bad_prefaces{0};
  // Most streams open at once on one connection, counted when a stream arrives (it included).
  // `after_ack`: only streams that arrived after the client acknowledged the peer's SETTINGS
  // (before that a client may not know SETTINGS_MAX_CONCURRENT_STREAMS, RFC 9113 §5.1.2).
  std::atomic<std::uint64_t> max_open{0};
  std::atomic<std::uint64_t> max_open_after_ack{0};
  // Frames the client should not have sent (too long, DATA over its window, a stream id that
  // does not grow or is even); the first one described in `first_violation`.
  std::atomic<std::uint64_t> violations{0};
  std::mutex mutex;
  std::string first_violation;
};

class HostileH2Server {
 public:
  explicit HostileH2Server(H2Behaviour behaviour);
  HostileH2Server(const HostileH2Server&) = delete;
  HostileH2Server& operator=(const HostileH2Server&) = delete;

  // http://127.0.0.1:PORT/
  std::string url() const { return server_.url(); }
  std::uint16_t port() const;
  std::uint64_t connections() const { return server_.connections(); }
  std::uint64_t streams() const { return counters_.streams.load(); }
  std::uint64_t completed() const { return counters_.completed.load(); }
  std::uint64_t resets_sent() const { return counters_.resets_sent.load(); }
  std::uint64_t refused() const { return counters_.refused.load(); }
  std::uint64_t rst_received() const { return counters_.rst_received.load(); }
  std::uint64_t cancels_received() const { return counters_.cancels_received.load(); }
  std::uint64_t goaways_received() const { return counters_.goaways_received.load(); }
  std::uint64_t bad_prefaces() const { return counters_.bad_prefaces.load(); }
  std::uint64_t max_open() const { return counters_.max_open.load(); }
  std::uint64_t max_open_after_ack() const { return counters_.max_open_after_ack.load(); }
  std::uint64_t violations() const { return counters_.violations.load(); }
  std::string first_violation();

 private:
  H2Behaviour behaviour_;
  H2Counters counters_;
  // The order in which requests end, across connections.
  std::atomic<std::uint64_t> ordinal_{0};
  // Last: destroyed first, joining the connection threads before the counters go.
  HostileServer server_;
};

}  // namespace httpbench::test
