// Every mode against the built-in server on loopback: exact accounting, keep-alive policy,
// the seed benchmark's speedup, and the shape of the reports.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include <boost/json/parse.hpp>

#include "httpbench/serve/serve.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;
using namespace std::chrono_literals;

namespace {

struct ModeCase {
  const char* mode;
  bool keep_alive;
};

void PrintTo(const ModeCase& c, std::ostream* os) {
  *os << c.mode << (c.keep_alive ? " keep-alive" : " fresh connections");
}

class EveryMode : public ::testing::TestWithParam<ModeCase> {};

}  // namespace

TEST_P(EveryMode, CompletesExactlyNRequestsAndTheServerSeesN) {
  auto server = start_server();
  const auto [mode, keep_alive] = GetParam();
  Outcome o =
      run_inprocess(for_mode({"--mode", mode, "-n", "137", "-c", "8", "--json",
                              keep_alive ? "--keep-alive" : "--no-keep-alive", server->url()}));
  ASSERT_EQ(o.code, kExitOk) << o.err;
  auto doc = boost::json::parse(o.out).as_object();
  const auto& run = doc.at("runs").as_array().at(0).as_object();
  EXPECT_EQ(run.at("mode").as_string(), mode);
  EXPECT_EQ(run.at("requests").as_int64(), 137);
  EXPECT_EQ(run.at("succeeded").as_int64(), 137);
  EXPECT_EQ(run.at("failed").as_int64(), 0);
  EXPECT_EQ(run.at("status_codes").as_object().at("200").as_int64(), 137);
  EXPECT_EQ(server->requests_received(), 137u);
  const auto connections = run.at("connections").as_int64();
  if (keep_alive) {
    // One connection per client: 1 for sync, at most 8 for the concurrent modes.
    EXPECT_LE(connections, std::string(mode) == "sync" ? 1 : 8);
    EXPECT_EQ(server->connections_accepted(), static_cast<std::uint64_t>(connections));
  } else {
    EXPECT_EQ(connections, 137);
    EXPECT_EQ(server->connections_accepted(), 137u);
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, EveryMode,
                         ::testing::Values(ModeCase{"sync", true}, ModeCase{"sync", false},
                                           ModeCase{"threads", true}, ModeCase{"threads", false},
                                           ModeCase{"async", true}, ModeCase{"async", false}),
                         [](const auto& info) {
                           return std::string(info.param.mode) +
                                  (info.param.keep_alive ? "_keepalive" : "_fresh");
                         });

TEST(Compare, AsyncIsAtLeast20xFasterThanSyncAt50msDelay) {
  auto server = start_server(50ms);
  Outcome o = run_inprocess({"--mode", "compare", "-n", "200", "--json", server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  auto doc = boost::json::parse(o.out).as_object();
  const auto& cmp = doc.at("comparison").as_object();
  EXPECT_EQ(cmp.at("baseline").as_string(), "sync");
  const double speedup = cmp.at("speedup").as_object().at("async").to_number<double>();
  EXPECT_GE(speedup, 20.0);
  const auto& runs = doc.at("runs").as_array();
  ASSERT_EQ(runs.size(), 2u);
  const double sync_s = runs[0].as_object().at("elapsed_s").to_number<double>();
  const double async_s = runs[1].as_object().at("elapsed_s").to_number<double>();
  EXPECT_GE(sync_s, 200 * 0.050);  // 200 sequential 50 ms waits cannot take less
  EXPECT_NEAR(speedup, sync_s / async_s, speedup * 0.01);
  EXPECT_EQ(server->requests_received(), 400u);
}

TEST(Compare, JsonHasTheContractKeys) {
  auto server = start_server();
  Outcome o = run_inprocess(
      {"--compare", "async,sync,threads", "-n", "20", "-c", "4", "--json", server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  auto doc = boost::json::parse(o.out).as_object();
  EXPECT_EQ(doc.at("tool").as_string(), "httpbench");
  EXPECT_TRUE(doc.at("version").is_string());
  EXPECT_EQ(doc.at("url").as_string(), server->url());
  EXPECT_TRUE(doc.at("options").is_object());
  const auto& runs = doc.at("runs").as_array();
  ASSERT_EQ(runs.size(), 3u);
  for (const auto& r : runs) {
    const auto& run = r.as_object();
    for (const char* key : {"mode", "requests", "succeeded", "failed", "errors", "status_codes",
                            "elapsed_s", "rps", "bytes_received", "latency_ms", "cpu_s"}) {
      EXPECT_TRUE(run.contains(key)) << key;
    }
    for (const char* kind : {"connect", "timeout", "read", "write", "protocol", "tls"}) {
      EXPECT_EQ(run.at("errors").as_object().at(kind).as_int64(), 0) << kind;
    }
    for (const char* key : {"min", "mean", "p50", "p90", "p99", "max"}) {
      EXPECT_GE(run.at("latency_ms").as_object().at(key).to_number<double>(), 0.0) << key;
    }
    EXPECT_GT(run.at("bytes_received").as_int64(), 20 * 2);
  }
  const auto& cmp = doc.at("comparison").as_object();
  EXPECT_EQ(cmp.at("baseline").as_string(), "async");
  EXPECT_TRUE(cmp.at("speedup").as_object().contains("sync"));
  EXPECT_TRUE(cmp.at("speedup").as_object().contains("threads"));
}

TEST(Compare, TextShowsTheComparisonTable) {
  auto server = start_server(5ms);
  Outcome o = run_inprocess({"--mode", "compare", "-n", "40", "-c", "10", server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_NE(o.out.find("Comparison (baseline: sync)"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("x faster, -"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("% wall time"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("[sync] 40 requests"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("[async] 40 requests"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("keep-alive on"), std::string::npos) << o.out;
}

TEST(Serve, QueryStringOverridesStatusAndSize) {
  auto server = start_server();
  Outcome o = run_inprocess({"-n", "10", "-c", "2", "--json", "--ok-status", "503",
                             server->url() + "?status=503&size=1000"});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  auto run = boost::json::parse(o.out).at("runs").as_array().at(0).as_object();
  EXPECT_EQ(run.at("status_codes").as_object().at("503").as_int64(), 10);
  EXPECT_EQ(run.at("succeeded").as_int64(), 10);
  EXPECT_GT(run.at("bytes_received").as_int64(), 10 * 1000);
  EXPECT_LT(run.at("bytes_received").as_int64(), 10 * 1300);
}

TEST(Serve, LargeBodiesAreCountedNotStored) {
  auto server = start_server();
  Outcome o = run_inprocess({"-n", "4", "-c", "2", "--json", server->url() + "?size=8m"});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  auto run = boost::json::parse(o.out).at("runs").as_array().at(0).as_object();
  EXPECT_GE(run.at("bytes_received").as_int64(), 4 * 8 * 1024 * 1024);
}

TEST(Output, WritesTheJsonFileAtomically) {
  auto server = start_server();
  const std::string path = private_temp_path("out.json");
  std::remove(path.c_str());
  Outcome o = run_inprocess({"-n", "5", "-q", "-o", path, server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_TRUE(o.out.empty()) << o.out;
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto doc = boost::json::parse(text).as_object();
  EXPECT_EQ(doc.at("runs").as_array().at(0).at("succeeded").as_int64(), 5);
}

TEST(AsyncThreads, SplitsConnectionsAndRequestsExactlyOverEventLoops) {
  auto server = start_server(1ms);
  Outcome o = run_inprocess({"--mode", "async", "-t", "2", "-n", "101", "-c", "6", "--warmup", "6",
                             "--json", server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  auto run = first_run(o);
  EXPECT_EQ(run.at("requests").as_int64(), 101);
  EXPECT_EQ(run.at("succeeded").as_int64(), 101);
  // Six warm-up requests open the six connections; the measured ones reuse them.
  EXPECT_EQ(server->requests_received(), 107u);
  EXPECT_EQ(server->connections_accepted(), 6u);
  EXPECT_EQ(run.at("connections").as_int64(), 0);
  EXPECT_EQ(run_inprocess({"-t", "0", server->url()}).code, kExitUsage);
}
