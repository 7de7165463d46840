// The built-in server's --max-concurrent limit, and --sweep against it: the knee is where the
// server's workers run out.
#include "httpbench/engine/sweep.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "httpbench/cli/cli.hpp"
#include "httpbench/cli/sweep_option.hpp"
#include "httpbench/defaults.hpp"
#include "httpbench/serve/serve.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;
using namespace std::chrono_literals;

namespace {

std::unique_ptr<Server> start_limited_server(std::chrono::nanoseconds delay,
                                             std::uint64_t max_concurrent) {
  ServeOptions o;
  o.port = 0;
  o.delay = delay;
  o.max_concurrent = max_concurrent;
  auto server = std::make_unique<Server>(o);
  server->start();
  return server;
}

}  // namespace

TEST(ServeMaxConcurrent, QueuesRequestsBeyondTheLimit) {
  auto server = start_limited_server(50ms, 4);
  Outcome o = run_inprocess({"-n", "40", "-c", "20", "--json", server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const auto run = first_run(o);
  EXPECT_EQ(run.at("succeeded").as_int64(), 40);
  // 40 requests, 4 at a time, 50 ms each: at least 10 rounds.
  EXPECT_GE(run.at("elapsed_s").to_number<double>(), 10 * 0.050 * 0.95);
  EXPECT_EQ(server->peak_in_flight(), 4u);
  EXPECT_EQ(server->requests_received(), 40u);
}

TEST(ServeMaxConcurrent, WithoutALimitEveryRequestIsHandledAtOnce) {
  auto server = start_limited_server(50ms, 0);
  Outcome o = run_inprocess({"-n", "40", "-c", "20", "--json", server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_EQ(server->peak_in_flight(), 20u);
  EXPECT_LT(first_run(o).at("elapsed_s").to_number<double>(), 10 * 0.050);
}

TEST(ServeMaxConcurrent, ParsedFromTheCommandLine) {
  const CommandLine cl = parse_command_line({"serve", "--max-concurrent", "4", "--port", "0"});
  EXPECT_EQ(cl.command, Command::serve);
  EXPECT_EQ(cl.serve.max_concurrent, 4u);
  EXPECT_EQ(parse_command_line({"serve"}).serve.max_concurrent, 0u);
  expect_usage_error({"serve", "--max-concurrent", "0"}, "--max-concurrent");
  expect_usage_error({"serve", "--max-concurrent", "x"}, "--max-concurrent");
}

TEST(Sweep, FindsTheKneeAtTheServersConcurrencyLimit) {
  auto server = start_limited_server(30ms, 4);
  // Every level warms its connections first: a slow connect (seen at 40 ms under ASan on a busy
  // machine) would otherwise pass for a level's lower throughput and move the knee.
  Outcome o = run_inprocess(
      {"--sweep", "1,2,4,8,16", "-n", "40", "--warmup", "1", "--json", server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const auto doc = boost::json::parse(o.out).as_object();
  const auto& sweep = doc.at("sweep").as_object();
  const auto& levels = sweep.at("levels").as_array();
  ASSERT_EQ(levels.size(), 5u);
  const std::int64_t expected[] = {1, 2, 4, 8, 16};
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const auto& l = levels[i].as_object();
    EXPECT_EQ(l.at("concurrency").as_int64(), expected[i]);
    EXPECT_EQ(l.at("errors").as_int64(), 0);
    EXPECT_GT(l.at("rps").to_number<double>(), 0);
    EXPECT_GE(l.at("p99_ms").to_number<double>(), l.at("p50_ms").to_number<double>());
  }
  EXPECT_EQ(sweep.at("knee").as_int64(), 4) << o.out;
  // Throughput doubles up to the limit, then stays flat.
  const double rps4 = levels[2].as_object().at("rps").to_number<double>();
  const double rps16 = levels[4].as_object().at("rps").to_number<double>();
  EXPECT_GT(rps4, 1.6 * levels[1].as_object().at("rps").to_number<double>());
  EXPECT_LT(rps16, 1.2 * rps4);
  const auto& usl = sweep.at("usl").as_object();
  for (const char* key : {"lambda", "sigma", "kappa", "r2"})
    EXPECT_TRUE(usl.at(key).is_number()) << key;
  EXPECT_GE(usl.at("sigma").to_number<double>(), 0);
  EXPECT_GE(usl.at("kappa").to_number<double>(), 0);
  // Each level's full run is in "runs", in the same order.
  ASSERT_EQ(doc.at("runs").as_array().size(), 5u);
  EXPECT_EQ(doc.at("runs").as_array()[0].as_object().at("requests").as_int64(), 40);
  // 40 measured per level, and one warm-up request per connection: 1 + 2 + 4 + 8 + 16.
  EXPECT_EQ(server->requests_received(), 5u * 40u + 31u);
  EXPECT_EQ(server->peak_in_flight(), 4u);
}

TEST(Sweep, TextAndCsvReports) {
  auto server = start_server();
  Outcome text = run_inprocess({"--sweep", "1,2,4", "-n", "20", server->url()});
  ASSERT_EQ(text.code, kExitOk) << text.err;
  EXPECT_NE(text.out.find("concurrency sweep"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("USL fit"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("knee"), std::string::npos) << text.out;

  Outcome csv = run_inprocess({"--sweep", "1,2,4", "-n", "20", "--format", "csv", server->url()});
  ASSERT_EQ(csv.code, kExitOk) << csv.err;
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t nl; (nl = csv.out.find('\n', start)) != std::string::npos; start = nl + 1)
    lines.push_back(csv.out.substr(start, nl - start));
  ASSERT_EQ(lines.size(), 4u) << csv.out;
  EXPECT_EQ(lines[0], "concurrency,requests,errors,rps,p50_ms,p99_ms,usl_rps,knee");
  EXPECT_EQ(lines[1].rfind("1,20,0,", 0), 0u) << lines[1];
  EXPECT_EQ(lines[2].rfind("2,20,0,", 0), 0u) << lines[2];
  EXPECT_EQ(lines[3].rfind("4,20,0,", 0), 0u) << lines[3];
}

TEST(Sweep, AutoLevelsDoubleUpToConcurrency) {
  EXPECT_EQ(auto_sweep_levels(1), (std::vector<std::uint64_t>{1}));
  EXPECT_EQ(auto_sweep_levels(8), (std::vector<std::uint64_t>{1, 2, 4, 8}));
  EXPECT_EQ(auto_sweep_levels(100), (std::vector<std::uint64_t>{1, 2, 4, 8, 16, 32, 64, 100}));
  const std::string url = "http://127.0.0.1:9/";
  const Options with_c = parse_command_line({"--sweep", "auto", "-c", "20", url}).options;
  EXPECT_EQ(with_c.sweep, (std::vector<std::uint64_t>{1, 2, 4, 8, 16, 20}));
  EXPECT_TRUE(with_c.sweep_auto);
  EXPECT_EQ(with_c.concurrency, 20u);
  const Options without_c = parse_command_line({"--sweep", "auto", url}).options;
  EXPECT_EQ(without_c.sweep.back(), defaults::kSweepAutoMax);
  EXPECT_EQ(without_c.sweep.size(), 9u);
  const Options list = parse_command_line({"--sweep", "3,5,9", url}).options;
  EXPECT_EQ(list.sweep, (std::vector<std::uint64_t>{3, 5, 9}));
  EXPECT_FALSE(list.sweep_auto);
  EXPECT_EQ(list.concurrency, 9u);
}

TEST(Sweep, AutoStopsTwoLevelsPastTheKnee) {
  auto server = start_limited_server(20ms, 2);
  // 48 requests a level: with 24, one late wake-up on a machine busy with other tests made level
  // 2 look slower than level 4 and moved the knee.
  Outcome o = run_inprocess(
      {"--sweep", "auto", "-c", "64", "-n", "48", "--warmup", "1", "--json", server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const auto sweep = boost::json::parse(o.out).as_object().at("sweep").as_object();
  ASSERT_TRUE(sweep.at("knee").is_int64()) << o.out;
  const std::int64_t knee = sweep.at("knee").as_int64();
  EXPECT_EQ(knee, 2);
  EXPECT_TRUE(sweep.at("stopped_early").as_bool());
  const auto& levels = sweep.at("levels").as_array();
  EXPECT_EQ(levels.back().as_object().at("concurrency").as_int64(), knee * 4);
}

TEST(Sweep, RefusesModesOtherThanAsyncAndOtherCombinations) {
  const std::string url = "http://127.0.0.1:9/";
  expect_usage_error({"--sweep", "1,2", "--mode", "sync", url}, "async mode only");
  expect_usage_error({"--sweep", "1,2", "--mode", "threads", url}, "async mode only");
  expect_usage_error({"--sweep", "1,2", "--compare", "sync,async", url}, "--compare");
  expect_usage_error({"--sweep", "1,2", "--mode", "compare", url}, "--compare");
  expect_usage_error({"--sweep", "1,2", "--trials", "3", url}, "--trials");
  expect_usage_error({"--sweep", "4,2", url}, "levels must increase");
  expect_usage_error({"--sweep", "1,0", url}, "--sweep");
  expect_usage_error({"--sweep", "1,,2", url}, "--sweep");
  expect_usage_error({"--sweep", "fast", url}, "--sweep");
  expect_usage_error({"--sweep", "1,2", "--check", "p99<1s", url}, "--check");
}
