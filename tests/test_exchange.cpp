// The exchange layer's bookkeeping, without sockets: what every driver records for a request,
// whatever its concurrency model: the start and end, reuse and the one retry on a dropped
// keep-alive connection, failure categories and messages, and redirects handed out as requests.
#include "httpbench/connection/exchange.hpp"

#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>

#include "httpbench/cli/client_setup.hpp"
#include "httpbench/cli/options.hpp"

using namespace httpbench;

namespace {

ClientConfig config_for(Options o) {
  return make_client_config(o, {});
}

Options options(std::string_view url) {
  Options o;
  o.target = parse_target(url);
  return o;
}

Transfer response(unsigned status, std::string location = {}) {
  Transfer t;
  t.phase = Phase::read;
  t.got_response_bytes = true;
  t.status = status;
  t.bytes = 40;
  t.keep_alive = true;
  t.finished_at = Clock::now();
  t.location = std::move(location);
  return t;
}

}  // namespace

TEST(Exchange, ASuccessIsRecordedOnceWithItsBytes) {
  const ClientConfig cfg = config_for(options("http://127.0.0.1:9/a"));
  Recorder recorder;
  const auto start = Clock::now();
  {
    Exchange x(cfg, recorder, start, 0, start);
    EXPECT_EQ(x.request().http1.rfind("GET /a HTTP/1.1\r\n", 0), 0u);
    EXPECT_EQ(x.away(), nullptr);
    EXPECT_EQ(x.deadline(), start + cfg.timeout);
    EXPECT_EQ(x.connect_deadline(), start + cfg.connect_timeout);
    EXPECT_EQ(x.write_on(false) >= start, true);
    EXPECT_EQ(x.settle(response(200)), std::optional<bool>(true));
  }
  EXPECT_EQ(recorder.started(), 1u);
  EXPECT_EQ(recorder.succeeded(), 1u);
  EXPECT_EQ(recorder.failed(), 0u);
  EXPECT_EQ(recorder.bytes_received(), 40u);
  EXPECT_EQ(recorder.reused(), 0u);
}

TEST(Exchange, AReusedConnectionDroppedBeforeAnyByteIsRetriedOnce) {
  const ClientConfig cfg = config_for(options("http://127.0.0.1:9/"));
  Recorder recorder;
  const auto start = Clock::now();
  Exchange x(cfg, recorder, start, 0, start);
  // The first attempt on a kept-alive connection is timed from the start itself.
  EXPECT_EQ(x.write_on(true), start);
  Transfer dropped;
  dropped.ec = boost::asio::error::eof;
  dropped.phase = Phase::read;
  EXPECT_TRUE(x.retry(dropped));
  // The second attempt goes out on a new connection; a second drop is a failure.
  x.write_on(false);
  EXPECT_FALSE(x.retry(dropped));
  x.fail(dropped.ec, dropped.phase);
  EXPECT_EQ(recorder.reused(), 1u);
  EXPECT_EQ(recorder.reconnects(), 1u);
  EXPECT_EQ(recorder.failed(), 1u);
  EXPECT_EQ(recorder.errors(ErrorKind::read), 1u);
}

TEST(Exchange, ABrokenResponseOrANewConnectionIsNeverRetried) {
  const ClientConfig cfg = config_for(options("http://127.0.0.1:9/"));
  Recorder recorder;
  const auto start = Clock::now();
  Exchange fresh(cfg, recorder, start, 0, start);
  fresh.write_on(false);
  Transfer dropped;
  dropped.ec = boost::asio::error::connection_reset;
  EXPECT_FALSE(fresh.retry(dropped));
  Exchange partial(cfg, recorder, start, 1, start);
  partial.write_on(true);
  dropped.got_response_bytes = true;
  EXPECT_FALSE(partial.retry(dropped));
  EXPECT_EQ(recorder.reconnects(), 0u);
}

TEST(Exchange, FailuresNameTheirDeadlineOrTheirConnection) {
  Options o = options("http://127.0.0.1:9/");
  o.timeout = std::chrono::milliseconds(250);
  o.unix_socket = "/tmp/none.sock";
  const ClientConfig cfg = config_for(o);
  Recorder recorder;
  const auto start = Clock::now();
  {
    Exchange x(cfg, recorder, start, 0, start);
    x.fail(boost::asio::error::timed_out, Phase::read, true);
  }
  {
    Exchange x(cfg, recorder, start, 1, start);
    x.fail(boost::asio::error::connection_refused, Phase::connect);
  }
  EXPECT_EQ(recorder.first_error(ErrorKind::timeout),
            "no complete response within --timeout 250ms (the whole-request deadline)");
  EXPECT_NE(recorder.first_error(ErrorKind::connect).find("unix socket /tmp/none.sock"),
            std::string::npos)
      << recorder.first_error(ErrorKind::connect);
  EXPECT_EQ(recorder.started(), recorder.succeeded() + recorder.failed());
}

TEST(Exchange, RedirectsAreHandedOutAsRequestsUntilTheLimit) {
  Options o = options("http://127.0.0.1:9/start");
  o.follow_redirects = 1;
  const ClientConfig cfg = config_for(o);
  Recorder recorder;
  const auto start = Clock::now();
  {
    Exchange x(cfg, recorder, start, 0, start);
    EXPECT_EQ(x.settle(response(302, "/next")), std::nullopt);
    EXPECT_EQ(x.request().http1.rfind("GET /next HTTP/1.1\r\n", 0), 0u);
    EXPECT_EQ(x.request().spec.target.target, "/next");
    EXPECT_EQ(x.away(), nullptr);
    // Past --follow 1: a redirect failure, with both responses' bytes counted.
    EXPECT_EQ(x.settle(response(302, "/again")), std::optional<bool>(false));
  }
  EXPECT_EQ(recorder.redirects(), 1u);
  EXPECT_EQ(recorder.errors(ErrorKind::redirect), 1u);
  EXPECT_EQ(recorder.failed(), 1u);
  EXPECT_EQ(recorder.started(), 1u);
}

TEST(Exchange, UrlsLinesAreSentRoundRobin) {
  Options o = options("http://127.0.0.1:9/a");
  o.request_lines = {RequestLine{"GET", parse_target("http://127.0.0.1:9/a"), std::nullopt},
                     RequestLine{"POST", parse_target("http://127.0.0.1:9/b"), "body"}};
  const ClientConfig cfg = config_for(o);
  Recorder recorder;
  recorder.track_urls(2);
  const auto start = Clock::now();
  Exchange first(cfg, recorder, start, 2, start);
  Exchange second(cfg, recorder, start, 3, start);
  EXPECT_EQ(first.request().http1.rfind("GET /a ", 0), 0u);
  EXPECT_EQ(second.request().http1.rfind("POST /b ", 0), 0u);
  EXPECT_TRUE(second.request().http1.ends_with("\r\n\r\nbody"));
  EXPECT_EQ(recorder.urls()[0].started, 1u);
  EXPECT_EQ(recorder.urls()[1].started, 1u);
}

TEST(TunnelAnswer, BytesPastAnOpenedTunnelAreAnError) {
  EXPECT_FALSE(tunnel_answer_error(200, 0));
  EXPECT_EQ(tunnel_answer_error(200, 3), boost::beast::http::error::unexpected_body);
  // A refusal is reported with its status by the caller, whatever followed it.
  EXPECT_FALSE(tunnel_answer_error(407, 10));
}
