#include "httpbench/codec/http2_error.hpp"

#include <string>

namespace httpbench {

namespace {

class Http2Category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "http2"; }
  std::string message(int value) const override {
    switch (static_cast<Http2Error>(value)) {
      case Http2Error::stream_reset:
        return "the server reset the HTTP/2 stream (RST_STREAM) before the response was complete";
      case Http2Error::refused_stream:
        return "the server refused the HTTP/2 stream (REFUSED_STREAM or GOAWAY) twice";
      case Http2Error::header_too_large:
        return "response header block larger than --max-header-size";
      case Http2Error::protocol_error:
        return "HTTP/2 protocol error from the server (a malformed frame or header block)";
      case Http2Error::goaway:
        return "the server closed the HTTP/2 connection with an error (GOAWAY)";
      case Http2Error::not_http2:
        return "the server does not speak HTTP/2 (it did not answer the connection preface with "
               "SETTINGS, or TLS negotiated another protocol by ALPN); no fallback to HTTP/1.1";
      case Http2Error::connection_closed:
        return "the HTTP/2 connection closed while the stream was open";
    }
    return "HTTP/2 error";
  }
};

}  // namespace

const boost::system::error_category& http2_category() {
  static const Http2Category category;
  return category;
}

}  // namespace httpbench
