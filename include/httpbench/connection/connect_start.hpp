// The two halves of a non-blocking TCP or Unix-socket connect, for both clients: each waits for
// the socket to become writable in its own way (poll() in the sync client, the event loop in the
// async one) between them.
//
// Why not Asio's connect: once the socket is writable it calls poll() before reading SO_ERROR, a
// system call of about twelve per new connection that tells nothing the readiness did not.
//
// Why a second connect() at once: over loopback (and any path the kernel completes without a
// wire round trip) the handshake is over when the first call returns, its SYN-ACK having waited
// in the socket's backlog until the call released the socket. A second call then answers 0, and
// the wait for writability (an epoll_ctl to add EPOLLOUT, a readiness event and the SO_ERROR
// read) is skipped. When the peer is remote it answers EALREADY, one cheap call against a round
// trip.
#pragma once

#include <sys/socket.h>

#include <cerrno>

#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>

#include "httpbench/connection/route.hpp"

namespace httpbench {

// (Re)opens `socket` for `endpoint`, non-blocking, and starts connecting it. Returns nothing when
// it connected at once, net::error::in_progress when the connection is under way (wait until the
// socket is writable, then ask connect_result()), or the error.
template <class Socket>
boost::system::error_code start_connect(Socket& socket, const ConnectEndpoint& endpoint) {
  boost::system::error_code ec;
  boost::system::error_code ignored;
  socket.close(ignored);
  socket.open(endpoint.protocol(), ec);
  if (!ec) socket.non_blocking(true, ec);
  if (ec) return ec;
  const int fd = socket.native_handle();
  const auto size = static_cast<socklen_t>(endpoint.size());
  if (::connect(fd, endpoint.data(), size) == 0) return {};
  if (errno != EINPROGRESS)
    return boost::system::error_code(errno, boost::system::system_category());
  if (::connect(fd, endpoint.data(), size) == 0 || errno == EISCONN) return {};
  if (errno == EALREADY || errno == EINPROGRESS) return boost::asio::error::in_progress;
  return boost::system::error_code(errno, boost::system::system_category());
}

// How a connect that was under way ended, once its socket is writable.
inline boost::system::error_code connect_result(int fd) {
  int err = 0;
  socklen_t len = sizeof(err);
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
  return boost::system::error_code(err, boost::system::system_category());
}

}  // namespace httpbench
