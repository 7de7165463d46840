#include "httpbench/runner.hpp"

#include <time.h>

#include <algorithm>
#include <latch>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "httpbench/async_client.hpp"
#include "httpbench/progress.hpp"
#include "httpbench/recorder.hpp"
#include "httpbench/request.hpp"
#include "httpbench/sync_client.hpp"

namespace httpbench {

namespace net = boost::asio;
using Clock = std::chrono::steady_clock;
using std::chrono::nanoseconds;

namespace {

// CPU time (user + sys) consumed so far by the calling thread.
nanoseconds thread_cpu_time() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return std::chrono::seconds(ts.tv_sec) + nanoseconds(ts.tv_nsec);
}

bool stopped(const std::atomic<bool>& stop) {
  return stop.load(std::memory_order_relaxed);
}

RunResult run_sync(const Options& options, const ClientConfig& config,
                   const std::atomic<bool>& stop, Progress* progress) {
  Recorder recorder;
  SyncClient client(config);
  const auto cpu_start = thread_cpu_time();
  const auto start = Clock::now();
  for (std::uint64_t i = 0; i < options.requests && !stopped(stop); ++i) {
    const std::uint64_t failed_before = recorder.failed();
    if (!client.run_one(recorder, stop)) break;
    if (progress) progress->add(recorder.failed() == failed_before);
  }
  RunTiming timing{Clock::now() - start, thread_cpu_time() - cpu_start, stopped(stop)};
  return summarize_run(Mode::sync, recorder, timing);
}

// The run_in_executor pattern: a pool of OS threads, each with its own blocking client and
// Recorder, taking requests from a shared counter. Recorders are merged after the join.
RunResult run_threads(const Options& options, const ClientConfig& config,
                      const std::atomic<bool>& stop, Progress* progress) {
  const std::uint64_t n_threads = std::min(options.concurrency, options.requests);
  std::vector<Recorder> recorders(n_threads);
  std::vector<nanoseconds> cpu(n_threads, nanoseconds{0});
  std::atomic<std::uint64_t> next{0};
  std::latch ready(static_cast<std::ptrdiff_t>(n_threads) + 1);
  std::latch go(1);
  Clock::time_point start;
  {
    std::vector<std::jthread> workers;
    workers.reserve(n_threads);
    bool start_failed = false;
    std::string start_error;
    for (std::uint64_t t = 0; t < n_threads && !start_failed; ++t) {
      try {
        workers.emplace_back([&, t] {
          SyncClient client(config);
          Recorder& recorder = recorders[t];
          ready.count_down();
          go.wait();
          if (start_failed) return;
          const auto cpu_start = thread_cpu_time();
          while (!stopped(stop) &&
                 next.fetch_add(1, std::memory_order_relaxed) < options.requests) {
            const std::uint64_t failed_before = recorder.failed();
            if (!client.run_one(recorder, stop)) break;
            if (progress) progress->add(recorder.failed() == failed_before);
          }
          cpu[t] = thread_cpu_time() - cpu_start;
        });
      } catch (const std::system_error& e) {
        start_failed = true;
        start_error = e.what();
      }
    }
    if (start_failed) {
      go.count_down();
      workers.clear();
      throw UsageError(
          fmt::format("cannot start {} threads ({}): lower --concurrency", n_threads, start_error));
    }
    // Time the work, not the thread start-up.
    ready.arrive_and_wait();
    start = Clock::now();
    go.count_down();
  }
  const auto elapsed = Clock::now() - start;
  Recorder total;
  nanoseconds total_cpu{0};
  for (std::uint64_t t = 0; t < n_threads; ++t) {
    total.merge(recorders[t]);
    total_cpu += cpu[t];
  }
  return summarize_run(Mode::threads, total, RunTiming{elapsed, total_cpu, stopped(stop)});
}

// Checks the stop flag every 50 ms; stops the io_context when it is set. Woken early when the
// last connection finishes, so it does not add to the run's wall time.
net::awaitable<void> watch_stop(net::io_context& ioc, net::steady_timer& timer, AsyncWork& work,
                                const std::atomic<bool>& stop) {
  while (work.active > 0) {
    timer.expires_after(std::chrono::milliseconds(50));
    co_await timer.async_wait(net::as_tuple(net::use_awaitable));
    if (stopped(stop)) {
      ioc.stop();
      co_return;
    }
  }
}

RunResult run_async(const Options& options, const ClientConfig& config,
                    const std::atomic<bool>& stop, Progress* progress) {
  Recorder recorder;
  AsyncWork work{.config = config,
                 .recorder = recorder,
                 .remaining = options.requests,
                 .active = 0,
                 .progress = progress,
                 .finished_at = {},
                 .on_finished = {}};
  RunTiming timing;
  {
    // Declared after `recorder` and `work`: destroying it first destroys any coroutine frames an
    // interruption left behind while what they refer to is still alive.
    net::io_context ioc{1};
    net::steady_timer stop_timer(ioc);
    work.on_finished = [&stop_timer] { stop_timer.cancel(); };
    spawn_connections(ioc, work, std::min(options.concurrency, options.requests));
    net::co_spawn(ioc, watch_stop(ioc, stop_timer, work, stop), net::detached);
    const auto cpu_start = thread_cpu_time();
    const auto start = Clock::now();
    ioc.run();
    const auto end = work.active == 0 ? work.finished_at : Clock::now();
    timing = RunTiming{end - start, thread_cpu_time() - cpu_start, stopped(stop)};
  }
  return summarize_run(Mode::async, recorder, timing);
}

}  // namespace

ClientConfig make_client_config(const Options& options,
                                std::vector<boost::asio::ip::tcp::endpoint> endpoints) {
  ClientConfig c;
  c.endpoints = std::move(endpoints);
  c.request = serialize_request(options);
  c.keep_alive = options.keep_alive;
  c.timeout = options.timeout;
  c.connect_timeout = options.connect_timeout;
  c.max_header_size = options.max_header_size;
  return c;
}

RunResult run_mode(Mode mode, const Options& options, const ClientConfig& config,
                   const std::atomic<bool>& stop, Progress* progress) {
  if (progress) progress->reset();
  switch (mode) {
    case Mode::sync:
      return run_sync(options, config, stop, progress);
    case Mode::threads:
      return run_threads(options, config, stop, progress);
    case Mode::async:
      return run_async(options, config, stop, progress);
  }
  return {};
}

}  // namespace httpbench
