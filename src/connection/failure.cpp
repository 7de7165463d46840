#include "httpbench/connection/failure.hpp"

#include <fmt/format.h>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include "httpbench/codec/http2_error.hpp"

namespace httpbench {

ErrorKind classify(const boost::system::error_code& ec, Phase phase) {
  namespace http = boost::beast::http;
  // A connection that could not be established, including one that timed out, is a connect
  // failure: the request never reached the server.
  if (phase == Phase::connect && ec.category() != boost::asio::error::get_ssl_category()) {
    return ErrorKind::connect;
  }
  if (phase == Phase::handshake) return ErrorKind::tls;
  if (ec == boost::beast::error::timeout || ec == boost::asio::error::timed_out) {
    return ErrorKind::timeout;
  }
  if (ec.category() == boost::asio::error::get_ssl_category() ||
      ec.category() == boost::asio::ssl::error::get_stream_category()) {
    return ErrorKind::tls;
  }
  if (ec.category() == http2_category()) {
    // A stream the server reset (or refused, again, after the one retry) while the connection
    // stayed up; a stream that died with its connection is a read failure, like HTTP/1.1's.
    switch (static_cast<Http2Error>(ec.value())) {
      case Http2Error::stream_reset:
      case Http2Error::refused_stream:
        return ErrorKind::reset;
      case Http2Error::connection_closed:
        return ErrorKind::read;
      default:
        return ErrorKind::protocol;
    }
  }
  if (ec.category() == http::make_error_code(http::error::end_of_stream).category()) {
    // A peer that closes before or during a response dropped the connection; anything else the
    // parser rejects is a malformed response.
    if (ec == http::error::end_of_stream || ec == http::error::partial_message) {
      return ErrorKind::read;
    }
    return ErrorKind::protocol;
  }
  switch (phase) {
    case Phase::connect:
      return ErrorKind::connect;
    case Phase::handshake:
      return ErrorKind::tls;
    case Phase::write:
      return ErrorKind::write;
    case Phase::read:
      return ErrorKind::read;
  }
  return ErrorKind::read;
}

std::string describe_error(const boost::system::error_code& ec) {
  std::string message = ec.message();
  if (ec == boost::asio::error::address_in_use ||
      ec == boost::system::errc::address_not_available) {
    message += " (ephemeral ports exhausted? keep connections alive or lower the rate)";
  } else if (ec == boost::asio::error::no_descriptors) {
    message += " (open-file limit reached: raise ulimit -n or lower -c)";
  }
  return message;
}

std::string request_deadline_message(std::chrono::nanoseconds timeout) {
  const double ms = std::chrono::duration<double, std::milli>(timeout).count();
  return fmt::format("no complete response within --timeout {} (the whole-request deadline)",
                     ms >= 1000 ? fmt::format("{:g}s", ms / 1000) : fmt::format("{:g}ms", ms));
}

bool is_dropped_connection(const boost::system::error_code& ec) {
  namespace http = boost::beast::http;
  return ec == http::error::end_of_stream || ec == boost::asio::error::eof ||
         ec == boost::asio::error::connection_reset || ec == boost::asio::error::broken_pipe ||
         ec == boost::asio::error::connection_aborted || ec == Http2Error::connection_closed;
}

}  // namespace httpbench
