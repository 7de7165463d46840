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

#include "httpbench/codec/header_memo.hpp"
#include "httpbench/codec/response_parser.hpp"
#include "httpbench/codec/response_reader.hpp"
#include "httpbench/codec/transfer.hpp"
#include "httpbench/connection/connect_start.hpp"
#include "httpbench/connection/poll_socket.hpp"
#include "httpbench/connection/redirect.hpp"
#include "httpbench/connection/resolve.hpp"
#include "httpbench/connection/route.hpp"
#include "httpbench/connection/server_close.hpp"
#include "httpbench/connection/tls_session.hpp"
#include "httpbench/stats/clock.hpp"
#include "httpbench/stats/recorder.hpp"

namespace httpbench {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using boost::system::error_code;

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

// Reads one response on `stream` into `t`, through `reader`.
template <class Stream>
error_code read_response(Stream& stream, beast::flat_buffer& buffer, ResponseReader& reader,
                         Transfer& t) {
  for (;;) {
    const error_code parsed = reader.consume(buffer, t);
    if (parsed != http::error::need_more) return parsed;
    const std::size_t room = beast::read_size(buffer, kLargeReadBuffer);
    if (room == 0) return http::error::buffer_overflow;
    error_code ec;
    const std::size_t n = stream.read_some(buffer.prepare(room), ec);
    if (ec == net::error::eof) return reader.end_of_stream(t);
    if (ec) {
      reader.abandon(t);
      return ec;
    }
    buffer.commit(n);
  }
}

// Writes the request and reads the response, past interim 1xx responses.
template <class Stream>
Transfer transfer(Stream& stream, beast::flat_buffer& buffer, HeaderMemo& memo,
                  const ClientConfig& cfg, std::string_view request) {
  Transfer t;
  const auto write_start = Clock::now();
  std::optional<Clock::time_point> header_done;
  net::write(stream, net::buffer(request), t.ec);
  if (t.ec) return t;
  t.phase = Phase::read;
  do {
    ResponseParser parser(cfg, request);
    ResponseReader reader(parser, memo, is_head_request(request));
    t.ec = read_response(stream, buffer, reader, t);
    header_done = reader.header_done();
  } while (!t.ec && is_interim_status(t.status));
  if (!t.ec) t.finish(write_start, header_done);
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
// keeps them simple and correct. Records the connection and handshake; a failure comes back in
// `ec`, with the step in `phase`.
Transfer cross_origin_hop(net::io_context& ioc, const ClientConfig& cfg, const Target& origin,
                          std::string_view request, Recorder& recorder, Clock::time_point deadline,
                          const std::atomic<bool>& stop) {
  const RedirectPolicy& policy = *cfg.redirects;
  Transfer t;
  t.phase = Phase::connect;
  const auto connect_start = Clock::now();
  const auto connect_deadline = std::min(deadline, connect_start + cfg.connect_timeout);
  std::vector<ConnectEndpoint> endpoints;
  if (const auto fixed = fixed_address(origin, policy.resolve_overrides())) {
    endpoints.emplace_back(*fixed);
  } else {
    // The lookup cannot be interrupted: one that ends past the deadline is a timeout.
    tcp::resolver resolver(ioc);
    const auto results = resolver.resolve(origin.host, std::to_string(origin.port), t.ec);
    if (!t.ec && Clock::now() >= connect_deadline) t.ec = net::error::timed_out;
    if (t.ec) return t;
    for (const auto& entry : results)
      endpoints.emplace_back(entry.endpoint());
  }
  PollSocket socket(ioc);
  if ((t.ec = connect_any(socket, endpoints, connect_deadline, stop))) return t;
  recorder.record_connection(elapsed_ns(connect_start, Clock::now()));
  DeadlineStream stream(socket);
  beast::flat_buffer buffer;
  HeaderMemo memo;
  if (origin.scheme != "https") {
    stream.arm(deadline, stop);
    t = transfer(stream, buffer, memo, cfg, request);
  } else {
    t.phase = Phase::handshake;
    stream.arm(connect_deadline, stop);
    ssl::stream<DeadlineStream&> tls(stream, *cfg.cross_origin_tls);
    t.ec = prepare_tls(tls.native_handle(), origin.host, policy.verify_host(), nullptr);
    const auto handshake_start = Clock::now();
    if (!t.ec) tls.handshake(ssl::stream_base::client, t.ec);
    if (t.ec) return t;
    recorder.record_handshake(SSL_session_reused(tls.native_handle()) == 1,
                              elapsed_ns(handshake_start, Clock::now()));
    stream.arm(deadline, stop);
    t = transfer(tls, buffer, memo, cfg, request);
    // Closed without close_notify, as the target's connections are.
    SSL_set_shutdown(tls.native_handle(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
  }
  if (!t.ec && !t.keep_alive) await_server_close(socket.native_handle(), deadline, stop);
  return t;
}

}  // namespace

struct SyncClient::State {
  explicit State(const ClientConfig& c) : config(c), socket(ioc), closing(ioc), stream(socket) {}
  ~State() {
    const std::atomic<bool> no_stop{false};
    finish_closing(no_stop);
  }
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  void close() {
    error_code ignored;
    socket.close(ignored);
    // No TLS close_notify: it costs a round trip per connection, and servers accept its absence.
    // Marking the shutdown done keeps OpenSSL from treating the session as bad, so the next
    // connection can resume it.
    if (tls) SSL_set_shutdown(tls->native_handle(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    tls.reset();
    buffer.clear();
  }

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
    // A 2xx answer to CONNECT has no body, whatever its headers say; another one is a refusal and
    // the connection is dropped, body unread.
    ResponseParser parser(config.max_header_size);
    parser.skip(true);
    ResponseReader reader(parser, memo, true);
    Transfer answer;
    ec = read_response(stream, buffer, reader, answer);
    status = answer.status;
    if (ec) return ec;
    // The TLS layer reads from the socket: bytes the proxy sent past its answer would be lost.
    if (tunnel_opened(status) && buffer.size() != 0) return http::error::unexpected_body;
    return {};
  }

  const ClientConfig& config;
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
  HeaderMemo memo;
};

SyncClient::SyncClient(const ClientConfig& config) : state_(std::make_unique<State>(config)) {}
SyncClient::~SyncClient() = default;

bool SyncClient::run_one(Recorder& recorder, const std::atomic<bool>& stop,
                         Clock::time_point intended, std::uint64_t number) {
  State& s = *state_;
  const ClientConfig& cfg = s.config;
  recorder.record_started();
  const std::size_t line =
      cfg.line_requests.empty() ? 0 : static_cast<std::size_t>(number % cfg.line_requests.size());
  recorder.record_url_started(line);
  const auto start = Clock::now();
  Recorder::InFlight in_flight(recorder, start);
  recorder.record_start_lag(elapsed_ns(intended, start));
  const auto deadline = start + cfg.timeout;

  auto fail = [&](const error_code& ec, Phase phase) {
    s.close();
    if (ec == net::error::operation_aborted && stop.load(std::memory_order_relaxed)) return false;
    std::string message;
    if (phase == Phase::connect) {
      message = connect_failure(cfg.connect_label, ec);
    } else if (ec == net::error::timed_out && Clock::now() >= deadline) {
      // Our own poll() deadline, not the kernel's ETIMEDOUT: say which deadline it was, rather than
      // "Connection timed out".
      message = request_deadline_message(cfg.timeout);
    } else {
      message = describe_error(ec);
    }
    recorder.record_failure(classify(ec, phase), message);
    return true;
  };

  RedirectChain chain(cfg, line);
  std::uint64_t bytes = 0;
  for (bool first_attempt = true;; first_attempt = false) {
    Transfer t;
    if (const Target* away = chain.away()) {
      t = cross_origin_hop(s.ioc, cfg, *away, chain.request(), recorder, deadline, stop);
      if (t.ec) {
        if (t.ec == net::error::operation_aborted && stop.load(std::memory_order_relaxed)) {
          return false;
        }
        recorder.record_failure(classify(t.ec, t.phase),
                                connect_failure(redirect_label(*away), t.ec));
        return true;
      }
    } else {
      const bool reused = s.socket.is_open();
      if (reused && first_attempt) recorder.record_reuse();
      if (!reused) {
        const auto connect_deadline = std::min(deadline, start + cfg.connect_timeout);
        const auto connect_start = Clock::now();
        if (error_code ec = s.connect(connect_deadline, stop)) return fail(ec, Phase::connect);
        if (!cfg.tunnel_request.empty()) {
          // The tunnel is part of establishing the connection: its round trip counts as connect
          // time.
          unsigned status = 0;
          if (error_code ec = s.open_tunnel(connect_deadline, stop, status)) {
            return fail(ec, Phase::connect);
          }
          if (!tunnel_opened(status)) {
            s.close();
            recorder.record_failure(ErrorKind::connect, tunnel_refused(cfg.connect_label, status));
            return true;
          }
        }
        recorder.record_connection(elapsed_ns(connect_start, Clock::now()));
        if (cfg.tls) {
          s.stream.arm(connect_deadline, stop);
          const auto handshake_start = Clock::now();
          s.tls.emplace(s.stream, *cfg.tls);
          error_code ec = prepare_tls(s.tls->native_handle(), cfg, s.session);
          if (!ec) s.tls->handshake(ssl::stream_base::client, ec);
          if (ec) return fail(ec, Phase::handshake);
          recorder.record_handshake(SSL_session_reused(s.tls->native_handle()) == 1,
                                    elapsed_ns(handshake_start, Clock::now()));
          if (cfg.first_contact) cfg.first_contact->offer_tls(s.tls->native_handle());
        }
      }
      s.stream.arm(deadline, stop);
      t = s.tls ? transfer(*s.tls, s.buffer, s.memo, cfg, chain.request())
                : transfer(s.stream, s.buffer, s.memo, cfg, chain.request());
      if (t.ec) {
        if (reused && first_attempt && !t.got_response_bytes && is_dropped_connection(t.ec)) {
          s.close();
          recorder.record_reconnect();
          continue;
        }
        return fail(t.ec, t.phase);
      }
      if (s.tls) s.session.save(s.tls->native_handle());
      if (!t.keep_alive) {
        s.close_after_server(stop);
      } else if (!cfg.keep_alive) {
        s.close();
      }
    }

    bytes += t.bytes;
    if (!settle_response(chain, recorder, line, t, bytes, intended, start).has_value()) continue;
    in_flight.end(t.finished_at);
    return true;
  }
}

}  // namespace httpbench
