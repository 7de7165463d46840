#include "httpbench/connection/deadline_watchdog.hpp"

#include <utility>

namespace httpbench {

DeadlineWatchdog::DeadlineWatchdog(AsyncSocket& socket)
    : timer_(socket.get_executor()), state_(std::make_shared<State>()) {
  state_->socket = &socket;
  state_->timer = &timer_;
}

DeadlineWatchdog::~DeadlineWatchdog() {
  state_->socket = nullptr;
  state_->timer = nullptr;
  // timer_'s destructor cancels the pending wait.
}

void DeadlineWatchdog::arm(Clock::time_point deadline) {
  state_->deadline = deadline;
  state_->expired = false;
  if (!state_->running || deadline < state_->scheduled) wait(state_, deadline);
}

void DeadlineWatchdog::wait(const std::shared_ptr<State>& state, Clock::time_point when) {
  state->running = true;
  state->scheduled = when;
  // Replaces a pending wait, whose handler then runs with operation_aborted and does nothing.
  state->timer->expires_at(when);
  state->timer->async_wait([state](const boost::system::error_code& ec) {
    if (!ec) wake(state);
  });
}

void DeadlineWatchdog::wake(const std::shared_ptr<State>& state) {
  // Null when the watchdog was destroyed after this wake was already queued.
  if (state->socket == nullptr) return;
  state->running = false;
  ++state->wakeups;
  const auto now = Clock::now();
  if (state->deadline <= now) {
    state->expired = true;
    state->deadline = Clock::time_point::max();
    boost::system::error_code ignored;
    state->socket->cancel(ignored);
    return;
  }
  // A request armed a later deadline while the timer slept, or none is armed (idle: stop).
  if (state->deadline != Clock::time_point::max()) wait(state, state->deadline);
}

}  // namespace httpbench
