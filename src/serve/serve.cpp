#include "httpbench/serve/serve.hpp"

#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <deque>
#include <random>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/url/parse.hpp>

#include "httpbench/codec/http2_server_session.hpp"
#include "httpbench/connection/server_alpn.hpp"
#include "httpbench/connection/tls.hpp"
#include "httpbench/stats/error.hpp"
#include "httpbench/stats/units.hpp"

namespace httpbench {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using boost::system::error_code;
// One listener and session type for TCP and Unix domain sockets (serve --unix-socket).
using stream_protocol = net::generic::stream_protocol;
using SocketStream = beast::basic_stream<stream_protocol>;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
// Largest body a request may ask for: large enough for transfer tests, small enough to be safe.
constexpr std::uint64_t kMaxBodySize = std::uint64_t{1} << 40;
// Bodies are written from this block repeatedly, so no body is ever built in memory.
constexpr std::size_t kFillerSize = 64 * 1024;
// HTTP/2 reads at most this much at once.
constexpr std::size_t kHttp2ReadSize = 16 * 1024;
// The first read of a connection, which tells HTTP/2 from HTTP/1.1: Beast's own first read size,
// so that ten thousand idle HTTP/1.1 connections cost what they did.
constexpr std::size_t kFirstReadSize = 512;
// An HTTP/2 response's tag (Http2Response::tag) when its stream holds a --max-concurrent slot.
constexpr std::uint64_t kHoldsSlot = 1;

// What one request asks of the server.
struct Reply {
  unsigned status = 200;
  std::chrono::nanoseconds delay{0};
  std::uint64_t body_size = 0;
  bool close = false;
  // ?redirect=URL: sent as the Location header (status 302 unless ?status= says otherwise).
  std::string location;
  // Set when the query string could not be understood; becomes a 400 response.
  std::string error;
};

}  // namespace

void ServeOptions::validate() const {
  if (shed && max_concurrent == 0) throw UsageError("--shed needs --max-concurrent");
  if (body_size > kMaxBodySize) throw UsageError("--body-size is too large");
  if (tls_cert.has_value() != tls_key.has_value()) {
    throw UsageError("--tls-cert and --tls-key go together");
  }
  if (unix_socket &&
      (unix_socket->empty() || unix_socket->size() >= sizeof(sockaddr_un::sun_path) ||
       unix_socket->find('\0') != std::string::npos)) {
    throw UsageError(fmt::format("--unix-socket: the path must be 1 to {} bytes",
                                 sizeof(sockaddr_un::sun_path) - 1));
  }
  error_code ec;
  net::ip::make_address(address, ec);
  if (ec) throw UsageError(fmt::format("invalid --address '{}': not an IP address", address));
}

struct Server::State {
  explicit State(const ServeOptions& o) : options(o), acceptor(ioc), filler(kFillerSize, 'x') {}

  // What a request for `target` gets, over either protocol; a request that cannot be understood
  // gets a 400 with the reason as its body (in `error`).
  Reply answer_for(std::string_view target, bool keep_alive) {
    Reply reply = plan_reply(target, keep_alive);
    if (!reply.error.empty()) {
      reply = Reply{400, std::chrono::nanoseconds{0}, 0, reply.close, {}, reply.error};
    }
    return reply;
  }

  Reply plan_reply(std::string_view request_target, bool keep_alive) {
    Reply r;
    r.delay = options.delay;
    if (options.jitter.count() > 0) {
      std::uniform_int_distribution<std::int64_t> dist(0, options.jitter.count());
      r.delay += std::chrono::nanoseconds(dist(rng));
    }
    r.body_size = options.body_size;
    r.close = !keep_alive;
    auto target = boost::urls::parse_origin_form(request_target);
    if (!target) {
      r.error = "malformed request target";
      return r;
    }
    bool status_given = false;
    try {
      for (auto param : target->params()) {
        if (param.key == "delay") {
          r.delay = parse_duration(param.value);
        } else if (param.key == "status") {
          const std::uint64_t s = parse_count(param.value);
          if (s < 100 || s > 999) throw UsageError("status must be 100..999");
          r.status = static_cast<unsigned>(s);
          status_given = true;
        } else if (param.key == "size") {
          r.body_size = parse_size(param.value);
          if (r.body_size > kMaxBodySize) throw UsageError("size is too large");
        } else if (param.key == "close") {
          r.close = r.close || param.value != "0";
        } else if (param.key == "redirect") {
          // Decoded: a CR or LF would end the header early.
          std::string location(param.value);
          if (location.empty() || std::any_of(location.begin(), location.end(), [](char c) {
                return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
              })) {
            throw UsageError("redirect must be a non-empty URL without control characters");
          }
          r.location = std::move(location);
        }
      }
      if (!r.location.empty() && !status_given) r.status = 302;
    } catch (const UsageError& e) {
      r.error = e.what();
    }
    return r;
  }

