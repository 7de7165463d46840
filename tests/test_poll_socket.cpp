// PollSocket: the sync client's socket, driven with poll() and no event loop.
#include "httpbench/connection/poll_socket.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "httpbench/connection/connect_start.hpp"

using namespace httpbench;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// A PollSocket connected over loopback to `peer`, an accepted Asio socket.
struct ConnectedPair {
  net::io_context ioc;
  tcp::acceptor listener{ioc, {net::ip::make_address("127.0.0.1"), 0}};
  PollSocket socket{ioc};
  tcp::socket peer{ioc};

  ConnectedPair() {
    const ConnectEndpoint endpoint(listener.local_endpoint());
    boost::system::error_code ec = start_connect(socket, endpoint);
    if (ec == net::error::in_progress) {
      pollfd pfd{socket.native_handle(), POLLOUT, 0};
      ::poll(&pfd, 1, 5000);
      ec = connect_result(socket.native_handle());
    }
    EXPECT_FALSE(ec) << ec.message();
    listener.accept(peer);
  }
};

void wait_readable(int fd) {
  pollfd pfd{fd, POLLIN, 0};
  ASSERT_EQ(::poll(&pfd, 1, 5000), 1);
}

}  // namespace

TEST(PollSocket, OpensNonBlockingAndClosesItsDescriptor) {
  ConnectedPair pair;
  ASSERT_TRUE(pair.socket.is_open());
  EXPECT_NE(::fcntl(pair.socket.native_handle(), F_GETFL) & O_NONBLOCK, 0);
  EXPECT_NE(::fcntl(pair.socket.native_handle(), F_GETFD) & FD_CLOEXEC, 0);
  boost::system::error_code ec;
  pair.socket.no_delay(ec);
  EXPECT_FALSE(ec) << ec.message();
  const int fd = pair.socket.native_handle();
  pair.socket.close(ec);
  EXPECT_FALSE(pair.socket.is_open());
  EXPECT_EQ(::fcntl(fd, F_GETFD), -1);
}

TEST(PollSocket, ReadsWhatIsThereIntoSeveralBuffersThenWouldBlockThenEof) {
  ConnectedPair pair;
  boost::system::error_code ec;
  std::array<char, 2> head{};
  std::array<char, 8> tail{};
  const std::array<net::mutable_buffer, 2> buffers{net::buffer(head), net::buffer(tail)};

  EXPECT_EQ(pair.socket.read_some(buffers, ec), 0u);
  EXPECT_EQ(ec, net::error::would_block);

  net::write(pair.peer, net::buffer(std::string("hello")));
  wait_readable(pair.socket.native_handle());
  EXPECT_EQ(pair.socket.read_some(buffers, ec), 5u);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(std::string(head.data(), 2) + std::string(tail.data(), 3), "hello");

  pair.peer.close();
  wait_readable(pair.socket.native_handle());
  EXPECT_EQ(pair.socket.read_some(buffers, ec), 0u);
  EXPECT_EQ(ec, net::error::eof);
}

TEST(PollSocket, WritesSeveralBuffersInOrder) {
  ConnectedPair pair;
  boost::system::error_code ec;
  const std::string a = "GET / HTTP/1.1\r\n";
  const std::string b = "Host: x\r\n\r\n";
  const std::array<net::const_buffer, 3> buffers{net::buffer(a), net::const_buffer(),
                                                 net::buffer(b)};
  EXPECT_EQ(pair.socket.write_some(buffers, ec), a.size() + b.size());
  EXPECT_FALSE(ec) << ec.message();
  std::string received(a.size() + b.size(), '\0');
  net::read(pair.peer, net::buffer(received));
  EXPECT_EQ(received, a + b);
}

TEST(PollSocket, WritingToAClosedConnectionIsAnErrorNotASignal) {
  ConnectedPair pair;
  pair.peer.close();
  boost::system::error_code ec;
  const std::string data(1024, 'x');
  // The first write may still be accepted; the peer's reset then fails a later one.
  for (int i = 0; i < 100 && !ec; ++i) {
    pair.socket.write_some(net::buffer(data), ec);
    if (!ec) ::usleep(1000);
  }
  EXPECT_TRUE(ec == net::error::broken_pipe || ec == net::error::connection_reset) << ec.message();
}

TEST(PollSocket, AWaitingReadSleepsUntilTheAnswerArrives) {
  ConnectedPair pair;
  boost::system::error_code ec;
  pair.socket.allow_waiting_reads(std::chrono::milliseconds(5000), ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(::fcntl(pair.socket.native_handle(), F_GETFL) & O_NONBLOCK, 0);

  std::thread answer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    net::write(pair.peer, net::buffer(std::string("HTTP/1.1 200 OK\r\n")));
  });
  std::array<char, 64> buffer{};
  const auto start = std::chrono::steady_clock::now();
  const std::size_t n = pair.socket.read_waiting(net::buffer(buffer), ec);
  const auto waited = std::chrono::steady_clock::now() - start;
  answer.join();
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(std::string(buffer.data(), n), "HTTP/1.1 200 OK\r\n");
  EXPECT_GE(waited, std::chrono::milliseconds(100));  // it slept in the read, not in a retry loop
}

TEST(PollSocket, AWaitingReadGivesUpAfterItsSlice) {
  ConnectedPair pair;
  boost::system::error_code ec;
  pair.socket.allow_waiting_reads(std::chrono::milliseconds(200), ec);
  ASSERT_FALSE(ec) << ec.message();
  std::array<char, 64> buffer{};
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(pair.socket.read_waiting(net::buffer(buffer), ec), 0u);
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(ec, net::error::would_block) << ec.message();
  EXPECT_GE(waited, std::chrono::milliseconds(150));
  EXPECT_LT(waited, std::chrono::milliseconds(5000));
}

// The descriptor is blocking once reads may wait; every other call must still return at once.
TEST(PollSocket, OnlyTheWaitingReadBlocks) {
  ConnectedPair pair;
  boost::system::error_code ec;
  pair.socket.allow_waiting_reads(std::chrono::milliseconds(5000), ec);
  ASSERT_FALSE(ec) << ec.message();
  const auto start = std::chrono::steady_clock::now();

  std::array<char, 64> buffer{};
  EXPECT_EQ(pair.socket.read_some(net::buffer(buffer), ec), 0u);
  EXPECT_EQ(ec, net::error::would_block);

  // The peer reads nothing: writes fill both socket buffers and then would block.
  const std::string data(64 * 1024, 'x');
  std::size_t written = 0;
  for (int i = 0; i < 10000; ++i) {
    written += pair.socket.write_some(net::buffer(data), ec);
    if (ec) break;
  }
  EXPECT_EQ(ec, net::error::would_block) << ec.message();
  EXPECT_GT(written, 0u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2000));

  // close() ends it: the next connection on this socket object starts out non-blocking.
  pair.socket.close(ec);
  EXPECT_FALSE(pair.socket.allows_waiting_reads());
  pair.socket.open(net::generic::stream_protocol(AF_INET, IPPROTO_TCP), ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_NE(::fcntl(pair.socket.native_handle(), F_GETFL) & O_NONBLOCK, 0);
  EXPECT_FALSE(pair.socket.allows_waiting_reads());
}
