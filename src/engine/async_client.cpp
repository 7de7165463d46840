#include "httpbench/engine/async_client.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <optional>
#include <string_view>
#include <type_traits>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http/error.hpp>

#include "httpbench/codec/http1_codec.hpp"
#include "httpbench/codec/read_buffer.hpp"
#include "httpbench/codec/transfer.hpp"
#include "httpbench/connection/connect_start.hpp"
#include "httpbench/connection/deadline_watchdog.hpp"
#include "httpbench/connection/exchange.hpp"
#include "httpbench/connection/redirect.hpp"
#include "httpbench/connection/resolve.hpp"
#include "httpbench/connection/route.hpp"
#include "httpbench/connection/server_close.hpp"
#include "httpbench/connection/tls_session.hpp"
#include "httpbench/engine/async_http2.hpp"
#include "httpbench/engine/async_transport.hpp"
#include "httpbench/engine/progress.hpp"
#include "httpbench/stats/clock.hpp"
#include "httpbench/stats/recorder.hpp"
#include "httpbench/stats/run_timing.hpp"

namespace httpbench {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

using namespace async;

// State shared by the connections of one run; touched only from the io_context's thread.
struct AsyncRun {
  AsyncRun(net::io_context& ioc, const ClientConfig& c, const RunPlan& p, Recorder& r,
           Recorder& warmup, const std::atomic<bool>& s, Progress* pr)
      : config(c),
        plan(p),
        schedule(p.main),
        recorder(r),
        warmup_recorder(warmup),
        stop(s),
        progress(pr),
        gate(ioc.get_executor()),
        stop_timer(ioc.get_executor()),
        probe_timer(ioc.get_executor()) {}

