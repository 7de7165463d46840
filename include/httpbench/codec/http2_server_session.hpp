// The server side of HTTP/2 without I/O (nghttp2 hidden inside): received bytes in, complete
// requests out through a handler, responses in, bytes to write out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace httpbench {

// The 24 bytes an HTTP/2 client sends first on a connection (RFC 9113 3.4): a server that speaks
// h2c and HTTP/1.1 on one port tells them apart by these.
inline constexpr std::string_view kHttp2ClientPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

struct Http2ServerSettings {
  // SETTINGS_MAX_CONCURRENT_STREAMS: streams a client may have open at once (nginx's default).
  std::uint32_t max_concurrent_streams = 128;
  // Streams served on a connection before a GOAWAY ends it, like nginx's keepalive_requests;
  // 0: no limit.
  std::uint64_t max_requests = 0;
};

// A request whose headers and body have all arrived. The views are valid during on_request only.
struct Http2Request {
  std::int32_t stream_id = 0;
  std::string_view method;
  // :path, e.g. "/?delay=50ms".
  std::string_view path;
  // Request body bytes received (and dropped).
  std::uint64_t body_bytes = 0;
};

// A response header; names lower case (HTTP/2 refuses upper case).
struct Http2Header {
  std::string_view name;
  std::string_view value;
};

// A response body: `size` bytes taken from `block` over and over, so a large body is never built
// in memory. A repeated block must outlive the session; text() copies a small body instead.
class Http2Body {
 public:
  Http2Body() = default;
  static Http2Body repeated(std::string_view block, std::uint64_t size) {
    return Http2Body(block, size, false);
  }
  static Http2Body text(std::string_view text) { return Http2Body(text, text.size(), true); }

  std::string_view block() const { return block_; }
  std::uint64_t size() const { return size_; }
  bool copy() const { return copy_; }

 private:
  Http2Body(std::string_view block, std::uint64_t size, bool copy)
      : block_(block), size_(block.empty() ? 0 : size), copy_(copy) {}
  std::string_view block_;
  std::uint64_t size_ = 0;
  bool copy_ = false;
};

struct Http2Response {
  unsigned status = 200;
  // Besides :status and content-length (the body's size), which the session adds.
  std::span<const Http2Header> headers;
  Http2Body body;
  // HEAD: the headers (content-length included) without the body.
  bool headers_only = false;
  // The caller's own value, handed back by on_stream_end.
  std::uint64_t tag = 0;
};

// What the session reports; called from inside receive(), pending_output() and finish().
class Http2RequestHandler {
 public:
  // A request is complete: answer it with submit_response, now or later.
  virtual void on_request(const Http2Request& request) = 0;
  // A stream the handler was told about has ended: its response sent (`answered`), or reset by
  // the peer, or the connection ended (finish()). `tag` is the submitted response's.
  virtual void on_stream_end(std::int32_t stream_id, bool answered, std::uint64_t tag) = 0;

 protected:
  ~Http2RequestHandler() = default;
};

class Http2ServerSession {
 public:
  // Queues the server's SETTINGS (and a large connection window) as the first bytes to write.
  Http2ServerSession(const Http2ServerSettings& settings, Http2RequestHandler& handler);
  ~Http2ServerSession();
  Http2ServerSession(const Http2ServerSession&) = delete;
  Http2ServerSession& operator=(const Http2ServerSession&) = delete;

  // Feeds bytes read from the client (the first ones include the client preface). False on input
  // the session cannot go on with (a bad preface, flooding): the connection should end now.
  // Protocol errors the session answers itself (GOAWAY, RST_STREAM) are not failures here.
  bool receive(std::string_view bytes);

  // The next bytes to write (frames gathered up to about 64 KiB), empty when there is nothing to
  // write now. Valid until the next call on the session; the buffer is reused.
  std::string_view pending_output();

  // Answers the request on `stream_id`. False when that stream has gone (reset by the client, or
  // the connection ended; on_stream_end has reported it): then nothing is sent.
  bool submit_response(std::int32_t stream_id, const Http2Response& response);

  // Graceful end: GOAWAY naming the last stream received; those still open are answered first.
  void submit_goaway();

  // Whether the connection is still of use: false once both sides are done (GOAWAY sent or
  // received and no stream open, or a fatal error) and the pending output is written.
  bool alive() const;

  // Ends every stream still open, reporting each through on_stream_end: the connection is gone.
  void finish();

  // Requests reported through on_request so far.
  std::uint64_t requests() const;

 private:
  // nghttp2 and the streams, in the codec's own file: only it includes nghttp2.
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace httpbench
