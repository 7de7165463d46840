#include "httpbench/engine/sync_client.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http/error.hpp>

#include "httpbench/codec/http1_codec.hpp"
#include "httpbench/codec/http2_codec.hpp"
#include "httpbench/codec/http2_error.hpp"
#include "httpbench/codec/read_buffer.hpp"
#include "httpbench/codec/transfer.hpp"
#include "httpbench/connection/connect_start.hpp"
#include "httpbench/connection/exchange.hpp"
#include "httpbench/connection/poll_socket.hpp"
#include "httpbench/connection/redirect.hpp"
#include "httpbench/connection/resolve.hpp"
#include "httpbench/connection/route.hpp"
#include "httpbench/connection/server_close.hpp"
#include "httpbench/connection/tls_session.hpp"
#include "httpbench/stats/clock.hpp"
#include "httpbench/stats/recorder.hpp"

namespace httpbench {

using boost::system::error_code;
namespace net = boost::asio;
using tcp = net::ip::tcp;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;

namespace {

// The longest the client sleeps without looking at the stop flag, so that a stop request (Ctrl-C
// or the end of a timed run) is noticed promptly.
constexpr std::chrono::milliseconds kWaitSlice{100};

// Blocks in poll() until `fd` is ready for `events`, the deadline passes, or `stop` is set.
error_code wait_ready(int fd, short events, Clock::time_point deadline,
                      const std::atomic<bool>& stop) {
  for (;;) {
    if (stop.load(std::memory_order_relaxed)) return net::error::operation_aborted;
    const auto now = Clock::now();
    if (now >= deadline) return net::error::timed_out;
    const auto remaining = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
    pollfd pfd{fd, events, 0};
    const int rc =
        ::poll(&pfd, 1, static_cast<int>(std::min<std::int64_t>(remaining, kWaitSlice.count())));
    if (rc > 0) return {};
    if (rc < 0 && errno != EINTR) return {errno, boost::system::system_category()};
  }
}

// Returns once the server's FIN is in on `fd`, kServerCloseGrace has passed or `deadline` has,
// after a response whose server announced that it would close the connection: the client closes
// after it (why: server_close.hpp). Reads before it polls: the main path calls it a whole exchange
// after the response (SyncClient::State::finish_closing), when the FIN is nearly always in.
void await_server_close(int fd, Clock::time_point deadline, const std::atomic<bool>& stop) {
  std::size_t budget = kBytesBeforeServerClose;
  deadline = std::min(deadline, Clock::now() + kServerCloseGrace);
  while (!read_to_server_close(fd, budget) && !wait_ready(fd, POLLIN, deadline, stop)) {
  }
}

bool would_block(const error_code& ec) {
  return ec == net::error::would_block || ec == net::error::try_again;
}

// A socket presented to Beast as a blocking stream whose every call ends by the
// request's deadline. A read that is sure to find nothing is not tried: right after a write (the
// answer cannot be there yet) or after a read that drained the socket, the stream waits first,
// which saves the read that fails with EAGAIN: one system call of four per request. It waits in
// the read itself on a kept-alive connection (PollSocket::read_waiting), in poll() otherwise.
class DeadlineStream {
 public:
  // What asio's ssl::stream needs of the layer below it.
  using lowest_layer_type = PollSocket;
  using executor_type = PollSocket::executor_type;

  explicit DeadlineStream(PollSocket& socket) : socket_(socket) {}

  // Sets the deadline and stop flag for the calls that follow, up to the next arm().
  void arm(Clock::time_point deadline, const std::atomic<bool>& stop) {
    deadline_ = deadline;
    stop_ = &stop;
  }
  lowest_layer_type& lowest_layer() { return socket_; }
  const lowest_layer_type& lowest_layer() const { return socket_; }
  executor_type get_executor() { return socket_.get_executor(); }