  const ClientConfig& config;
  const RunPlan& plan;
  Schedule schedule;
  Recorder& recorder;
  // Warm-up requests are recorded here and dropped.
  Recorder& warmup_recorder;
  const std::atomic<bool>& stop;
  Progress* progress;
  // Next measured request number.
  std::uint64_t next = 0;
  // Connections spawned, still running, and waiting at the gate between the phases.
  std::uint64_t spawned = 0;
  std::uint64_t active = 0;
  std::uint64_t at_gate = 0;
  // Holds connections after warm-up until all are ready, so the measured phase starts together.
  AsyncTimer gate;
  // Wakes the stop watcher early when the last connection finishes.
  AsyncTimer stop_timer;
  // The event-loop lag probe's timer.
  AsyncTimer probe_timer;
  // HTTP/2: the lanes' connection groups, `streams` lanes to a group (a deque: groups do not
  // move).
  std::deque<Http2Group> groups;
  Clock::time_point start{};
  Clock::time_point finished_at{};
  std::chrono::nanoseconds cpu_start{0};
};

// Writes the request and reads the response on `stream` (the socket or the TLS layer over it);
// the deadline is already armed.
template <class Stream>
Task<Transfer> transfer(Connection& conn, Stream& stream, const PreparedRequest& request,
                        Clock::time_point write_start) {
  Transfer t;
  t.ec = co_await write_request(conn, stream, conn.codec.begin(request, write_start));
  if (t.ec) co_return t;
  t.phase = Phase::read;
  t.ec = co_await read_response(conn, stream, t);
  co_return t;
}

// Closes `conn` after a response whose server announced that it would close the connection,
// once the server's FIN is in, kServerCloseGrace has passed or the request's deadline has (why:
// server_close.hpp). At higher concurrency the FIN is usually in by the time the response is
// read, and the first look finds it without the event loop.
Task<void> close_after_server(Connection& conn, Clock::time_point deadline) {
  const int fd = conn.socket.native_handle();
  std::size_t budget = kBytesBeforeServerClose;
  if (!read_to_server_close(fd, budget)) {
    conn.watchdog.arm(std::min(deadline, Clock::now() + kServerCloseGrace));
    do {
      auto [ec] = co_await conn.socket.async_wait(net::socket_base::wait_read, use_tuple);
      if (ec || conn.watchdog.expired()) break;
    } while (!read_to_server_close(fd, budget));
    conn.watchdog.disarm();
  }
  conn.close();
}

// One hop of a redirect chain to an origin other than the target's (--follow-cross-origin), on a
// connection of its own: the host resolved without blocking the loop (no lookup for an IP
// literal or a --resolve address), connected, TLS for https, the request sent (saying
// `Connection: close`), the response read, and the connection closed. No connection to another
// origin is kept between hops: such chains are not the common path, and a fresh connection per hop
// keeps them simple and correct. The exchange records the connection and handshake; a failure
// comes back in `ec`, with the step in `phase`.
Task<Transfer> cross_origin_hop(const ClientConfig& cfg, const Target& origin, Exchange& x) {
  const auto executor = co_await net::this_coro::executor;
  const RedirectPolicy& policy = *cfg.redirects;
  const auto deadline = x.deadline();
  OriginHop hop(x, cfg, origin);
  if (hop.needs_lookup()) {
    net::ip::basic_resolver<tcp, AsyncExecutor> resolver(executor);
    auto [ec, results] =
        co_await resolver.async_resolve(origin.host, std::to_string(origin.port), use_tuple);
    if (!hop.resolved(ec, results)) co_return hop.t;
  }
  Transfer& t = hop.t;
  Connection conn(executor, cfg.response);
  t.ec = co_await connect_socket(conn, hop.endpoints, hop.connect_deadline);
  if (t.ec) co_return t;
  x.connected(hop.connect_start);
  if (origin.scheme == "https") {
    t.phase = Phase::handshake;
    conn.tls.emplace(conn.socket, *cfg.cross_origin_tls);
    t.ec = prepare_tls(conn.tls->native_handle(), origin.host, policy.verify_host(), nullptr);
    if (t.ec) co_return t;
    const auto handshake_start = Clock::now();
    auto [hs_ec] = co_await conn.tls->async_handshake(ssl::stream_base::client, use_tuple);
    t.ec = conn.outcome(hs_ec);
    if (t.ec) co_return t;
    x.hop_handshake_done(conn.tls->native_handle(), handshake_start);
  }
  conn.watchdog.arm(deadline);
  const auto write_start = Clock::now();
  if (conn.tls) {
    t = co_await transfer(conn, *conn.tls, x.request(), write_start);
  } else {
    t = co_await transfer(conn, conn.socket, x.request(), write_start);
  }
  if (!t.ec && !t.keep_alive) {
    co_await close_after_server(conn, deadline);
  } else {
    conn.close();
  }
  co_return t;
}

// Request number `number` on `conn`, starting at `start` (the caller's clock reading), connecting
// first when needed, and resending once on a new connection when a reused one turns out closed by
// the server. On the keep-alive path the clock is read once more, when the response is complete.
Task<ExchangeEnd> exchange(Connection& conn, const ClientConfig& cfg, Recorder& recorder,
                           Clock::time_point intended, std::uint64_t number,
                           Clock::time_point start) {
  Exchange x(cfg, recorder, intended, number, start);
  for (;;) {
    Transfer t;
    if (const Target* away = x.away()) {
      t = co_await cross_origin_hop(cfg, *away, x);
      if (t.ec) {
        x.fail_hop(*away, t);
        co_return ExchangeEnd{false, Clock::now()};
      }
    } else {
      const bool reused = conn.is_open();
      if (!reused && !co_await open_connection(conn, cfg, x)) {
        co_return ExchangeEnd{false, Clock::now()};
      }
      conn.watchdog.arm(x.deadline());
      const auto write_start = x.write_on(reused);
      // Not a conditional expression: g++ 12 destroys the temporary of a `c ? co_await a :
      // co_await b` twice.
      if (conn.tls) {
        t = co_await transfer(conn, *conn.tls, x.request(), write_start);
      } else {
        t = co_await transfer(conn, conn.socket, x.request(), write_start);
      }
      conn.watchdog.disarm();
      if (t.ec) {
        conn.close();
        if (x.retry(t)) continue;
        x.fail(t.ec, t.phase, conn.watchdog.expired());
        co_return ExchangeEnd{false, Clock::now()};
      }
      if (conn.tls) conn.session.save(conn.tls->native_handle());
      if (!t.keep_alive) {
        co_await close_after_server(conn, x.deadline());
      } else if (!cfg.keep_alive) {
        conn.close();
      }
    }
    if (const std::optional<bool> ok = x.settle(t)) co_return ExchangeEnd{*ok, t.finished_at};
  }
}

// An HTTP/1.1 request slot: a connection of its own, one request at a time.
struct Http1Lane {
  Http1Lane(const AsyncExecutor& executor, const ClientConfig& cfg)
      : conn(executor, cfg.response), config(cfg), timer(conn.timer) {}
  Task<ExchangeEnd> exchange(Recorder& recorder, Clock::time_point intended, std::uint64_t number,
                             Clock::time_point start) {
    return httpbench::exchange(conn, config, recorder, intended, number, start);
  }

