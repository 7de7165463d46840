// Name resolution: --resolve overrides and IPv6 loopback targets.
#include "httpbench/connection/resolve.hpp"

#include <gtest/gtest.h>

#include "httpbench/stats/error.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;

TEST(Resolve, ParsesHostPortAndAddress) {
  auto o = parse_resolve_override("example.test:8443:127.0.0.1");
  EXPECT_EQ(o.host, "example.test");
  EXPECT_EQ(o.port, 8443);
  EXPECT_EQ(o.address.to_string(), "127.0.0.1");
  EXPECT_EQ(parse_resolve_override("h:80:[::1]").address.to_string(), "::1");
  for (const char* bad : {"", "host", "host:80", ":80:127.0.0.1", "h:0:127.0.0.1",
                          "h:70000:127.0.0.1", "h:80:not-an-ip", "h:x:127.0.0.1"}) {
    EXPECT_THROW(parse_resolve_override(bad), UsageError) << bad;
  }
}

TEST(Resolve, OverrideSendsToTheAddressWithoutDns) {
  auto server = start_server();
  const std::string port = std::to_string(server->port());
  // The name is never looked up: the override answers for it.
  Outcome o = run_inprocess({"-n", "5", "-c", "1", "--json", "--resolve",
                             "bench.example.test:" + port + ":127.0.0.1",
                             "http://bench.example.test:" + port + "/"});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_EQ(first_run(o).at("succeeded").as_int64(), 5);
  EXPECT_EQ(server->requests_received(), 5u);
}

TEST(Resolve, BadOverrideIsAUsageError) {
  Outcome o = run_inprocess({"--resolve", "nonsense", "http://127.0.0.1:9/"});
  EXPECT_EQ(o.code, kExitUsage);
  EXPECT_NE(o.err.find("--resolve"), std::string::npos) << o.err;
}

class Ipv6InEveryMode : public ::testing::TestWithParam<const char*> {};

TEST_P(Ipv6InEveryMode, LoopbackLiteralTarget) {
  ServeOptions so;
  so.address = "::1";
  so.port = 0;
  std::unique_ptr<Server> server;
  try {
    server = std::make_unique<Server>(so);
  } catch (const std::exception& e) {
    GTEST_SKIP() << "no IPv6 loopback here: " << e.what();
  }
  server->start();
  ASSERT_EQ(server->url().rfind("http://[::1]:", 0), 0u) << server->url();
  Outcome o = run_inprocess(
      for_mode({"--mode", GetParam(), "-n", "9", "-c", "3", "--json", server->url()}));
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_EQ(first_run(o).at("succeeded").as_int64(), 9);
}

INSTANTIATE_TEST_SUITE_P(Modes, Ipv6InEveryMode, ::testing::Values("sync", "threads", "async"));