  template <class MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers, error_code& ec) {
    if (std::exchange(wait_before_read_, false)) {
      // On a kept-alive connection the read itself waits, one system call rather than poll()
      // and a read, while the deadline is further away than the socket's slice.
      if (socket_.allows_waiting_reads() && !stop_->load(std::memory_order_relaxed) &&
          deadline_ - Clock::now() >= kWaitSlice) {
        const std::size_t n = socket_.read_waiting(buffers, ec);
        if (!would_block(ec) && ec != net::error::interrupted) return read_done(n, buffers, ec);
      }
      if ((ec = wait_ready(socket_.native_handle(), POLLIN, deadline_, *stop_))) return 0;
    }
    for (;;) {
      const std::size_t n = socket_.read_some(buffers, ec);
      if (!would_block(ec)) return read_done(n, buffers, ec);
      if ((ec = wait_ready(socket_.native_handle(), POLLIN, deadline_, *stop_))) return 0;
    }
  }
  template <class MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers) {
    error_code ec;
    const std::size_t n = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }
  template <class ConstBuffers>
  std::size_t write_some(const ConstBuffers& buffers, error_code& ec) {
    for (;;) {
      const std::size_t n = socket_.write_some(buffers, ec);
      if (!would_block(ec)) {
        wait_before_read_ = !ec;
        return n;
      }
      if ((ec = wait_ready(socket_.native_handle(), POLLOUT, deadline_, *stop_))) return 0;
    }
  }
  template <class ConstBuffers>
  std::size_t write_some(const ConstBuffers& buffers) {
    error_code ec;
    const std::size_t n = write_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

 private:
  // A read that filled less than its buffers drained the socket: the next one waits first.
  template <class MutableBuffers>
  std::size_t read_done(std::size_t n, const MutableBuffers& buffers, const error_code& ec) {
    wait_before_read_ = !ec && n < net::buffer_size(buffers);
    return n;
  }

  PollSocket& socket_;
  Clock::time_point deadline_{};
  const std::atomic<bool>* stop_ = nullptr;
  // The next read would find the socket empty: wait for data before trying it.
  bool wait_before_read_ = false;
};

// Reads one response on `stream` into `t`, through `codec`.
template <class Stream>
error_code read_response(Stream& stream, beast::flat_buffer& buffer, Http1Codec& codec,
                         Transfer& t) {
  for (;;) {
    const error_code parsed = codec.on_read(buffer, t);
    if (parsed != http::error::need_more) return parsed;
    const std::size_t room = beast::read_size(buffer, kLargeReadBuffer);
    if (room == 0) return http::error::buffer_overflow;
    error_code ec;
    const std::size_t n = stream.read_some(buffer.prepare(room), ec);
    if (ec == net::error::eof) return codec.on_end_of_stream(t);
    if (ec) {
      codec.on_read_error(t);
      return ec;
    }
    buffer.commit(n);
  }
}

// Writes the request and reads the response, past interim 1xx responses.
template <class Stream>
Transfer transfer(Stream& stream, beast::flat_buffer& buffer, Http1Codec& codec,
                  const PreparedRequest& request, Clock::time_point write_start) {
  Transfer t;
  net::write(stream, net::buffer(codec.begin(request, write_start)), t.ec);
  if (t.ec) return t;
  t.phase = Phase::read;
  t.ec = read_response(stream, buffer, codec, t);
  return t;
}

// Connects `socket` to the first of `endpoints` that accepts, by `deadline`. Asio's own blocking
// connect would wait without a deadline, so this is a non-blocking connect() followed by poll().
error_code connect_any(PollSocket& socket, const std::vector<ConnectEndpoint>& endpoints,
                       Clock::time_point deadline, const std::atomic<bool>& stop) {
  error_code ec = net::error::host_not_found;
  error_code ignored;
  for (const ConnectEndpoint& ep : endpoints) {
    ec = start_connect(socket, ep);
    if (ec == net::error::in_progress) {
      ec = wait_ready(socket.native_handle(), POLLOUT, deadline, stop);
      if (!ec) ec = connect_result(socket.native_handle());
    }
    if (!ec) {
      if (ep.protocol().family() != AF_UNIX) socket.no_delay(ignored);
      return ec;
    }
    if (ec == net::error::operation_aborted) break;
  }
  socket.close(ignored);
  return ec;
}

// One hop of a redirect chain to an origin other than the target's (--follow-cross-origin), on a
// connection of its own: the host resolved (a blocking lookup, as this client blocks anyway; none
// for an IP literal or a --resolve address), connected, TLS for https, the request sent (saying
// `Connection: close`), the response read, and the connection closed. No connection to another
// origin is kept between hops: such chains are not the common path, and a fresh connection per hop
// keeps them simple and correct. The exchange records the connection and handshake; a failure
// comes back in `ec`, with the step in `phase`.
Transfer cross_origin_hop(net::io_context& ioc, const ClientConfig& cfg, const Target& origin,
                          Exchange& x, const std::atomic<bool>& stop) {
  const RedirectPolicy& policy = *cfg.redirects;
  const auto deadline = x.deadline();
  OriginHop hop(x, cfg, origin);
  if (hop.needs_lookup()) {
    // The lookup cannot be interrupted: one that ends past the deadline is a timeout.
    tcp::resolver resolver(ioc);
    error_code ec;
    const auto results = resolver.resolve(origin.host, std::to_string(origin.port), ec);
    if (!hop.resolved(ec, results)) return hop.t;
  }
  Transfer& t = hop.t;
  PollSocket socket(ioc);
  if ((t.ec = connect_any(socket, hop.endpoints, hop.connect_deadline, stop))) return t;
  x.connected(hop.connect_start);
  DeadlineStream stream(socket);
  beast::flat_buffer buffer;
  Http1Codec codec(cfg.response);
  if (origin.scheme != "https") {
    stream.arm(deadline, stop);
    t = transfer(stream, buffer, codec, x.request(), Clock::now());
  } else {
    t.phase = Phase::handshake;
    stream.arm(hop.connect_deadline, stop);
    ssl::stream<DeadlineStream&> tls(stream, *cfg.cross_origin_tls);
    t.ec = prepare_tls(tls.native_handle(), origin.host, policy.verify_host(), nullptr);
    const auto handshake_start = Clock::now();
    if (!t.ec) tls.handshake(ssl::stream_base::client, t.ec);
    if (t.ec) return t;
    x.hop_handshake_done(tls.native_handle(), handshake_start);
    stream.arm(deadline, stop);
    t = transfer(tls, buffer, codec, x.request(), Clock::now());
    close_without_notify(tls.native_handle());
  }
  if (!t.ec && !t.keep_alive) await_server_close(socket.native_handle(), deadline, stop);
  return t;
}

}  // namespace