  Connection conn;
  const ClientConfig& config;
  AsyncTimer& timer;
};

Http1Lane make_lane(const AsyncExecutor& executor, AsyncRun& run, std::uint64_t, Http1Lane*) {
  return Http1Lane(executor, run.config);
}
Http2Lane make_lane(const AsyncExecutor& executor, AsyncRun& run, std::uint64_t index, Http2Lane*) {
  return Http2Lane(executor, run.groups[index / run.groups.front().streams]);
}

// Warm-up requests, the gate, then measured requests until the schedule has none left.
template <class Lane>
Task<void> run_connection(AsyncRun& run, std::uint64_t index) {
  Lane lane = make_lane(co_await net::this_coro::executor, run, index, static_cast<Lane*>(nullptr));

  Schedule warmup = run.plan.warmup_for(index);
  warmup.begin(Clock::now());
  for (std::uint64_t k = 0;; ++k) {
    const auto now = Clock::now();
    const auto when = warmup.intended(k, now);
    if (!when || run.stop.load(std::memory_order_relaxed)) break;
    co_await lane.exchange(run.warmup_recorder, *when, k, now);
  }
  if (++run.at_gate == run.spawned) {
    run.start = Clock::now();
    run.recorder.start_timeline(run.start, run.plan.interval);
    run.cpu_start = thread_cpu_time();
    run.schedule.begin(run.start);
    run.gate.cancel();
  } else {
    co_await run.gate.async_wait(use_tuple);
  }

  for (;;) {
    const auto now = Clock::now();
    const std::uint64_t number = run.next++;
    const auto when = run.schedule.intended(number, now);
    if (!when) break;
    if (run.schedule.too_late(*when, now)) {
      // Skips to the first request still on time; the skipped ones count as dropped.
      run.next = std::max(run.next, run.schedule.first_on_time(now));
      continue;
    }
    auto start = now;
    if (*when > now) {
      lane.timer.expires_at(*when);
      co_await lane.timer.async_wait(use_tuple);
      start = Clock::now();
    }
    const ExchangeEnd end = co_await lane.exchange(run.recorder, *when, number, start);
    if (run.schedule.end() && end.at > *run.schedule.end()) run.recorder.record_after_deadline();
    if (run.progress) run.progress->add(end.ok, end.at, *when, run.recorder);
  }

  if (--run.active == 0) {
    run.finished_at = Clock::now();
    // HTTP/2 connections outlive their lanes (a reader waits on each): closed now.
    for (Http2Group& group : run.groups)
      group.close();
    run.stop_timer.cancel();
    run.probe_timer.cancel();
  }
}

// Checks the stop flag every 50 ms and stops the io_context when it is set.
Task<void> watch_stop(net::io_context& ioc, AsyncRun& run) {
  while (run.active > 0) {
    run.stop_timer.expires_after(std::chrono::milliseconds(50));
    co_await run.stop_timer.async_wait(use_tuple);
    if (run.stop.load(std::memory_order_relaxed)) {
      ioc.stop();
      co_return;
    }
  }
}

// Every 10 ms, how late the timer fired: a busy event loop serves its timers (and its sockets)
// late, so a large lag says the client, not the server, set the pace. Measured phase only.
Task<void> probe_loop_lag(AsyncRun& run) {
  constexpr auto kPeriod = std::chrono::milliseconds(10);
  while (run.active > 0) {
    const auto due = Clock::now() + kPeriod;
    run.probe_timer.expires_at(due);
    auto [ec] = co_await run.probe_timer.async_wait(use_tuple);
    if (ec || run.active == 0) break;
    if (run.at_gate == run.spawned) run.recorder.record_loop_lag(elapsed_ns(due, Clock::now()));
  }
}

}  // namespace

void run_async_connections(const ClientConfig& config, const RunPlan& plan, Protocol protocol,
                           std::uint32_t streams, Recorder& recorder, RunTiming& timing,
                           const std::atomic<bool>& stop, Progress* progress) {
  // An interruption leaves coroutine frames behind; they are destroyed, never resumed, with the
  // io_context, so their reference to `run` is not used after `run` is gone. Their destructors do
  // touch the recorders (a request in flight ends), so both recorders outlive the io_context.
  Recorder warmup_recorder;
  // One thread runs this loop and is the only one to touch its sockets and timers (the resolver's
  // thread only posts completions, and the scheduler keeps its lock for that), so the reactor's
  // per-socket lock is dropped: a lock and an unlock fewer per operation.
  net::io_context ioc{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
  std::optional<AsyncRun> run;
  run.emplace(ioc, config, plan, recorder, warmup_recorder, stop, progress);
  run->gate.expires_at(Clock::time_point::max());
  if (protocol == Protocol::http2) {
    // -c lanes, `streams` to a connection: ceil(c / streams) connections.
    streams = std::max<std::uint32_t>(1, streams);
    for (std::uint64_t i = 0; i < plan.workers; i += streams)
      run->groups.emplace_back(config, streams);
  }
  for (std::uint64_t i = 0; i < plan.workers; ++i) {
    ++run->spawned;
    ++run->active;
    if (protocol == Protocol::http2) {
      net::co_spawn(ioc.get_executor(), run_connection<Http2Lane>(*run, i), net::detached);
    } else {
      net::co_spawn(ioc.get_executor(), run_connection<Http1Lane>(*run, i), net::detached);
    }
  }
  net::co_spawn(ioc.get_executor(), watch_stop(ioc, *run), net::detached);
  net::co_spawn(ioc.get_executor(), probe_loop_lag(*run), net::detached);
  ioc.run();
  const bool finished = run->active == 0;
  if (run->at_gate == run->spawned) {
    recorder.record_dropped(run->schedule.dropped(
        recorder.started(), finished ? std::nullopt : std::optional(Clock::now())));
  }
  const auto end = finished ? run->finished_at : Clock::now();
  if (run->at_gate < run->spawned) {
    // Interrupted during warm-up: nothing was measured.
    timing = RunTiming{};
  } else {
    timing = RunTiming{end - run->start, thread_cpu_time() - run->cpu_start, !finished};
  }
  timing.interrupted = stop.load(std::memory_order_relaxed);
}

}  // namespace httpbench
