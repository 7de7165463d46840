// start_connect(): the non-blocking connect both clients share, and the answer it gives at once.
#include "httpbench/connection/connect_start.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "loopback_listeners.hpp"

using namespace httpbench;
using namespace httpbench::test;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

ConnectEndpoint loopback(std::uint16_t port) {
  return ConnectEndpoint(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
}

std::uint16_t peer_port(int fd) {
  sockaddr_storage peer{};
  socklen_t len = sizeof(peer);
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) return 0;
  return ntohs(reinterpret_cast<const sockaddr_in&>(peer).sin_port);
}

}  // namespace

// Over loopback the handshake ends inside the first connect() call; start_connect must say so,
// or every new connection pays a wait on the event loop that it does not need.
TEST(StartConnect, OverLoopbackTheConnectionIsUpWhenItReturns) {
  net::io_context ioc;
  tcp::acceptor listener(ioc, {net::ip::make_address("127.0.0.1"), 0});
  const std::uint16_t port = listener.local_endpoint().port();
  net::generic::stream_protocol::socket socket(ioc);
  for (int i = 0; i < 20; ++i) {
    const boost::system::error_code ec = start_connect(socket, loopback(port));
    EXPECT_FALSE(ec) << "connect " << i << ": " << ec.message();
    EXPECT_EQ(peer_port(socket.native_handle()), port) << "connect " << i;
    tcp::socket accepted(ioc);
    listener.accept(accepted);
  }
}

TEST(StartConnect, AConnectTheListenerCannotTakeIsInProgress) {
  FullBacklogListener full;
  net::io_context ioc;
  net::generic::stream_protocol::socket socket(ioc);
  EXPECT_EQ(start_connect(socket, loopback(full.port())), net::error::in_progress);
  EXPECT_EQ(peer_port(socket.native_handle()), 0);
  EXPECT_FALSE(connect_result(socket.native_handle()));
}

TEST(StartConnect, ARefusedConnectIsConnectionRefused) {
  net::io_context ioc;
  net::generic::stream_protocol::socket socket(ioc);
  EXPECT_EQ(start_connect(socket, loopback(closed_port())), net::error::connection_refused);
}