struct SyncClient::State {
  State(const ClientConfig& c, Protocol p)
      : config(c),
        protocol(p),
        socket(ioc),
        closing(ioc),
        stream(socket),
        codec(c.response),
        h2(c.response, 1, [](Http2Stream&) {}) {}
  ~State() {
    const std::atomic<bool> no_stop{false};
    finish_closing(no_stop);
  }
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  void close() { close_connection(socket, tls, buffer); }

  // After a response whose server announced that it would close the connection. The client
  // closes only once the server's FIN is in (why: server_close.hpp), but the next request does
  // not wait for it: the connection is parked in `closing`, and closed by the next call or when
  // the client is done. At -c1 the wait was a poll, a sleep and a wake-up per connection, on the
  // path from one request to the next.
  void close_after_server(const std::atomic<bool>& stop) {
    finish_closing(stop);
    closing.swap(socket);
    close();  // the TLS layer and the buffer; the socket is now closing's
  }

  // Closes the parked connection once its FIN is in. A whole exchange has passed since its
  // response, so the FIN is nearly always in and is read at once; a server that has not closed
  // by then is waited for kServerCloseGrace at most.
  void finish_closing(const std::atomic<bool>& stop) {
    if (!closing.is_open()) return;
    await_server_close(closing.native_handle(), Clock::time_point::max(), stop);
    error_code ignored;
    closing.close(ignored);
  }

  // Tries each address in turn (see connect_any). A connection meant to be kept alive waits for
  // its answers in the read (PollSocket::read_waiting); one that serves a single request would
  // spend more system calls setting that up than it saves.
  error_code connect(Clock::time_point deadline, const std::atomic<bool>& stop) {
    close();
    error_code ec = connect_any(socket, config.endpoints, deadline, stop);
    if (!ec && config.keep_alive) {
      error_code ignored;  // without it, the stream waits in poll() as before
      socket.allow_waiting_reads(kWaitSlice, ignored);
    }
    return ec;
  }

  // https through a proxy: sends the CONNECT request and reads the proxy's answer on the fresh
  // connection, by `deadline`. Sets `status` to the answer's status.
  error_code open_tunnel(Clock::time_point deadline, const std::atomic<bool>& stop,
                         unsigned& status) {
    stream.arm(deadline, stop);
    error_code ec;
    net::write(stream, net::buffer(config.tunnel_request), ec);
    if (ec) return ec;
    codec.begin_connect_answer();
    Transfer answer;
    ec = read_response(stream, buffer, codec, answer);
    status = answer.status;
    if (ec) return ec;
    return tunnel_answer_error(status, buffer.size());
  }

