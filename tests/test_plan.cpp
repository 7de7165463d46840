// The plan built once from validated options: this shard's part, each mode's workers and
// schedules (per event loop for -t N), the parsed checks and the sweep's levels.
#include "httpbench/cli/plan.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "httpbench/cli/cli.hpp"
#include "httpbench/engine/schedule.hpp"
#include "httpbench/stats/error.hpp"

using namespace httpbench;
using namespace std::chrono_literals;

namespace {

const std::string kUrl = "http://127.0.0.1:9/";

BenchmarkPlan plan_of(std::vector<std::string> args) {
  args.push_back(kUrl);
  return make_plan(parse_command_line(args).options);
}

// The requests `schedule` lets start: the first number it refuses, counted up to `limit`.
std::uint64_t requests_allowed(Schedule schedule, std::uint64_t limit = 1000) {
  const auto start = Schedule::Clock::now();
  schedule.begin(start);
  std::uint64_t k = 0;
  while (k < limit && schedule.intended(k, start))
    ++k;
  return k;
}

// Open loop: the requests `schedule` makes due in its first second.
std::uint64_t due_in_first_second(Schedule schedule) {
  const auto start = Schedule::Clock::now();
  schedule.begin(start);
  return schedule.due_before(start + 1s);
}

}  // namespace

TEST(Plan, WholeRunWithoutAShard) {
  const BenchmarkPlan plan = plan_of({"-n", "50", "-c", "10", "--warmup", "6"});
  EXPECT_EQ(plan.part.requests, 50u);
  EXPECT_EQ(plan.part.concurrency, 10u);
  EXPECT_EQ(plan.part.warmup_requests, 6u);
  EXPECT_DOUBLE_EQ(plan.part.rate, 0);
  ASSERT_EQ(plan.modes.size(), 1u);
  const ModeRun& async = plan.modes[0];
  EXPECT_EQ(async.mode, Mode::async);
  EXPECT_EQ(async.plan.workers, 10u);
  EXPECT_EQ(async.concurrency, 10u);
  EXPECT_EQ(requests_allowed(async.plan.main), 50u);
  EXPECT_FALSE(async.plan.main.open_loop());
  ASSERT_EQ(async.loops.size(), 1u);
  EXPECT_EQ(async.loops[0].workers, 10u);
  EXPECT_EQ(async.loops[0].warmup_requests, 6u);
  EXPECT_EQ(requests_allowed(async.loops[0].main), 50u);
  EXPECT_TRUE(plan.checks.empty());
  EXPECT_TRUE(plan.sweep.levels.empty());
  EXPECT_FALSE(plan.baseline);
}

TEST(Plan, AShardRunsItsPartOfRequestsConcurrencyWarmupAndRate) {
  const BenchmarkPlan plan =
      plan_of({"--shard", "1/4", "-n", "10", "-c", "8", "-r", "100", "--warmup", "5"});
  // 10 = 3 + 3 + 2 + 2: the first 10 % 4 shards take one more.
  EXPECT_EQ(plan.part.requests, 3u);
  EXPECT_EQ(plan.part.concurrency, 2u);
  EXPECT_EQ(plan.part.warmup_requests, 1u);
  EXPECT_DOUBLE_EQ(plan.part.rate, 25);
  ASSERT_EQ(plan.modes.size(), 1u);
  const ModeRun& async = plan.modes[0];
  EXPECT_EQ(async.plan.workers, 2u);
  EXPECT_EQ(async.concurrency, 2u);
  EXPECT_DOUBLE_EQ(async.rate, 25);
  EXPECT_TRUE(async.plan.main.open_loop());
  EXPECT_EQ(requests_allowed(async.plan.main), 3u);
}

