// Failures end in the right category and exit code, in every mode, without hanging.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json/parse.hpp>
#include <thread>

#include "httpbench/serve/serve.hpp"
#include "loopback_listeners.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;
using namespace std::chrono_literals;
namespace net = boost::asio;

namespace {

// Accepts connections and closes each at once, before any response.
class ClosingServer {
 public:
  ClosingServer() : acceptor_(ioc_, {net::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] {
      for (;;) {
        boost::system::error_code ec;
        net::ip::tcp::socket s(ioc_);
        acceptor_.accept(s, ec);
        if (ec || stopping_) return;
        s.close(ec);
      }
    });
  }
  ~ClosingServer() {
    stopping_ = true;
    // Wake the blocking accept with one last connection.
    boost::system::error_code ec;
    net::ip::tcp::socket s(ioc_);
    s.connect(acceptor_.local_endpoint(), ec);
    thread_.join();
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/";
  }

 private:
  net::io_context ioc_;
  net::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

class ErrorsInEveryMode : public ::testing::TestWithParam<const char*> {};

}  // namespace

TEST_P(ErrorsInEveryMode, ConnectionRefusedIsAConnectError) {
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/";
  const auto start = std::chrono::steady_clock::now();
  Outcome o = run_inprocess(for_mode({"--mode", GetParam(), "-n", "12", "-c", "3", "--json", url}));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  EXPECT_EQ(o.code, kExitFailures) << o.err;
  auto run = first_run(o);
  EXPECT_EQ(run.at("requests").as_int64(), 12);
  EXPECT_EQ(run.at("failed").as_int64(), 12);
  EXPECT_EQ(run.at("errors").as_object().at("connect").as_int64(), 12);
  EXPECT_NE(o.err.find("12 of 12 requests failed (connect 12)"), std::string::npos) << o.err;
}

TEST_P(ErrorsInEveryMode, ServerThatClosesAtOnceIsAReadError) {
  ClosingServer server;
  Outcome o = run_inprocess(
      for_mode({"--mode", GetParam(), "-n", "10", "-c", "2", "--json", server.url()}));
  EXPECT_EQ(o.code, kExitFailures) << o.err;
  auto run = first_run(o);
  EXPECT_EQ(run.at("requests").as_int64(), 10);
  EXPECT_EQ(run.at("succeeded").as_int64(), 0);
  const auto& errors = run.at("errors").as_object();
  // The peer's FIN (or RST when the request raced the close) arrives while reading or writing.
  EXPECT_EQ(errors.at("read").as_int64() + errors.at("write").as_int64(), 10);
}

TEST_P(ErrorsInEveryMode, SlowServerIsATimeoutEndingNearTheDeadline) {
  ServeOptions so;
  so.port = 0;
  so.delay = 5s;
  Server server(so);
  server.start();
  const auto start = std::chrono::steady_clock::now();
  Outcome o = run_inprocess(for_mode(
      {"--mode", GetParam(), "-n", "4", "-c", "4", "--timeout", "300ms", "--json", server.url()}));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(o.code, kExitFailures) << o.err;
  auto run = first_run(o);
  EXPECT_EQ(run.at("errors").as_object().at("timeout").as_int64(), 4);
  EXPECT_EQ(run.at("failed").as_int64(), 4);
  // sync waits for four timeouts in a row; the others overlap them.
  EXPECT_LT(took, std::string(GetParam()) == "sync" ? 3s : 2s);
}

TEST_P(ErrorsInEveryMode, ConnectThatNeverCompletesIsAConnectErrorAtTheConnectTimeout) {
  FullBacklogListener listener;
  const auto start = std::chrono::steady_clock::now();
  Outcome o = run_inprocess(for_mode({"--mode", GetParam(), "-n", "2", "-c", "2",
                                      "--connect-timeout", "300ms", "--json", listener.url()}));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(o.code, kExitFailures) << o.err;
  auto run = first_run(o);
  EXPECT_EQ(run.at("requests").as_int64(), 2);
  EXPECT_EQ(run.at("failed").as_int64(), 2);
  EXPECT_EQ(run.at("errors").as_object().at("connect").as_int64(), 2);
  // Not before the connect deadline, and not at the SYN's first retransmission (1 s) or later:
  // sync makes the two attempts one after the other.
  EXPECT_GE(took, 290ms);
  EXPECT_LT(took, std::string(GetParam()) == "sync" ? 2s : 1s);
}

INSTANTIATE_TEST_SUITE_P(Modes, ErrorsInEveryMode, ::testing::Values("sync", "threads", "async"));

TEST(Errors, UnresolvableHostIsAUsageError) {
  const auto start = std::chrono::steady_clock::now();
  Outcome o = run_inprocess({"-n", "1", "http://" + unresolvable_host() + "/"});
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  EXPECT_EQ(o.code, kExitUsage);
  EXPECT_NE(o.err.find("cannot resolve host"), std::string::npos) << o.err;
  EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
}