  // Establishes the connection (TCP or Unix socket; through a proxy, the CONNECT tunnel for
  // https) and, for https, TLS, by the exchange's connect deadline. The exchange records the
  // connection and handshake, or the failure (then this returns false, as it does without
  // recording anything when `stop` cut a wait short: `stopped` is then set).
  bool open_connection(Exchange& x, const std::atomic<bool>& stop, bool& stopped) {
    const auto connect_deadline = x.connect_deadline();
    const auto connect_start = Clock::now();
    Phase phase = Phase::connect;
    error_code ec = connect(connect_deadline, stop);
    unsigned status = 0;
    // The tunnel is part of establishing the connection: its round trip counts as connect time.
    if (!ec && !config.tunnel_request.empty()) ec = open_tunnel(connect_deadline, stop, status);
    if (!ec && !config.tunnel_request.empty() && !tunnel_opened(status)) {
      close();
      x.fail_tunnel(status);
      return false;
    }
    if (!ec) {
      x.connected(connect_start);
      if (!config.tls) return true;
      phase = Phase::handshake;
      stream.arm(connect_deadline, stop);
      tls.emplace(stream, *config.tls);
      ec = prepare_tls(tls->native_handle(), config, session);
      if (!ec && protocol == Protocol::http2) offer_http2(tls->native_handle());
      const auto handshake_start = Clock::now();
      if (!ec) tls->handshake(ssl::stream_base::client, ec);
      if (!ec) {
        x.handshake_done(tls->native_handle(), handshake_start);
        if (protocol == Protocol::http2 && !chose_http2(tls->native_handle())) {
          close();
          x.fail(Http2Error::not_http2, Phase::read);
          return false;
        }
        return true;
      }
    }
    close();
    stopped = ec == net::error::operation_aborted && stop.load(std::memory_order_relaxed);
    if (!stopped) x.fail(ec, phase);
    return false;
  }

  // HTTP/2: sends the request on a stream of the connection and runs the connection (writes
  // what the codec has, reads and feeds it) until the stream ends, by the armed deadline.
  template <class Stream>
  error_code run_stream(Stream& st, const PreparedRequest& request, Clock::time_point write_start) {
    if (const error_code ec = h2.submit(request, h2_stream, write_start)) {
      h2_stream.transfer.ec = ec;
      return {};
    }
    while (h2_stream.open) {
      const std::string_view out = h2.output();
      error_code ec;
      error_code ignored;
      if (!out.empty()) {
        net::write(st, net::buffer(out), ec);
        h2.consumed(out.size());
        if (ec) h2.fail_all(ec);
        continue;
      }
      const std::size_t n = st.read_some(net::buffer(h2_in), ec);
      // The stream's own deadline, or a stop: the stream is left open, the connection kept.
      if (ec == net::error::timed_out || ec == net::error::operation_aborted) return ec;
      if (ec == net::error::eof) ec = Http2Error::connection_closed;
      if (!ec) {
        ec = h2.on_read(h2_in.data(), n);
        // The GOAWAY that tells the server why (best effort, by the same deadline).
        if (ec) net::write(st, net::buffer(h2.output()), ignored);
      }
      if (!ec && h2_stream.open && h2.finished()) ec = Http2Error::connection_closed;
      if (ec) h2.fail_all(ec);
    }
    return {};
  }

  // After a stream's own deadline: its RST_STREAM(CANCEL) is written (briefly: the deadline
  // has passed) and the connection kept.
  template <class Stream>
  void cancel_stream(Stream& st, const std::atomic<bool>& stop) {
    h2.cancel(h2_stream);
    stream.arm(Clock::now() + kServerCloseGrace, stop);
    const std::string_view out = h2.output();
    error_code ec;
    net::write(st, net::buffer(out), ec);
    h2.consumed(out.size());
    if (ec) close();
  }