// -t N: each event loop gets its share of the connections, requests, warm-up and rate; the
// shares add up to the mode's.
TEST(Plan, EachEventLoopHasItsOwnSchedule) {
  BenchmarkPlan plan = plan_of({"-t", "3", "-c", "8", "-n", "10", "--warmup", "4"});
  ASSERT_EQ(plan.modes.size(), 1u);
  const std::vector<RunPlan>& loops = plan.modes[0].loops;
  ASSERT_EQ(loops.size(), 3u);
  const std::uint64_t workers[] = {3, 3, 2};
  const std::uint64_t warmup[] = {2, 1, 1};
  const std::uint64_t requests[] = {4, 3, 3};
  for (std::size_t i = 0; i < loops.size(); ++i) {
    EXPECT_EQ(loops[i].workers, workers[i]) << i;
    EXPECT_EQ(loops[i].warmup_requests, warmup[i]) << i;
    EXPECT_EQ(requests_allowed(loops[i].main), requests[i]) << i;
  }
  // The rate is divided evenly; a duration bounds every loop alike.
  plan = plan_of({"-t", "3", "-c", "6", "-d", "10s", "-r", "90"});
  ASSERT_EQ(plan.modes[0].loops.size(), 3u);
  EXPECT_EQ(due_in_first_second(plan.modes[0].plan.main), 90u);
  for (const RunPlan& loop : plan.modes[0].loops) {
    EXPECT_EQ(due_in_first_second(loop.main), 30u);
    EXPECT_EQ(loop.workers, 2u);
  }
  // Never more loops than connections: -n 2 keeps two connections busy.
  plan = plan_of({"-t", "4", "-c", "4", "-n", "2"});
  EXPECT_EQ(plan.modes[0].plan.workers, 2u);
  EXPECT_EQ(plan.modes[0].loops.size(), 2u);
}

TEST(Plan, EveryModeInOrderWithItsWorkers) {
  const BenchmarkPlan plan = plan_of({"--compare", "sync,threads,async", "-c", "5", "-n", "20"});
  ASSERT_EQ(plan.modes.size(), 3u);
  EXPECT_EQ(plan.modes[0].mode, Mode::sync);
  EXPECT_EQ(plan.modes[0].plan.workers, 1u);
  EXPECT_EQ(plan.modes[0].concurrency, 1u);
  EXPECT_TRUE(plan.modes[0].loops.empty());
  EXPECT_EQ(plan.modes[1].mode, Mode::threads);
  EXPECT_EQ(plan.modes[1].plan.workers, 5u);
  EXPECT_EQ(plan.modes[1].concurrency, 5u);
  EXPECT_TRUE(plan.modes[1].loops.empty());
  EXPECT_EQ(plan.modes[2].mode, Mode::async);
  EXPECT_EQ(plan.modes[2].loops.size(), 1u);
}

TEST(Plan, ChecksAreParsedIntoThePlan) {
  const BenchmarkPlan plan = plan_of({"--check", "p99<200ms", "--check", "rps>5k"});
  ASSERT_EQ(plan.checks.size(), 2u);
  EXPECT_EQ(plan.checks[0].figure, CheckFigure::p99);
  EXPECT_DOUBLE_EQ(plan.checks[0].threshold, 200);
  EXPECT_EQ(plan.checks[1].figure, CheckFigure::rps);
  EXPECT_DOUBLE_EQ(plan.checks[1].threshold, 5000);
  // A malformed one is refused by the plan, before any request.
  Options o = parse_command_line({kUrl}).options;
  o.checks = {"p99<50"};
  try {
    make_plan(o);
    ADD_FAILURE() << "no error";
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()),
              "--check 'p99<50': a latency needs a unit: write 50ms (or s, us)");
  }
}