  net::awaitable<void> session(stream_protocol::socket socket) {
    SocketStream tcp(std::move(socket));
    // Bytes read and not yet used, handed from the protocol check to the protocol's loop.
    beast::flat_buffer buffer;
    if (tls_context) {
      ssl::stream<SocketStream&> tls(tcp, *tls_context);
      tcp.expires_after(std::chrono::seconds(30));
      auto [ec] = co_await tls.async_handshake(ssl::stream_base::server, use_tuple);
      tcp.expires_never();
      if (!ec && selected_h2(tls.native_handle())) {
        co_await serve_http2(tls, tcp, buffer);
      } else if (!ec) {
        co_await serve_connection(tls, tcp, buffer);
      }
      // Closed without close_notify, like most servers; this keeps the session resumable.
      SSL_set_shutdown(tls.native_handle(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    } else {
      co_await serve_connection(tcp, tcp, buffer);
    }
    error_code ignored;
    tcp.socket().shutdown(net::socket_base::shutdown_send, ignored);
  }

  // HTTP/2 with prior knowledge (h2c) when the client opens with the HTTP/2 preface, else
  // HTTP/1.1; `stream` is `tcp` or the TLS layer over it.
  template <class Stream>
  net::awaitable<void> serve_connection(Stream& stream, SocketStream& tcp,
                                        beast::flat_buffer& buffer) {
    // Awaited apart from the `if`: g++ 12 miscompiles a co_await in the condition.
    const bool http2 = co_await opens_with_preface(stream, buffer);
    if (http2) {
      co_await serve_http2(stream, tcp, buffer);
    } else {
      co_await serve_requests(stream, tcp, buffer);
    }
  }

  // Reads into `buffer` until it holds the whole HTTP/2 client preface (true) or bytes that cannot
  // begin it (false: an HTTP/1.1 request differs in its first or second byte), or the read fails.
  template <class Stream>
  net::awaitable<bool> opens_with_preface(Stream& stream, beast::flat_buffer& buffer) {
    for (;;) {
      const std::string_view seen = bytes_of(buffer);
      const std::size_t n = std::min(seen.size(), kHttp2ClientPreface.size());
      if (seen.substr(0, n) != kHttp2ClientPreface.substr(0, n)) co_return false;
      if (n == kHttp2ClientPreface.size()) co_return true;
      auto [ec, read] = co_await stream.async_read_some(buffer.prepare(kFirstReadSize), use_tuple);
      if (ec) co_return false;
      buffer.commit(read);
    }
  }

  static std::string_view bytes_of(const beast::flat_buffer& buffer) {
    return {static_cast<const char*>(buffer.data().data()), buffer.size()};
  }

  // Reads requests and answers them until the peer leaves or asks to close; `stream` is `tcp` or
  // the TLS layer over it, `buffer` holds what was read before.
  template <class Stream>
  net::awaitable<void> serve_requests(Stream& stream, SocketStream& tcp,
                                      beast::flat_buffer& buffer) {
    fmt::memory_buffer head;
    for (;;) {
      // Request bodies are read and dropped; only the request line and headers matter here.
      http::request_parser<http::empty_body> parser;
      parser.body_limit(boost::none);
      parser.eager(false);
      auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
      if (ec) break;
      if (!parser.is_done()) {
        // Drain a body: read it through a parser that discards the bytes.
        http::request_parser<http::string_body> drain(std::move(parser));
        drain.body_limit(std::uint64_t{64} * 1024 * 1024);
        auto [bec, bn] = co_await http::async_read(stream, buffer, drain, use_tuple);
        if (bec) break;
        requests.fetch_add(1, std::memory_order_relaxed);
        body_bytes.fetch_add(drain.get().body().size(), std::memory_order_relaxed);
        // Answer as if the body had been empty.
        http::request<http::empty_body> bare{drain.get().method(), drain.get().target(),
                                             drain.get().version()};
        bare.keep_alive(drain.get().keep_alive());
        if (!co_await respond(stream, tcp, bare, head)) break;
        continue;
      }
      requests.fetch_add(1, std::memory_order_relaxed);
      if (!co_await respond(stream, tcp, parser.get(), head)) break;
    }
  }

  // Takes a handling slot, waiting in line when --max-concurrent are taken. The server runs one
  // thread, so the count and the line need no lock; a waiter is woken by cancelling its timer.
  net::awaitable<void> acquire_slot(const net::any_io_executor& executor) {
    if (try_acquire_slot()) co_return;
    net::steady_timer turn(executor, std::chrono::steady_clock::time_point::max());
    waiting.push_back(&turn);
    co_await turn.async_wait(use_tuple);
    // release_slot handed its slot over: `in_flight` still counts it, now for this request.
  }

  // Takes a handling slot when one is free.
  bool try_acquire_slot() {
    if (options.max_concurrent != 0 && in_flight >= options.max_concurrent) return false;
    ++in_flight;
    if (in_flight > peak_in_flight.load(std::memory_order_relaxed)) {
      peak_in_flight.store(in_flight, std::memory_order_relaxed);
    }
    return true;
  }

  // Hands the slot to the request waiting longest, or frees it. Not called for requests abandoned
  // when the server stops (their frames are destroyed with the io_context, never resumed).
  void release_slot() {
    if (!waiting.empty()) {
      net::steady_timer* next = waiting.front();
      waiting.pop_front();
      next->cancel();
      return;
    }
    --in_flight;
  }

  // Answers `req` within a handling slot; returns false when the connection should end.
  template <class Stream>
  net::awaitable<bool> respond(Stream& stream, SocketStream& tcp,
                               const http::request<http::empty_body>& req,
                               fmt::memory_buffer& head) {
    if (options.shed && options.max_concurrent != 0 && in_flight >= options.max_concurrent) {
      shed_count.fetch_add(1, std::memory_order_relaxed);
      Reply busy;
      busy.status = 503;
      co_return co_await write_response(stream, tcp, req, head, busy);
    }
    co_await acquire_slot(stream.get_executor());
    const bool keep = co_await write_response(stream, tcp, req, head);
    release_slot();
    co_return keep;
  }

  // Writes the response for `req` (or the `forced` one); returns false when the connection should
  // end.
  template <class Stream>
  net::awaitable<bool> write_response(Stream& stream, SocketStream& tcp,
                                      const http::request<http::empty_body>& req,
                                      fmt::memory_buffer& head,
                                      std::optional<Reply> forced = std::nullopt) {
    const Reply reply = forced ? *forced : answer_for(req.target(), req.keep_alive());
    const auto ready_at = std::chrono::steady_clock::now() + reply.delay;
    if (!due(ready_at)) co_await wait_until_due(stream.get_executor(), ready_at);
    const bool head_only = req.method() == http::verb::head;
    const std::string_view body_text = reply.error;
    const std::uint64_t body_size = body_text.empty() ? reply.body_size : body_text.size();
    head.clear();
    fmt::format_to(
        std::back_inserter(head),
        "HTTP/1.1 {} {}\r\nServer: httpbench\r\nContent-Type: text/plain\r\n"
        "Content-Length: {}\r\n{}{}{}{}\r\n",
        reply.status, std::string_view(http::obsolete_reason(http::int_to_status(reply.status))),
        body_size, reply.location.empty() ? "" : "Location: ", reply.location,
        reply.location.empty() ? "" : "\r\n", reply.close ? "Connection: close\r\n" : "");
    // The head and the body's start in one write: one system call and one segment, so that a
    // client reads a small response whole instead of waking for the head and again for the body.
    std::uint64_t body_left = head_only ? 0 : body_size;
    std::array<net::const_buffer, 2> first{net::buffer(head.data(), head.size()),
                                           net::const_buffer{}};
    if (body_left > 0) {
      first[1] = body_text.empty()
                     ? net::buffer(filler.data(), static_cast<std::size_t>(std::min<std::uint64_t>(
                                                      body_left, kFillerSize)))
                     : net::buffer(body_text);
      body_left -= first[1].size();
    }
    tcp.expires_after(std::chrono::seconds(60));
    auto [ec, n] = co_await net::async_write(stream, first, use_tuple);
    if (ec) co_return false;
    while (body_left > 0) {
      const std::size_t chunk =
          static_cast<std::size_t>(std::min<std::uint64_t>(body_left, kFillerSize));
      auto [bec, bn] =
          co_await net::async_write(stream, net::buffer(filler.data(), chunk), use_tuple);
      if (bec) co_return false;
      body_left -= chunk;
    }
    tcp.expires_never();
    co_return !reply.close;
  }

  // The moment held responses go out (stall_for), or the epoch when none are held.
  std::chrono::steady_clock::time_point stalled() const {
    return std::chrono::steady_clock::time_point(
        std::chrono::nanoseconds(stalled_until.load(std::memory_order_relaxed)));
  }

  // Whether a response due at `ready_at` may go out now.
  bool due(std::chrono::steady_clock::time_point ready_at) const {
    return std::max(ready_at, stalled()) <= std::chrono::steady_clock::now();
  }

  // Waits until `ready_at` and past a stall (stall_for), re-checked after each wait: a stall that
  // began meanwhile holds this response too.
  net::awaitable<void> wait_until_due(net::any_io_executor executor,
                                      std::chrono::steady_clock::time_point ready_at) {
    net::steady_timer timer(executor);
    while (!due(ready_at)) {
      timer.expires_at(std::max(ready_at, stalled()));
      co_await timer.async_wait(use_tuple);
    }
  }

  // One HTTP/2 connection: its session and the signal that wakes its writer. Shared with the
  // coroutines of delayed responses, which may outlive the socket (they then find their stream
  // gone).
  struct Http2Connection final : Http2RequestHandler,
                                 std::enable_shared_from_this<Http2Connection> {
    Http2Connection(State& s, const net::any_io_executor& executor)
        : server(s),
          session(Http2ServerSettings{s.options.max_streams, s.options.h2_max_requests}, *this),
          wake(executor, std::chrono::steady_clock::time_point::max()) {}

    void on_request(const Http2Request& request) override {
      server.on_http2_request(*this, request);
    }

    void on_stream_end(std::int32_t, bool answered, std::uint64_t tag) override {
      if (answered && tag == kHoldsSlot) server.release_slot();
    }

    // Submits the response to `stream_id` and wakes the writer; false when the stream has gone.
    bool respond(std::int32_t stream_id, const Reply& reply, bool head, bool holds_slot) {
      const std::array<Http2Header, 3> headers{
          {{"server", "httpbench"}, {"content-type", "text/plain"}, {"location", reply.location}}};
      Http2Response response;
      response.status = reply.status;
      response.headers = std::span(headers.data(), reply.location.empty() ? 2 : 3);
      response.body = reply.error.empty() ? Http2Body::repeated(server.filler, reply.body_size)
                                          : Http2Body::text(reply.error);
      response.headers_only = head;
      response.tag = holds_slot ? kHoldsSlot : 0;
      if (!session.submit_response(stream_id, response)) return false;
      // ?close=1: no further streams on this connection, those open are still answered.
      if (reply.close) session.submit_goaway();
      wake.cancel();
      return true;
    }

    State& server;
    Http2ServerSession session;
    // Cancelled when there may be bytes to write, or when reading has ended.
    net::steady_timer wake;
    bool reading_done = false;
    bool writing_done = false;
  };

  // A complete HTTP/2 request: answered at once when it can be, else from a coroutine of its own
  // so that its wait holds back no other stream.
  void on_http2_request(Http2Connection& connection, const Http2Request& request) {
    requests.fetch_add(1, std::memory_order_relaxed);
    body_bytes.fetch_add(request.body_bytes, std::memory_order_relaxed);
    const bool head = request.method == "HEAD";
    if (options.shed && options.max_concurrent != 0 && in_flight >= options.max_concurrent) {
      shed_count.fetch_add(1, std::memory_order_relaxed);
      Reply busy;
      busy.status = 503;
      connection.respond(request.stream_id, busy, head, false);
      return;
    }
    Reply reply = answer_for(request.path, true);
    if (reply.status < 200) {
      // An informational status is no final response in HTTP/2: the stream would never end.
      reply = Reply{400, std::chrono::nanoseconds{0}, 0, false, {}, "status must be 200..999"};
    }
    const bool slot = try_acquire_slot();
    const auto ready_at = std::chrono::steady_clock::now() + reply.delay;
    if (slot && due(ready_at)) {
      if (!connection.respond(request.stream_id, reply, head, true)) release_slot();
      return;
    }
    net::co_spawn(ioc,
                  http2_delayed_response(connection.shared_from_this(), request.stream_id,
                                         std::move(reply), head, slot, ready_at),
                  net::detached);
  }

  // Answers one stream after its slot (unless `slot_taken`) and its delay, like the HTTP/1.1 path:
  // the delay counts from when the slot was taken.
  net::awaitable<void> http2_delayed_response(std::shared_ptr<Http2Connection> connection,
                                              std::int32_t stream_id, Reply reply, bool head,
                                              bool slot_taken,
                                              std::chrono::steady_clock::time_point ready_at) {
    const net::any_io_executor executor = connection->wake.get_executor();
    if (!slot_taken) {
      co_await acquire_slot(executor);
      ready_at = std::chrono::steady_clock::now() + reply.delay;
    }
    co_await wait_until_due(executor, ready_at);
    if (!connection->respond(stream_id, reply, head, true)) release_slot();
  }

  // Serves HTTP/2 on `stream` until both sides are done; `buffer` holds the bytes read so far (the
  // client preface, over h2c).
  template <class Stream>
  net::awaitable<void> serve_http2(Stream& stream, SocketStream& tcp, beast::flat_buffer& buffer) {
    using namespace net::experimental::awaitable_operators;
    auto connection = std::make_shared<Http2Connection>(*this, stream.get_executor());
    if (buffer.size() > 0 && !connection->session.receive(bytes_of(buffer))) {
      connection->reading_done = true;
    }
    buffer.consume(buffer.size());
    co_await (http2_reader(stream, tcp, connection, buffer) &&
              http2_writer(stream, tcp, connection));
    // Streams still open end here: their slots are released.
    connection->session.finish();
  }

  // Feeds what the client sends to the session until either side is done.
  template <class Stream>
  net::awaitable<void> http2_reader(Stream& stream, SocketStream& tcp,
                                    std::shared_ptr<Http2Connection> connection,
                                    beast::flat_buffer& buffer) {
    Http2Connection& c = *connection;
    while (!c.reading_done && !c.writing_done && c.session.alive()) {
      // No read deadline (a client may idle), whatever the writer set for its writes.
      tcp.expires_never();
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(kHttp2ReadSize), use_tuple);
      if (ec) break;
      buffer.commit(n);
      const bool ok = c.session.receive(bytes_of(buffer));
      buffer.consume(buffer.size());
      c.wake.cancel();
      if (!ok) break;
    }
    c.reading_done = true;
    c.wake.cancel();
  }

  // Writes what the session has to send, waiting for more, until the session is done or the
  // client has gone; then stops the reader.
  template <class Stream>
  net::awaitable<void> http2_writer(Stream& stream, SocketStream& tcp,
                                    std::shared_ptr<Http2Connection> connection) {
    Http2Connection& c = *connection;
    for (;;) {
      const std::string_view out = c.session.pending_output();
      if (!out.empty()) {
        // A client that stops reading is dropped, as on the HTTP/1.1 path.
        tcp.expires_after(std::chrono::seconds(60));
        auto [ec, n] = co_await net::async_write(stream, net::buffer(out), use_tuple);
        tcp.expires_never();
        if (ec) break;
        continue;
      }
      if (c.reading_done || !c.session.alive()) break;
      c.wake.expires_at(std::chrono::steady_clock::time_point::max());
      co_await c.wake.async_wait(use_tuple);
    }
    c.writing_done = true;
    error_code ignored;
    tcp.socket().cancel(ignored);
  }

  net::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
      if (ec == net::error::operation_aborted || !acceptor.is_open()) co_return;
      if (ec) {
        // Out of file descriptors or similar: back off briefly instead of spinning.
        net::steady_timer timer(acceptor.get_executor());
        timer.expires_after(std::chrono::milliseconds(10));
        co_await timer.async_wait(use_tuple);
        continue;
      }
      connections.fetch_add(1, std::memory_order_relaxed);
      error_code ignored;
      if (!options.unix_socket) socket.set_option(tcp::no_delay(true), ignored);
      net::co_spawn(ioc, session(std::move(socket)), net::detached);
    }
  }

  ServeOptions options;
  net::io_context ioc{1};
  net::basic_socket_acceptor<stream_protocol> acceptor;
  // The bytes every body is made of.
  std::string filler;
  std::mt19937_64 rng{std::random_device{}()};
  // Set when serving https.
  std::shared_ptr<ssl::context> tls_context;
  std::atomic<std::uint64_t> requests{0};
  // Request body bytes read and dropped, after any chunked framing is removed.
  std::atomic<std::uint64_t> body_bytes{0};
  // steady_clock nanoseconds until which responses are held (stall_for).
  std::atomic<std::int64_t> stalled_until{0};
  std::atomic<std::uint64_t> connections{0};
  // Requests being handled now, and those waiting for a --max-concurrent slot, oldest first; only
  // touched on the server's thread.
  std::uint64_t in_flight = 0;
  std::deque<net::steady_timer*> waiting;
  // The largest `in_flight` seen.
  std::atomic<std::uint64_t> peak_in_flight{0};
  // Requests answered 503 at once because every slot was taken (shed).
  std::atomic<std::uint64_t> shed_count{0};
  std::thread thread;
  std::atomic<bool> stopped{false};
};

