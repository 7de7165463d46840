#include "httpbench/engine/async_http2.hpp"

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/error.hpp>

#include "httpbench/codec/http2_error.hpp"

namespace httpbench::async {

// One HTTP/2 connection: its transport, its codec, and the state its reader and writer share.
// Kept alive by its reader and writer (and the lanes with a stream on it).
struct Http2Connection {
  Http2Connection(const AsyncExecutor& executor, const ClientConfig& config, std::uint32_t streams)
      : transport(executor, config.response),
        codec(config.response, streams, &Http2Connection::stream_ended),
        write_wake(executor) {}

  // A stream ended: its lane wakes (the codec calls this while reading, writing or failing).
  static void stream_ended(Http2Stream& stream) {
    static_cast<Http2Lane*>(stream.owner)->wake.cancel();
  }

  bool usable() const { return state == State::open && !codec.closing(); }
  // Wakes the writer when it waits for output.
  void kick() {
    if (writer_idle) write_wake.cancel();
  }
  // The connection is over: every open stream ends with `ec`, the socket closes, the writer
  // leaves.
  void shut(error_code ec) {
    codec.fail_all(ec);
    state = State::closed;
    transport.close();
    write_wake.cancel();
  }

  enum class State { connecting, open, closed };

  Connection transport;
  Http2Codec codec;
  AsyncTimer write_wake;
  std::vector<std::uint8_t> in;
  State state = State::connecting;
  // The writer waits on write_wake for output.
  bool writer_idle = false;
  // A stream went out on it already: the next one reuses it.
  bool used = false;
  // The session failed while the writer was writing: it writes the GOAWAY, then closes.
  bool close_after_write = false;
};

namespace {

void write_now(Http2Connection& c);

// Reads until the connection ends, feeding the codec; the streams it ends wake their lanes.
Task<void> read_loop(std::shared_ptr<Http2Connection> c, Http2Group& group) {
  for (;;) {
    auto buffer = net::buffer(c->in);
    error_code ec;
    std::size_t n = 0;
    // Not a conditional expression: g++ 12 mishandles the temporaries of `c ? co_await a :
    // co_await b`.
    if (c->transport.tls) {
      std::tie(ec, n) = co_await c->transport.tls->async_read_some(buffer, use_tuple);
    } else {
      std::tie(ec, n) = co_await c->transport.socket.async_read_some(buffer, use_tuple);
    }
    if (c->state == Http2Connection::State::closed) break;
    if (ec) {
      c->shut(ec == net::error::eof ? error_code(Http2Error::connection_closed) : ec);
      break;
    }
    if (const error_code bad = c->codec.on_read(c->in.data(), n)) {
      // Its streams end now; the GOAWAY that tells the server why goes out before the socket
      // closes: at once when the writer is idle, else by the writer after its write.
      c->codec.fail_all(bad);
      if (c->writer_idle) {
        write_now(*c);
        c->shut(bad);
      } else {
        c->close_after_write = true;
      }
      break;
    }
    c->kick();
    // A GOAWAY with no stream left, or a session that ended (a protocol error): nothing more
    // will come on this connection.
    if (c->codec.finished() || (c->codec.closing() && c->codec.open_streams() == 0)) {
      c->shut(Http2Error::connection_closed);
      break;
    }
    if (!group.waiting.empty()) group.notify();
  }
  group.notify();
}

// Writes what the codec has to send, waiting for more when it has nothing.
Task<void> write_loop(std::shared_ptr<Http2Connection> c, Http2Group& group) {
  while (c->state != Http2Connection::State::closed) {
    const std::string_view out = c->codec.output();
    if (out.empty()) {
      c->write_wake.expires_at(Clock::time_point::max());
      c->writer_idle = true;
      co_await c->write_wake.async_wait(use_tuple);
      c->writer_idle = false;
      continue;
    }
    error_code ec;
    std::size_t written = 0;
    if (c->transport.tls) {
      std::tie(ec, written) =
          co_await net::async_write(*c->transport.tls, net::buffer(out), use_tuple);
    } else {
      std::tie(ec, written) =
          co_await net::async_write(c->transport.socket, net::buffer(out), use_tuple);
    }
    if (c->state == Http2Connection::State::closed) break;
    if (ec) {
      c->shut(ec);
      group.notify();
      break;
    }
    c->codec.consumed(written);
    if (c->close_after_write) {
      const std::string_view last = c->codec.output();
      if (c->transport.tls) {
        co_await net::async_write(*c->transport.tls, net::buffer(last), use_tuple);
      } else {
        co_await net::async_write(c->transport.socket, net::buffer(last), use_tuple);
      }
      c->shut(Http2Error::connection_closed);
      group.notify();
      break;
    }
    // A cancelled stream's RST_STREAM, just written, freed its place.
    if (!group.waiting.empty()) group.notify();
  }
}

// Writes what the codec has at once over plain TCP when the writer is idle (a few frames fit the
// socket's buffer almost always); wakes the writer for the rest, and over TLS.
void write_now(Http2Connection& c) {
  if (!c.writer_idle) return;
  if (!c.transport.tls) {
    const std::string_view out = c.codec.output();
    if (out.empty()) return;
    error_code ec;
    const std::size_t sent = send_now(c.transport.socket, out, ec);
    c.codec.consumed(sent);
    if (ec) {
      c.shut(ec);
      return;
    }
    if (!c.codec.wants_write()) return;
  }
  c.kick();
}

// Sends a lane's request. With one stream to a connection it is written at once (no switch to
// the writer). With several, the writer is woken instead: the lanes that one read woke all
// submit before it runs, and their requests go out in one write rather than one each.
void send_request(Http2Connection& c, std::uint32_t streams) {
  if (streams == 1) {
    write_now(c);
  } else {
    c.kick();
  }
}

}  // namespace

Http2Group::Http2Group(const ClientConfig& c, std::uint32_t s) : config(c), streams(s) {
  waiting.reserve(streams);
}

void Http2Group::notify() {
  for (Http2Lane* lane : waiting)
    lane->wake.cancel();
  waiting.clear();
}

void Http2Group::close() {
  for (const std::weak_ptr<Http2Connection>& weak : opened) {
    const std::shared_ptr<Http2Connection> c = weak.lock();
    if (!c || c->state == Http2Connection::State::closed) continue;
    // What is still queued (the RST_STREAM of a stream that just timed out) goes first.
    write_now(*c);
    c->shut(Http2Error::connection_closed);
  }
  opened.clear();
  current.reset();
}

Http2Lane::Http2Lane(const AsyncExecutor& executor, Http2Group& g)
    : group(g), timer(executor), wake(executor) {
  stream.owner = this;
}

Task<bool> Http2Lane::wait_until(Clock::time_point deadline) {
  wake.expires_at(deadline);
  auto [ec] = co_await wake.async_wait(use_tuple);
  co_return ec == net::error::operation_aborted || Clock::now() < deadline;
}

Task<std::shared_ptr<Http2Connection>> Http2Lane::connect_new(Exchange& x) {
  const ClientConfig& cfg = group.config;
  auto c = std::make_shared<Http2Connection>(co_await net::this_coro::executor, cfg, group.streams);
  // The TLS session of the connection it replaces, for resumption.
  if (group.current && group.current->transport.tls) {
    Connection& old = group.current->transport;
    old.session.save(old.tls->native_handle());
    c->transport.session = std::move(old.session);
  }
  group.current = c;
  group.opened.push_back(c);
  const bool opened = co_await open_connection(c->transport, cfg, x, Protocol::http2);
  if (!opened) {
    c->state = Http2Connection::State::closed;
    if (group.current == c) group.current.reset();
    group.notify();
    co_return nullptr;
  }
  // The connect deadline was this request's; the connection outlives it.
  c->transport.watchdog.disarm();
  c->in.resize(kLargeReadBuffer);
  c->codec.start();
  c->state = Http2Connection::State::open;
  const auto executor = co_await net::this_coro::executor;
  net::co_spawn(executor, read_loop(c, group), net::detached);
  net::co_spawn(executor, write_loop(c, group), net::detached);
  group.notify();
  co_return c;
}

Task<std::shared_ptr<Http2Connection>> Http2Lane::acquire(Exchange& x, bool& reused) {
  for (;;) {
    const Http2Connection* c = group.current.get();
    using State = Http2Connection::State;
    if (!c || c->state == State::closed || (c->state == State::open && c->codec.closing())) {
      reused = false;
      auto fresh = co_await connect_new(x);
      if (fresh) fresh->used = true;
      co_return fresh;
    }
    if (c->state == State::open && c->codec.can_submit()) {
      reused = c->used;
      group.current->used = true;
      co_return group.current;
    }
    // Opening, or as many streams open as allowed: wait for a change, by the request's deadline.
    group.waiting.push_back(this);
    if (!co_await wait_until(x.deadline())) {
      std::erase(group.waiting, this);
      x.fail(beast::error::timeout, Phase::read, true);
      co_return nullptr;
    }
  }
}

Task<ExchangeEnd> Http2Lane::exchange(Recorder& recorder, Clock::time_point intended,
                                      std::uint64_t number, Clock::time_point start) {
  Exchange x(group.config, recorder, intended, number, start);
  for (;;) {
    if (x.away()) {
      // The command line refuses --follow-cross-origin with --http2; a hop to another origin
      // would need a connection (and a protocol) of its own.
      x.fail(net::error::operation_not_supported, Phase::connect);
      co_return ExchangeEnd{false, Clock::now()};
    }
    bool reused = false;
    std::shared_ptr<Http2Connection> c = co_await acquire(x, reused);
    if (!c) co_return ExchangeEnd{false, Clock::now()};
    const auto write_start = x.write_on(reused);
    if (const error_code ec = c->codec.submit(x.request(), stream, write_start)) {
      x.fail(ec, Phase::write);
      co_return ExchangeEnd{false, Clock::now()};
    }
    send_request(*c, group.streams);
    while (stream.open) {
      if (!co_await wait_until(x.deadline()) && stream.open) {
        // Only this stream is late: it is reset (CANCEL) at once, and the connection carries on.
        c->codec.cancel(stream);
        write_now(*c);
        x.fail(beast::error::timeout, Phase::read, true);
        co_return ExchangeEnd{false, Clock::now()};
      }
    }
    const Transfer& t = stream.transfer;
    if (t.ec) {
      // Refused, or the server closed the reused connection before answering: sent again once.
      if (x.retry_refused(t) || x.retry(t)) continue;
      x.fail(t.ec, t.phase);
      co_return ExchangeEnd{false, Clock::now()};
    }
    if (const std::optional<bool> ok = x.settle(t)) co_return ExchangeEnd{*ok, t.finished_at};
  }
}

}  // namespace httpbench::async