// A sweep varies the concurrency of the async mode and nothing else.
TEST(Plan, ASweepHasOneAsyncRunPerLevel) {
  BenchmarkPlan plan = plan_of({"--sweep", "1,2,4", "-t", "2", "-n", "20"});
  EXPECT_TRUE(plan.modes.empty());
  EXPECT_FALSE(plan.sweep.stop_past_knee);
  ASSERT_EQ(plan.sweep.levels.size(), 3u);
  const std::uint64_t levels[] = {1, 2, 4};
  const std::size_t loops[] = {1, 2, 2};
  for (std::size_t i = 0; i < 3; ++i) {
    const ModeRun& level = plan.sweep.levels[i];
    EXPECT_EQ(level.mode, Mode::async);
    EXPECT_EQ(level.concurrency, levels[i]);
    EXPECT_EQ(level.plan.workers, levels[i]);
    EXPECT_EQ(level.loops.size(), loops[i]);
    EXPECT_EQ(requests_allowed(level.plan.main), 20u);
  }
  plan = plan_of({"--sweep", "auto", "-c", "8"});
  EXPECT_TRUE(plan.sweep.stop_past_knee);
  ASSERT_EQ(plan.sweep.levels.size(), 4u);
  EXPECT_EQ(plan.sweep.levels.back().concurrency, 8u);
}

TEST(Plan, RunShapeIsWhatABaselineIsComparedWith) {
  const Options o =
      parse_command_line({"-c", "7", "-r", "50", "--http1.0", "--no-keep-alive", "-X", "PUT", kUrl})
          .options;
  const RunShape shape = run_shape(o);
  EXPECT_EQ(shape.url, kUrl);
  EXPECT_EQ(shape.method, "PUT");
  EXPECT_EQ(shape.modes, std::vector<Mode>{Mode::async});
  EXPECT_EQ(shape.concurrency, 7u);
  EXPECT_DOUBLE_EQ(shape.rate, 50);
  EXPECT_EQ(shape.http_version, "1.0");
  EXPECT_FALSE(shape.keep_alive);
}

// ---- HTTP/2: each ModeRun carries its protocol and streams per connection ----

TEST(Plan, Http1RunsHaveOneStreamPerConnection) {
  const BenchmarkPlan plan = plan_of({"--compare", "sync,threads,async", "-c", "5"});
  for (const ModeRun& run : plan.modes) {
    EXPECT_EQ(run.protocol, Protocol::http1);
    EXPECT_EQ(run.streams, 1u);
  }
}

TEST(Plan, Http2RunsCarryTheirStreams) {
  BenchmarkPlan plan = plan_of({"--http2", "-c", "40", "--streams", "8", "-n", "100"});
  ASSERT_EQ(plan.modes.size(), 1u);
  EXPECT_EQ(plan.modes[0].mode, Mode::async);
  EXPECT_EQ(plan.modes[0].protocol, Protocol::http2);
  EXPECT_EQ(plan.modes[0].streams, 8u);
  // -c stays the requests in flight.
  EXPECT_EQ(plan.modes[0].concurrency, 40u);
  EXPECT_EQ(plan.modes[0].plan.workers, 40u);
  // The default streams; sync and threads send one at a time.
  plan = plan_of({"--http2", "--compare", "sync,threads,async", "-c", "20"});
  ASSERT_EQ(plan.modes.size(), 3u);
  for (const ModeRun& run : plan.modes)
    EXPECT_EQ(run.protocol, Protocol::http2);
  EXPECT_EQ(plan.modes[0].streams, 1u);
  EXPECT_EQ(plan.modes[1].streams, 1u);
  EXPECT_EQ(plan.modes[2].streams, defaults::kHttp2Streams);
}

TEST(Plan, CompareEntriesKeepTheirProtocolInOrder) {
  const BenchmarkPlan plan = plan_of({"--compare", "async,async:h2", "--streams", "4", "-c", "8"});
  ASSERT_EQ(plan.modes.size(), 2u);
  EXPECT_EQ(plan.modes[0].mode, Mode::async);
  EXPECT_EQ(plan.modes[0].protocol, Protocol::http1);
  EXPECT_EQ(plan.modes[0].streams, 1u);
  EXPECT_EQ(plan.modes[1].mode, Mode::async);
  EXPECT_EQ(plan.modes[1].protocol, Protocol::http2);
  EXPECT_EQ(plan.modes[1].streams, 4u);
}