Server::Server(const ServeOptions& options) : state_(std::make_unique<State>(options)) {
  options.validate();
  State& s = *state_;
  error_code ec;
  if (options.unix_socket) {
    // A socket file left by a server that is gone would make bind fail; anything else at the
    // path is not ours to remove.
    struct stat st {};
    if (::lstat(options.unix_socket->c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) {
      ::unlink(options.unix_socket->c_str());
    }
    const stream_protocol::endpoint endpoint{
        net::local::stream_protocol::endpoint(*options.unix_socket)};
    s.acceptor.open(endpoint.protocol(), ec);
    if (!ec) s.acceptor.bind(endpoint, ec);
    if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      throw std::runtime_error(
          fmt::format("cannot listen on unix socket {}: {}", *options.unix_socket, ec.message()));
    }
  } else {
    const stream_protocol::endpoint endpoint{
        tcp::endpoint(net::ip::make_address(options.address), options.port)};
    s.acceptor.open(endpoint.protocol(), ec);
    if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) s.acceptor.bind(endpoint, ec);
    if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      throw std::runtime_error(
          fmt::format("cannot listen on {}:{}: {}", options.address, options.port, ec.message()));
    }
  }
  if (options.tls_cert) {
    s.tls_context = make_server_tls_context(*options.tls_cert, *options.tls_key);
    select_h2_or_http11(*s.tls_context);
  }
  net::co_spawn(s.ioc, s.accept_loop(), net::detached);
}

