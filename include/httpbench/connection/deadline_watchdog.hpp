// A deadline for a connection's pending operations that costs nothing per request.
//
// Beast's basic_stream arms a timer for every read and write and cancels it after: two timer-queue
// operations, an allocation and executor copies per operation, which made the timeout the largest
// single cost of a keep-alive request. Here a request only stores its deadline. One timer per
// connection wakes at the earliest deadline it knows of; if the current request was given a later
// one since, it sleeps again until then, so a connection serving many short requests wakes about
// once per timeout period, and an idle one not at all. At an expired deadline it cancels the
// socket's pending operations (they complete with operation_aborted) and remembers it, so the
// caller reports a timeout.
#pragma once

#include <cstdint>
#include <memory>

#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>

#include "httpbench/stats/clock.hpp"

namespace httpbench {

// The async client's executor: the concrete io_context executor rather than any_io_executor,
// whose type-erased copies were a tenth of the client's instructions per request.
using AsyncExecutor = boost::asio::io_context::executor_type;
using AsyncSocket =
    boost::asio::basic_stream_socket<boost::asio::generic::stream_protocol, AsyncExecutor>;
using AsyncTimer =
    boost::asio::basic_waitable_timer<Clock, boost::asio::wait_traits<Clock>, AsyncExecutor>;

class DeadlineWatchdog {
 public:
  explicit DeadlineWatchdog(AsyncSocket& socket);
  ~DeadlineWatchdog();
  DeadlineWatchdog(const DeadlineWatchdog&) = delete;
  DeadlineWatchdog& operator=(const DeadlineWatchdog&) = delete;

  // Operations pending on the socket at `deadline` are cancelled. Clears expired(). Touches the
  // timer only when it is not running or set to wake after `deadline`.
  void arm(Clock::time_point deadline);
  // No deadline until the next arm().
  void disarm() { state_->deadline = Clock::time_point::max(); }
  // The armed deadline passed and the socket's operations were cancelled.
  bool expired() const { return state_->expired; }
  // Times the timer woke, for tests: far fewer than the requests when they are short.
  std::uint64_t wakeups() const { return state_->wakeups; }

 private:
  // Shared with the pending wait's handler, which may run after the watchdog is gone (already
  // queued when the timer was destroyed): it then finds `socket` null and stops.
  struct State {
    AsyncSocket* socket = nullptr;
    AsyncTimer* timer = nullptr;
    Clock::time_point deadline = Clock::time_point::max();
    // When the timer wakes, while `running`.
    Clock::time_point scheduled = Clock::time_point::max();
    bool expired = false;
    bool running = false;
    std::uint64_t wakeups = 0;
  };
  static void wait(const std::shared_ptr<State>& state, Clock::time_point when);
  static void wake(const std::shared_ptr<State>& state);

  AsyncTimer timer_;
  std::shared_ptr<State> state_;
};

}  // namespace httpbench
