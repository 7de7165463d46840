// Duration, open-loop rate with coordinated-omission correction, and warm-up, on loopback.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <thread>

#include "httpbench/serve/serve.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;
using namespace std::chrono_literals;

namespace {

class FidelityInEveryMode : public ::testing::TestWithParam<const char*> {};

}  // namespace

TEST_P(FidelityInEveryMode, DurationStopsStartingAndLetsInFlightRequestsFinish) {
  auto server = start_server(300ms);
  const auto start = std::chrono::steady_clock::now();
  Outcome o = run_inprocess(
      for_mode({"--mode", GetParam(), "-d", "500ms", "-c", "5", "--json", server->url()}));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(o.code, kExitOk) << o.err;
  auto run = first_run(o);
  const bool sync = std::string(GetParam()) == "sync";
  // Two rounds start before 500 ms (at 0 and 300 ms); the second ends at about 600 ms.
  EXPECT_EQ(run.at("requests").as_int64(), sync ? 2 : 10);
  EXPECT_EQ(run.at("succeeded").as_int64(), run.at("requests").as_int64());
  EXPECT_EQ(run.at("after_deadline").as_int64(), sync ? 1 : 5);
  EXPECT_GE(run.at("elapsed_s").to_number<double>(), 0.55);
  EXPECT_LT(took, 3s);
  EXPECT_EQ(server->requests_received(), static_cast<std::uint64_t>(run.at("requests").as_int64()));
}

TEST_P(FidelityInEveryMode, WarmupRequestsAreSentButNotRecorded) {
  auto server = start_server();
  Outcome o = run_inprocess(for_mode(
      {"--mode", GetParam(), "-n", "30", "-c", "3", "--warmup", "12", "--json", server->url()}));
  ASSERT_EQ(o.code, kExitOk) << o.err;
  auto run = first_run(o);
  EXPECT_EQ(run.at("requests").as_int64(), 30);
  EXPECT_EQ(server->requests_received(), 42u);
  // The connections were opened during the warm-up and reused.
  EXPECT_EQ(run.at("connections").as_int64(), 0);
}

TEST_P(FidelityInEveryMode, RateIsKeptAndAStallShowsInCorrectedLatencyOnly) {
  auto server = start_server();
  std::jthread staller([&] {
    std::this_thread::sleep_for(1s);
    server->stall_for(1s);
  });
  Outcome o = run_inprocess(for_mode(
      {"--mode", GetParam(), "-r", "100", "-d", "3s", "-c", "2", "--json", server->url()}));
  ASSERT_EQ(o.code, kExitOk) << o.err;
  auto run = first_run(o);
  // 3 s at 100/s: the schedule, not the server, sets the count.
  EXPECT_NEAR(run.at("requests").as_int64(), 300, 3);
  const double corrected_p99 = run.at("latency_ms").as_object().at("p99").to_number<double>();
  const double service_p99 = run.at("service_time_ms").as_object().at("p99").to_number<double>();
  const double corrected_p50 = run.at("latency_ms").as_object().at("p50").to_number<double>();
  // Requests meant for the stalled second waited up to 1 s from their intended send time.
  EXPECT_GT(corrected_p99, 800.0);
  EXPECT_GT(corrected_p50, 0.0);
  // Only the two requests in flight at the stall saw it from their actual send: under 1%.
  EXPECT_LT(service_p99, 100.0);
  const auto& schedule = run.at("schedule").as_object();
  EXPECT_GT(schedule.at("late_starts").as_int64(), 50);
  EXPECT_GT(schedule.at("max_start_lag_ms").to_number<double>(), 800.0);
}

INSTANTIATE_TEST_SUITE_P(Modes, FidelityInEveryMode, ::testing::Values("sync", "threads", "async"));

TEST(Fidelity, ClosedLoopServiceTimeEqualsLatency) {
  auto server = start_server(2ms);
  Outcome o = run_inprocess({"-n", "20", "-c", "2", "--json", server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  auto run = first_run(o);
  EXPECT_GE(run.at("service_time_ms").as_object().at("p50").to_number<double>(), 2.0);
  EXPECT_EQ(run.at("service_time_ms"), run.at("latency_ms"));
}