Server::~Server() {
  stop();
  if (state_->thread.joinable()) state_->thread.join();
  if (state_->options.unix_socket) {
    error_code ignored;
    state_->acceptor.close(ignored);
    ::unlink(state_->options.unix_socket->c_str());
  }
}

namespace {

// The TCP address a generic (TCP) endpoint holds.
tcp::endpoint tcp_endpoint(const stream_protocol::endpoint& generic) {
  tcp::endpoint ep;
  std::memcpy(ep.data(), generic.data(), std::min<std::size_t>(generic.size(), ep.capacity()));
  ep.resize(generic.size());
  return ep;
}

}  // namespace

std::uint16_t Server::port() const {
  if (state_->options.unix_socket) return 0;
  return tcp_endpoint(state_->acceptor.local_endpoint()).port();
}

std::string Server::url() const {
  const char* scheme = state_->tls_context ? "https" : "http";
  if (state_->options.unix_socket) return fmt::format("{}://localhost/", scheme);
  const auto address = tcp_endpoint(state_->acceptor.local_endpoint()).address();
  if (address.is_v6()) return fmt::format("{}://[{}]:{}/", scheme, address.to_string(), port());
  return fmt::format("{}://{}:{}/", scheme, address.to_string(), port());
}

void Server::start() {
  state_->thread = std::thread([this] { state_->ioc.run(); });
}

void Server::run() {
  state_->ioc.run();
}

void Server::stop() {
  if (state_->stopped.exchange(true)) return;
  state_->ioc.stop();
}

void Server::stall_for(std::chrono::nanoseconds duration) {
  const auto until = std::chrono::steady_clock::now() + duration;
  state_->stalled_until.store(
      std::chrono::duration_cast<std::chrono::nanoseconds>(until.time_since_epoch()).count(),
      std::memory_order_relaxed);
}

std::uint64_t Server::requests_received() const {
  return state_->requests.load(std::memory_order_relaxed);
}

std::uint64_t Server::request_body_bytes() const {
  return state_->body_bytes.load(std::memory_order_relaxed);
}

std::uint64_t Server::connections_accepted() const {
  return state_->connections.load(std::memory_order_relaxed);
}

std::uint64_t Server::peak_in_flight() const {
  return state_->peak_in_flight.load(std::memory_order_relaxed);
}

}  // namespace httpbench
