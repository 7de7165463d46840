#include "httpbench/sync_client.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>

#include "httpbench/clock.hpp"
#include "httpbench/recorder.hpp"
#include "httpbench/response_parser.hpp"

namespace httpbench {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

// Blocks in poll() until `fd` is ready for `events`, the deadline passes, or `stop` is set. Waits
// in slices of at most 100 ms so that a stop request is noticed promptly.
error_code wait_ready(int fd, short events, Clock::time_point deadline,
                      const std::atomic<bool>& stop) {
  for (;;) {
    if (stop.load(std::memory_order_relaxed)) return net::error::operation_aborted;
    const auto now = Clock::now();
    if (now >= deadline) return net::error::timed_out;
    const auto remaining = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
    pollfd pfd{fd, events, 0};
    const int rc = ::poll(&pfd, 1, static_cast<int>(std::min<std::int64_t>(remaining, 100)));
    if (rc > 0) return {};
    if (rc < 0 && errno != EINTR) return {errno, boost::system::system_category()};
  }
}

bool would_block(const error_code& ec) {
  return ec == net::error::would_block || ec == net::error::try_again;
}

// A non-blocking socket presented to Beast as a blocking stream whose every call ends by the
// request's deadline.
class DeadlineStream {
 public:
  DeadlineStream(tcp::socket& socket, Clock::time_point deadline, const std::atomic<bool>& stop)
      : socket_(socket), deadline_(deadline), stop_(stop) {}

  template <class MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers, error_code& ec) {
    for (;;) {
      const std::size_t n = socket_.read_some(buffers, ec);
      if (!would_block(ec)) return n;
      if ((ec = wait_ready(socket_.native_handle(), POLLIN, deadline_, stop_))) return 0;
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
      if (!would_block(ec)) return n;
      if ((ec = wait_ready(socket_.native_handle(), POLLOUT, deadline_, stop_))) return 0;
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
  tcp::socket& socket_;
  Clock::time_point deadline_;
  const std::atomic<bool>& stop_;
};

}  // namespace

struct SyncClient::State {
  explicit State(const ClientConfig& c) : config(c), socket(ioc) {}

  void close() {
    error_code ignored;
    socket.close(ignored);
    buffer.clear();
  }

  // Tries each address in turn. Asio's own blocking connect would wait without a deadline, so
  // this is a non-blocking connect() followed by poll().
  error_code connect(Clock::time_point deadline, const std::atomic<bool>& stop) {
    error_code ec = net::error::host_not_found;
    for (const tcp::endpoint& ep : config.endpoints) {
      close();
      socket.open(ep.protocol(), ec);
      if (!ec) socket.non_blocking(true, ec);
      if (ec) continue;
      const int fd = socket.native_handle();
      if (::connect(fd, ep.data(), static_cast<socklen_t>(ep.size())) != 0) {
        ec = error_code(errno, boost::system::system_category());
        if (errno == EINPROGRESS) {
          ec = wait_ready(fd, POLLOUT, deadline, stop);
          if (!ec) {
            int err = 0;
            socklen_t len = sizeof(err);
            ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
            if (err != 0) ec = error_code(err, boost::system::system_category());
          }
        }
      } else {
        ec = {};
      }
      if (!ec) {
        error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        return ec;
      }
      if (ec == net::error::operation_aborted) break;
    }
    close();
    return ec;
  }

  const ClientConfig& config;
  // Asio sockets need an execution context even when used without it.
  net::io_context ioc{1};
  tcp::socket socket;
  // Reused across requests on this connection; it holds bytes read past a response.
  beast::flat_buffer buffer;
};

SyncClient::SyncClient(const ClientConfig& config) : state_(std::make_unique<State>(config)) {}
SyncClient::~SyncClient() = default;

bool SyncClient::run_one(Recorder& recorder, const std::atomic<bool>& stop,
                         Clock::time_point intended) {
  State& s = *state_;
  const ClientConfig& cfg = s.config;
  recorder.record_started();
  const auto start = Clock::now();
  recorder.record_start_lag(elapsed_ns(intended, start));
  const auto deadline = start + cfg.timeout;

  auto fail = [&](const error_code& ec, Phase phase) {
    s.close();
    if (ec == net::error::operation_aborted && stop.load(std::memory_order_relaxed)) return false;
    recorder.record_failure(classify(ec, phase), describe_error(ec));
    return true;
  };

  for (bool first_attempt = true;; first_attempt = false) {
    const bool reused = s.socket.is_open();
    if (!reused) {
      const auto connect_start = Clock::now();
      if (error_code ec = s.connect(std::min(deadline, start + cfg.connect_timeout), stop)) {
        return fail(ec, Phase::connect);
      }
      recorder.record_connection(elapsed_ns(connect_start, Clock::now()));
    }

    DeadlineStream stream(s.socket, deadline, stop);
    error_code ec;
    Phase phase = Phase::write;
    bool got_response_bytes = false;
    std::uint64_t bytes = 0;
    unsigned status = 0;
    bool keep_alive = false;
    net::write(stream, net::buffer(cfg.request), ec);
    if (!ec) {
      phase = Phase::read;
      do {
        ResponseParser parser(cfg.max_header_size);
        bytes += http::read(stream, s.buffer, parser, ec);
        got_response_bytes = got_response_bytes || parser.got_some();
        status = parser.status();
        keep_alive = parser.keep_alive();
      } while (!ec && is_interim_status(status));
    }
    if (ec) {
      if (reused && first_attempt && !got_response_bytes && is_dropped_connection(ec)) {
        s.close();
        recorder.record_reconnect();
        continue;
      }
      return fail(ec, phase);
    }

    const auto end = Clock::now();
    recorder.record_success(status, elapsed_ns(intended, end), elapsed_ns(start, end), bytes);
    if (!cfg.keep_alive || !keep_alive) s.close();
    return true;
  }
}

}  // namespace httpbench