  const ClientConfig& config;
  const Protocol protocol;
  // For ssl::stream, which needs an executor although nothing runs on it, and the resolver.
  net::io_context ioc{1};
  PollSocket socket;
  // A connection waiting for the server's FIN (close_after_server).
  PollSocket closing;
  DeadlineStream stream;
  // The TLS layer for https, rebuilt for every new connection.
  std::optional<ssl::stream<DeadlineStream&>> tls;
  TlsSession session;
  // Reused across requests on this connection; it holds bytes read past a response.
  beast::flat_buffer buffer;
  Http1Codec codec;
  // HTTP/2: the codec of the connection, one stream at a time, and its read buffer.
  Http2Codec h2;
  Http2Stream h2_stream;
  std::vector<std::uint8_t> h2_in = std::vector<std::uint8_t>(kLargeReadBuffer);
};

SyncClient::SyncClient(const ClientConfig& config, Protocol protocol)
    : state_(std::make_unique<State>(config, protocol)) {}
SyncClient::~SyncClient() = default;

bool SyncClient::run_one(Recorder& recorder, const std::atomic<bool>& stop,
                         Clock::time_point intended, std::uint64_t number) {
  State& s = *state_;
  const ClientConfig& cfg = s.config;
  Exchange x(cfg, recorder, intended, number, Clock::now());
  // A wait that a stop request cut short: the request is abandoned, not failed.
  auto stopped = [&](const error_code& ec) {
    return ec == net::error::operation_aborted && stop.load(std::memory_order_relaxed);
  };
  if (s.protocol == Protocol::http2) return run_http2(x, stop);
  for (;;) {
    Transfer t;
    if (const Target* away = x.away()) {
      t = cross_origin_hop(s.ioc, cfg, *away, x, stop);
      if (t.ec) {
        if (stopped(t.ec)) return false;
        x.fail_hop(*away, t);
        return true;
      }
    } else {
      const bool reused = s.socket.is_open();
      bool stopped_while_connecting = false;
      if (!reused && !s.open_connection(x, stop, stopped_while_connecting)) {
        return !stopped_while_connecting;
      }
      const auto write_start = x.write_on(reused);
      s.stream.arm(x.deadline(), stop);
      t = s.tls ? transfer(*s.tls, s.buffer, s.codec, x.request(), write_start)
                : transfer(s.stream, s.buffer, s.codec, x.request(), write_start);
      if (t.ec) {
        s.close();
        if (x.retry(t)) continue;
        if (stopped(t.ec)) return false;
        // Our own poll() deadline, not the kernel's ETIMEDOUT.
        x.fail(t.ec, t.phase, t.ec == net::error::timed_out && Clock::now() >= x.deadline());
        return true;
      }
      if (s.tls) s.session.save(s.tls->native_handle());
      if (!t.keep_alive) {
        s.close_after_server(stop);
      } else if (!cfg.keep_alive) {
        s.close();
      }
    }
    if (const std::optional<bool> ok = x.settle(t)) return true;
  }
}

bool SyncClient::run_http2(Exchange& x, const std::atomic<bool>& stop) {
  State& s = *state_;
  for (;;) {
    if (x.away()) {
      // Refused on the command line: a hop to another origin needs its own connection.
      x.fail(net::error::operation_not_supported, Phase::connect);
      return true;
    }
    // A connection the server is closing (GOAWAY) takes no new stream.
    const bool reused = s.socket.is_open() && !s.h2.closing();
    if (!reused) {
      bool stopped_while_connecting = false;
      if (!s.open_connection(x, stop, stopped_while_connecting)) return !stopped_while_connecting;
      s.h2.start();
    }
    const auto write_start = x.write_on(reused);
    s.stream.arm(x.deadline(), stop);
    error_code waited;
    if (s.tls) {
      waited = s.run_stream(*s.tls, x.request(), write_start);
    } else {
      waited = s.run_stream(s.stream, x.request(), write_start);
    }
    if (waited == net::error::operation_aborted && stop.load(std::memory_order_relaxed)) {
      s.close();
      return false;
    }
    if (waited) {
      // Its own deadline: only the stream is reset.
      if (s.tls) {
        s.cancel_stream(*s.tls, stop);
      } else {
        s.cancel_stream(s.stream, stop);
      }
      x.fail(waited, Phase::read, Clock::now() >= x.deadline());
      return true;
    }
    const Transfer& t = s.h2_stream.transfer;
    if (t.ec) {
      if (s.h2.closing()) s.close();
      if (x.retry_refused(t) || x.retry(t)) continue;
      x.fail(t.ec, t.phase);
      return true;
    }
    if (s.tls) s.session.save(s.tls->native_handle());
    if (x.settle(t)) return true;
  }
}

}  // namespace httpbench
