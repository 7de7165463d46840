// The connection deadline of the async client, on a real loopback socket whose peer never
// answers: a pending read is cancelled at the deadline, later deadlines cost no timer wake-ups
// per request, a shorter deadline armed after a longer one still holds, and a watchdog destroyed
// with its timer pending is safe.
#include "httpbench/connection/deadline_watchdog.hpp"

#include <unistd.h>

#include <chrono>
#include <optional>

#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;
using namespace std::chrono_literals;

namespace {

namespace net = boost::asio;

// A socket connected to a loopback listener that accepts (in the kernel backlog) and never
// writes.
class SilentPeer {
 public:
  SilentPeer() : listener_(listen_on_loopback(port_)) {}
  ~SilentPeer() { ::close(listener_); }
  void connect(AsyncSocket& socket) {
    const net::ip::tcp::endpoint target(net::ip::make_address("127.0.0.1"), port_);
    socket.connect(target);
  }

 private:
  std::uint16_t port_ = 0;
  int listener_;
};

// Reads from `socket` until the read completes; returns its error and how long it took.
std::pair<boost::system::error_code, Clock::duration> read_until_done(net::io_context& ioc,
                                                                      AsyncSocket& socket) {
  char byte = 0;
  std::optional<boost::system::error_code> result;
  const auto start = Clock::now();
  socket.async_read_some(net::buffer(&byte, 1),
                         [&](boost::system::error_code ec, std::size_t) { result = ec; });
  while (!result && ioc.run_one_for(5s) != 0) {
  }
  return {result.value_or(net::error::would_block), Clock::now() - start};
}

TEST(DeadlineWatchdog, CancelsThePendingReadAtTheDeadline) {
  net::io_context ioc;
  SilentPeer peer;
  AsyncSocket socket(ioc.get_executor());
  peer.connect(socket);
  DeadlineWatchdog watchdog(socket);
  watchdog.arm(Clock::now() + 100ms);
  const auto [ec, took] = read_until_done(ioc, socket);
  EXPECT_EQ(ec, net::error::operation_aborted);
  EXPECT_TRUE(watchdog.expired());
  EXPECT_GE(took, 95ms);
  EXPECT_LT(took, 1s);
  // A new deadline clears the expiry.
  watchdog.arm(Clock::now() + 10s);
  EXPECT_FALSE(watchdog.expired());
}

TEST(DeadlineWatchdog, LaterDeadlinesCostNoWakeUps) {
  net::io_context ioc;
  SilentPeer peer;
  AsyncSocket socket(ioc.get_executor());
  peer.connect(socket);
  DeadlineWatchdog watchdog(socket);
  // Like 10000 short requests, each arming its own deadline, within one timeout period.
  for (int i = 0; i < 10000; ++i)
    watchdog.arm(Clock::now() + 150ms);
  const auto last_deadline = Clock::now() + 150ms;
  watchdog.arm(last_deadline);
  const auto [ec, took] = read_until_done(ioc, socket);
  (void)took;
  EXPECT_EQ(ec, net::error::operation_aborted);
  EXPECT_TRUE(watchdog.expired());
  // Cancelled at the last deadline, not the first one.
  EXPECT_GE(Clock::now(), last_deadline);
  // One wake at the first deadline (which found a later one), one at the last.
  EXPECT_LE(watchdog.wakeups(), 2u);
}

TEST(DeadlineWatchdog, AShorterDeadlineArmedLaterStillHolds) {
  net::io_context ioc;
  SilentPeer peer;
  AsyncSocket socket(ioc.get_executor());
  peer.connect(socket);
  DeadlineWatchdog watchdog(socket);
  watchdog.arm(Clock::now() + 30s);   // a request's timeout
  watchdog.arm(Clock::now() + 80ms);  // then a shorter connect deadline
  const auto [ec, took] = read_until_done(ioc, socket);
  EXPECT_EQ(ec, net::error::operation_aborted);
  EXPECT_TRUE(watchdog.expired());
  EXPECT_LT(took, 2s);
}

TEST(DeadlineWatchdog, DisarmedMeansNoCancel) {
  net::io_context ioc;
  SilentPeer peer;
  AsyncSocket socket(ioc.get_executor());
  peer.connect(socket);
  DeadlineWatchdog watchdog(socket);
  watchdog.arm(Clock::now() + 50ms);
  watchdog.disarm();
  // The timer wakes at 50 ms, finds no deadline and stops: the io_context runs out of work.
  const auto start = Clock::now();
  ioc.run_for(2s);
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_FALSE(watchdog.expired());
  EXPECT_TRUE(socket.is_open());
}

TEST(DeadlineWatchdog, DestroyedWithItsTimerPendingIsSafe) {
  net::io_context ioc;
  SilentPeer peer;
  AsyncSocket socket(ioc.get_executor());
  peer.connect(socket);
  {
    DeadlineWatchdog watchdog(socket);
    watchdog.arm(Clock::now() + 10s);
  }
  // The cancelled wait completes and touches nothing; the io_context then has no work left.
  const auto start = Clock::now();
  ioc.run_for(2s);
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_TRUE(socket.is_open());
}

}  // namespace
