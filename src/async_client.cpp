#include "httpbench/async_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>

#include "httpbench/progress.hpp"
#include "httpbench/recorder.hpp"
#include "httpbench/response_parser.hpp"

namespace httpbench {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

void close_stream(beast::tcp_stream& stream, beast::flat_buffer& buffer) {
  error_code ignored;
  stream.socket().close(ignored);
  buffer.clear();
}

// One connection: takes requests from `work` until none are left, reconnecting when the server
// or the keep-alive policy closes the connection.
net::awaitable<void> run_connection(AsyncWork& work) {
  const ClientConfig& cfg = work.config;
  Recorder& recorder = work.recorder;
  beast::tcp_stream stream(co_await net::this_coro::executor);
  beast::flat_buffer buffer;

  while (work.remaining > 0) {
    --work.remaining;
    recorder.record_started();
    const auto start = Clock::now();
    const auto deadline = start + cfg.timeout;
    bool ok = true;

    if (!stream.socket().is_open()) {
      stream.expires_at(std::min(deadline, start + cfg.connect_timeout));
      auto [ec, endpoint] = co_await stream.async_connect(cfg.endpoints, use_tuple);
      if (ec) {
        recorder.record_failure(classify(ec, Phase::connect), ec.message());
        close_stream(stream, buffer);
        if (work.progress) work.progress->add(false);
        continue;
      }
      error_code ignored;
      stream.socket().set_option(tcp::no_delay(true), ignored);
      recorder.record_connection();
    }

    stream.expires_at(deadline);
    auto [write_ec, written] =
        co_await net::async_write(stream, net::buffer(cfg.request), use_tuple);
    if (write_ec) {
      recorder.record_failure(classify(write_ec, Phase::write), write_ec.message());
      close_stream(stream, buffer);
      ok = false;
    } else {
      ResponseParser parser(cfg.max_header_size);
      auto [read_ec, bytes] = co_await http::async_read(stream, buffer, parser, use_tuple);
      if (read_ec) {
        recorder.record_failure(classify(read_ec, Phase::read), read_ec.message());
        close_stream(stream, buffer);
        ok = false;
      } else {
        const auto latency =
            std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start);
        recorder.record_success(parser.status(), static_cast<std::uint64_t>(latency.count()),
                                bytes);
        if (!cfg.keep_alive || !parser.keep_alive()) close_stream(stream, buffer);
      }
    }
    if (work.progress) work.progress->add(ok);
  }

  if (--work.active == 0) {
    work.finished_at = Clock::now();
    if (work.on_finished) work.on_finished();
  }
}

}  // namespace

void spawn_connections(net::io_context& ioc, AsyncWork& work, std::uint64_t connections) {
  for (std::uint64_t i = 0; i < connections; ++i) {
    ++work.active;
    net::co_spawn(ioc, run_connection(work), net::detached);
  }
}

}  // namespace httpbench
