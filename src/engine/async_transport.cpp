#include "httpbench/engine/async_transport.hpp"

#include <sys/socket.h>

#include <cerrno>

#include <boost/asio/ip/tcp.hpp>

#include "httpbench/codec/http2_error.hpp"
#include "httpbench/connection/connect_start.hpp"
#include "httpbench/connection/route.hpp"

namespace httpbench::async {

using tcp = net::ip::tcp;

// Sends what it can of `request` at once, without waiting: a request fits the socket's send
// buffer almost always, and then the coroutine is not suspended and no operation is queued.
// Returns the bytes sent (0 when the socket's buffer is full).
std::size_t send_now(AsyncSocket& socket, std::string_view request, error_code& ec) {
  for (;;) {
    const ssize_t n =
        ::send(socket.native_handle(), request.data(), request.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      ec = error_code(errno, net::error::get_system_category());
    return 0;
  }
}

// https through a proxy: sends the CONNECT request and reads the proxy's answer on the fresh
// connection (its deadline still armed). Sets `status` to the answer's status.
Task<error_code> open_tunnel(Connection& conn, const ClientConfig& cfg, unsigned& status) {
  if (error_code ec = co_await write_request(conn, conn.socket, cfg.tunnel_request)) co_return ec;
  conn.codec.begin_connect_answer();
  Transfer answer;
  const error_code read_ec = co_await read_response(conn, conn.socket, answer);
  status = answer.status;
  if (read_ec) co_return read_ec;
  co_return tunnel_answer_error(status, conn.buffer.size());
}

// Connects `conn` to the first of `endpoints` that accepts, before `deadline`, with Nagle off
// for TCP. The socket's writability is awaited on the event loop (see connect_start.hpp).
Task<error_code> connect_socket(Connection& conn, const std::vector<ConnectEndpoint>& endpoints,
                                Clock::time_point deadline) {
  conn.watchdog.arm(deadline);
  error_code ec = net::error::host_not_found;
  for (const ConnectEndpoint& endpoint : endpoints) {
    ec = start_connect(conn.socket, endpoint);
    if (ec == net::error::in_progress) {
      auto [wait_ec] = co_await conn.socket.async_wait(net::socket_base::wait_write, use_tuple);
      ec = wait_ec ? wait_ec : connect_result(conn.socket.native_handle());
    }
    if (conn.watchdog.expired()) co_return conn.outcome(ec);
    if (!ec) {
      if (endpoint.protocol().family() != AF_UNIX) {
        error_code ignored;
        conn.socket.set_option(tcp::no_delay(true), ignored);
      }
      co_return error_code{};
    }
    if (ec == net::error::operation_aborted) break;
  }
  co_return ec;
}

// Establishes the connection (TCP or Unix socket; through a proxy, the CONNECT tunnel for https)
// and, for https, TLS on `conn`, by the exchange's connect deadline. The exchange records the
// connection and handshake, or the failure (then this returns false).
Task<bool> open_connection(Connection& conn, const ClientConfig& cfg, Exchange& x,
                           Protocol protocol) {
  const auto connect_start = Clock::now();
  if (error_code ec = co_await connect_socket(conn, cfg.endpoints, x.connect_deadline())) {
    x.fail(ec, Phase::connect);
    conn.close();
    co_return false;
  }
  if (!cfg.tunnel_request.empty()) {
    // The tunnel is part of establishing the connection: its round trip counts as connect time.
    unsigned status = 0;
    if (error_code tunnel_ec = co_await open_tunnel(conn, cfg, status)) {
      x.fail(tunnel_ec, Phase::connect);
      conn.close();
      co_return false;
    }
    if (!tunnel_opened(status)) {
      x.fail_tunnel(status);
      conn.close();
      co_return false;
    }
  }
  x.connected(connect_start);
  if (!cfg.tls) co_return true;

  conn.tls.emplace(conn.socket, *cfg.tls);
  error_code ec = prepare_tls(conn.tls->native_handle(), cfg, conn.session);
  if (!ec && protocol == Protocol::http2) offer_http2(conn.tls->native_handle());
  const auto handshake_start = Clock::now();
  if (!ec) {
    auto [hs_ec] = co_await conn.tls->async_handshake(ssl::stream_base::client, use_tuple);
    ec = conn.outcome(hs_ec);
  }
  if (ec) {
    x.fail(ec, Phase::handshake);
    conn.close();
    co_return false;
  }
  x.handshake_done(conn.tls->native_handle(), handshake_start);
  if (protocol == Protocol::http2 && !chose_http2(conn.tls->native_handle())) {
    x.fail(Http2Error::not_http2, Phase::read);
    conn.close();
    co_return false;
  }
  co_return true;
}

}  // namespace httpbench::async
