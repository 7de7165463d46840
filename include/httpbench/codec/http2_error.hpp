// How an HTTP/2 stream or connection failed, as error codes the connection layer classifies
// (connection/failure.cpp): a stream the server reset, a stream it refused (retried on a new
// connection), and the connection-level failures, each with the message a person reads.
#pragma once

#include <boost/system/error_code.hpp>

namespace httpbench {

enum class Http2Error {
  // The server reset the stream (RST_STREAM) before its response was complete.
  stream_reset = 1,
  // The server refused the stream (REFUSED_STREAM, or its GOAWAY came before the stream): it was
  // not processed, so it may be sent again on a new connection.
  refused_stream,
  // The response header block was larger than --max-header-size.
  header_too_large,
  // The server broke the protocol (a bad frame, a compression error): the connection is dropped.
  protocol_error,
  // The server ended the connection with a GOAWAY carrying an error code.
  goaway,
  // The peer does not speak HTTP/2: TLS negotiated another protocol by ALPN, or its first bytes
  // were not an HTTP/2 SETTINGS frame.
  not_http2,
  // The connection ended while the stream was open.
  connection_closed,
};

const boost::system::error_category& http2_category();

inline boost::system::error_code make_error_code(Http2Error e) {
  return {static_cast<int>(e), http2_category()};
}

}  // namespace httpbench

template <>
struct boost::system::is_error_code_enum<httpbench::Http2Error> : std::true_type {};
