// The async client's transport, shared by its HTTP/1.1 and HTTP/2 drivers: a connection's
// socket, TLS layer, deadline and buffers, and the coroutines that establish it (connect, the
// proxy's CONNECT tunnel, TLS with ALPN) and write and read on it. Only the engine's .cpp files
// include it.
#pragma once

#include <optional>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http/error.hpp>

#include "httpbench/codec/http1_codec.hpp"
#include "httpbench/codec/read_buffer.hpp"
#include "httpbench/codec/transfer.hpp"
#include "httpbench/connection/client_config.hpp"
#include "httpbench/connection/deadline_watchdog.hpp"
#include "httpbench/connection/exchange.hpp"
#include "httpbench/connection/tls_session.hpp"
#include "httpbench/stats/protocol.hpp"

namespace httpbench::async {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using boost::system::error_code;

template <class T>
using Task = net::awaitable<T, AsyncExecutor>;
inline constexpr auto use_tuple = net::as_tuple(net::use_awaitable_t<AsyncExecutor>{});

// How an exchange ended: with a final response (`ok`) or a failure, and when.
struct ExchangeEnd {
  bool ok = false;
  Clock::time_point at;
};

// One connection's reusable parts: the socket, the TLS layer over it (https, rebuilt for every
// new connection, since an SSL object cannot be reused), the read buffer, the saved TLS session
// for resumption, the deadline of its pending operations, and the timer for open-loop waits.
//
// The socket is a generic stream socket, opened as TCP or as a Unix domain socket
// (--unix-socket) by the endpoint it connects to. One type for both (rather than a template over
// the protocol or a variant) keeps a single connect, proxy and transfer path and one
// instantiation of the coroutines; the protocol is a runtime value in the socket, so it costs
// nothing per request.
struct Connection {
  Connection(const AsyncExecutor& ex, const ResponseSettings& response)
      : socket(ex), watchdog(socket), timer(ex), codec(response) {}
  bool is_open() const { return socket.is_open(); }
  void close() { close_connection(socket, tls, buffer); }
  // An operation's error, or the timeout when the deadline cancelled it (or passed while its
  // completion was already queued).
  error_code outcome(error_code ec) const {
    return watchdog.expired() ? error_code(beast::error::timeout) : ec;
  }

  AsyncSocket socket;
  DeadlineWatchdog watchdog;
  std::optional<ssl::stream<AsyncSocket&>> tls;
  TlsSession session;
  beast::flat_buffer buffer;
  AsyncTimer timer;
  Http1Codec codec;
};

// Sends what it can of `request` at once, without waiting: a request fits the socket's send
// buffer almost always, and then the coroutine is not suspended and no operation is queued.
// Returns the bytes sent (0 when the socket's buffer is full).
std::size_t send_now(AsyncSocket& socket, std::string_view request, boost::system::error_code& ec);

// Writes all of `request`: the part send_now() could not, through the event loop.
template <class Stream>
Task<error_code> write_request(Connection& conn, Stream& stream, std::string_view request) {
  if constexpr (std::is_same_v<Stream, AsyncSocket>) {
    error_code ec;
    const std::size_t sent = send_now(stream, request, ec);
    if (ec) co_return ec;
    request.remove_prefix(sent);
    if (request.empty()) co_return error_code{};
  }
  auto [ec, written] = co_await net::async_write(stream, net::buffer(request), use_tuple);
  co_return conn.outcome(ec);
}

// Reads one response on `stream` into `t`, through the connection's codec: the loop of Beast's
// http::async_read without its composed operations, one read and one parse per step, and no
// allocation.
template <class Stream>
Task<error_code> read_response(Connection& conn, Stream& stream, Transfer& t) {
  for (;;) {
    const error_code parsed = conn.codec.on_read(conn.buffer, t);
    if (parsed != http::error::need_more) co_return parsed;
    const std::size_t room = beast::read_size(conn.buffer, kLargeReadBuffer);
    if (room == 0) co_return http::error::buffer_overflow;
    auto [ec, n] = co_await stream.async_read_some(conn.buffer.prepare(room), use_tuple);
    if (conn.watchdog.expired()) ec = beast::error::timeout;
    if (ec == net::error::eof) co_return conn.codec.on_end_of_stream(t);
    if (ec) {
      conn.codec.on_read_error(t);
      co_return ec;
    }
    conn.buffer.commit(n);
  }
}

// https through a proxy: sends the CONNECT request and reads the proxy's answer on the fresh
// connection (its deadline still armed). Sets `status` to the answer's status.
Task<error_code> open_tunnel(Connection& conn, const ClientConfig& cfg, unsigned& status);

// Connects `conn` to the first of `endpoints` that accepts, before `deadline`, with Nagle off
// for TCP. The socket's writability is awaited on the event loop (see connect_start.hpp).
Task<error_code> connect_socket(Connection& conn, const std::vector<ConnectEndpoint>& endpoints,
                                Clock::time_point deadline);

// Establishes the connection (TCP or Unix socket; through a proxy, the CONNECT tunnel for https)
// and, for https, TLS on `conn`, by the exchange's connect deadline. The exchange records the
// connection and handshake, or the failure (then this returns false). For HTTP/2 the handshake
// offers h2 by ALPN and fails the request (not_http2) when the server chose anything else.
Task<bool> open_connection(Connection& conn, const ClientConfig& cfg, Exchange& x,
                           Protocol protocol = Protocol::http1);

}  // namespace httpbench::async