// Over HTTP/2 each event loop gets whole connections: -c 40 --streams 8 is 5 connections, 3 on
// the first loop (24 streams) and 2 on the second (16).
TEST(Plan, Http2EventLoopsGetWholeConnections) {
  BenchmarkPlan plan = plan_of({"--http2", "-c", "40", "--streams", "8", "-t", "2", "-n", "100"});
  const std::vector<RunPlan>& loops = plan.modes[0].loops;
  ASSERT_EQ(loops.size(), 2u);
  EXPECT_EQ(loops[0].workers, 24u);
  EXPECT_EQ(loops[1].workers, 16u);
  // 42 in flight: 6 connections, the last with 2 streams.
  plan = plan_of({"--http2", "-c", "42", "--streams", "8", "-t", "2", "-n", "100"});
  ASSERT_EQ(plan.modes[0].loops.size(), 2u);
  EXPECT_EQ(plan.modes[0].loops[0].workers, 24u);
  EXPECT_EQ(plan.modes[0].loops[1].workers, 18u);
  // Never more loops than connections: -n 10 leaves 10 in flight, 2 connections.
  plan = plan_of({"--http2", "-c", "40", "--streams", "8", "-t", "5", "-n", "10"});
  ASSERT_EQ(plan.modes[0].loops.size(), 2u);
  EXPECT_EQ(plan.modes[0].loops[0].workers, 8u);
  EXPECT_EQ(plan.modes[0].loops[1].workers, 2u);
}

TEST(Plan, AnHttp2SweepRunsAsyncOverHttp2AtEachLevel) {
  const BenchmarkPlan plan = plan_of({"--http2", "--streams", "2", "--sweep", "1,2,4", "-t", "2"});
  ASSERT_EQ(plan.sweep.levels.size(), 3u);
  const std::size_t loops[] = {1, 1, 2};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(plan.sweep.levels[i].protocol, Protocol::http2);
    EXPECT_EQ(plan.sweep.levels[i].streams, 2u);
    EXPECT_EQ(plan.sweep.levels[i].loops.size(), loops[i]) << i;
  }
}

TEST(Plan, ChecksScopedByModeAndProtocol) {
  BenchmarkPlan plan = plan_of({"--compare", "async,async:h2", "--check", "async:h2:p99<20ms",
                                "--check", "async:errors<5", "--check", "p50<1s"});
  ASSERT_EQ(plan.checks.size(), 3u);
  EXPECT_EQ(plan.checks[0].mode, Mode::async);
  EXPECT_EQ(plan.checks[0].protocol, Protocol::http2);
  EXPECT_EQ(plan.checks[0].figure, CheckFigure::p99);
  // A scope without a protocol takes the run's: HTTP/1.x here.
  EXPECT_EQ(plan.checks[1].protocol, Protocol::http1);
  EXPECT_FALSE(plan.checks[2].mode);
  EXPECT_FALSE(plan.checks[2].protocol);
  // ... and HTTP/2 with --http2.
  plan = plan_of({"--http2", "--check", "async:p99<20ms"});
  EXPECT_EQ(plan.checks[0].protocol, Protocol::http2);
}

TEST(Plan, RunShapeRecordsTheProtocolsAndStreams) {
  RunShape shape = run_shape(parse_command_line({kUrl}).options);
  EXPECT_EQ(shape.protocols, std::vector<Protocol>{Protocol::http1});
  EXPECT_FALSE(shape.streams);
  shape = run_shape(
      parse_command_line({"--compare", "async,async:h2", "--streams", "6", kUrl}).options);
  EXPECT_EQ(shape.protocols, (std::vector<Protocol>{Protocol::http1, Protocol::http2}));
  EXPECT_EQ(shape.streams, 6u);
  shape = run_shape(parse_command_line({"--http2", kUrl}).options);
  EXPECT_EQ(shape.streams, defaults::kHttp2Streams);
}
