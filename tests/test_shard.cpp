// Sharded runs: the shard contract (--shard, the Kubernetes environment, --start-at), shard
// processes launched as an Indexed Job would launch them and merged exactly, and the merges that
// must be refused.
#include "httpbench/scale/shard.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>

#include <fmt/format.h>
#include <boost/json/parse.hpp>

#include "httpbench/cli/cli.hpp"
#include "httpbench/cli/options.hpp"
#include "httpbench/cli/plan.hpp"
#include "httpbench/codec/url.hpp"
#include "httpbench/engine/schedule.hpp"
#include "httpbench/report/result_json.hpp"
#include "httpbench/scale/merge.hpp"
#include "httpbench/stats/error.hpp"
#include "httpbench/stats/results.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;
using namespace std::chrono_literals;

namespace {

EnvironmentLookup table(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

TEST(Shard, ParsesIndexOverCountFromZero) {
  const Shard s = parse_shard("2/5");
  EXPECT_EQ(s.index, 2u);
  EXPECT_EQ(s.count, 5u);
  EXPECT_EQ(parse_shard("0/1").count, 1u);
  for (const char* bad : {"", "3", "3/3", "1/0", "-1/3", "a/3", "1/b", "1/3/4", " 1/3", "1/3 "}) {
    EXPECT_THROW(parse_shard(bad), UsageError) << bad;
  }
}

TEST(Shard, ComesFromTheEnvironmentAsKubernetesSetsIt) {
  auto job =
      shard_from_environment(table({{"JOB_COMPLETION_INDEX", "3"}, {"HTTPBENCH_SHARDS", "4"}}));
  ASSERT_TRUE(job);
  EXPECT_EQ(job->index, 3u);
  EXPECT_EQ(job->count, 4u);
  // HTTPBENCH_SHARD wins over the Job's index.
  auto explicit_shard = shard_from_environment(table(
      {{"HTTPBENCH_SHARD", "1/2"}, {"JOB_COMPLETION_INDEX", "3"}, {"HTTPBENCH_SHARDS", "4"}}));
  ASSERT_TRUE(explicit_shard);
  EXPECT_EQ(explicit_shard->index, 1u);
  // An Indexed Job that does not shard httpbench leaves it whole.
  EXPECT_FALSE(shard_from_environment(table({{"JOB_COMPLETION_INDEX", "3"}})));
  EXPECT_FALSE(shard_from_environment(table({})));
  EXPECT_THROW(shard_from_environment(table({{"HTTPBENCH_SHARDS", "4"}})), UsageError);
  EXPECT_THROW(
      shard_from_environment(table({{"JOB_COMPLETION_INDEX", "4"}, {"HTTPBENCH_SHARDS", "4"}})),
      UsageError);
  EXPECT_THROW(shard_from_environment(table({{"HTTPBENCH_SHARD", "x"}})), UsageError);
}

TEST(Shard, SharesAddUpExactlyWithTheFirstShardsTakingOneMore) {
  EXPECT_EQ(share_of(10, {0, 3}), 4u);
  EXPECT_EQ(share_of(10, {1, 3}), 3u);
  EXPECT_EQ(share_of(10, {2, 3}), 3u);
  for (std::uint64_t total = 0; total < 60; ++total) {
    for (std::uint64_t count = 1; count < 9; ++count) {
      std::uint64_t sum = 0, low = total, high = 0;
      for (std::uint64_t i = 0; i < count; ++i) {
        const std::uint64_t part = share_of(total, {i, count});
        sum += part;
        low = std::min(low, part);
        high = std::max(high, part);
      }
      EXPECT_EQ(sum, total) << total << " over " << count;
      EXPECT_LE(high - low, 1u);
    }
  }
}

TEST(Shard, SplitsRequestsConcurrencyAndRateButNotTheDuration) {
  Options total;
  total.target = parse_target("http://127.0.0.1:9/");
  total.requests = 200;
  total.concurrency = 100;
  total.rate = 900;
  total.warmup_requests = 7;
  total.duration = 10s;
  total.shard = Shard{2, 3};
  EXPECT_NO_THROW(total.validate());
  const BenchmarkPlan plan = make_plan(total);
  const WorkPart& part = plan.part;
  EXPECT_EQ(part.requests, 66u);
  EXPECT_EQ(part.concurrency, 33u);
  EXPECT_DOUBLE_EQ(part.rate, 300);
  EXPECT_EQ(part.warmup_requests, 2u);
  // The duration is not split: each mode's schedule ends after the whole run's.
  ASSERT_EQ(plan.modes.size(), 1u);
  Schedule main = plan.modes[0].plan.main;
  const auto start = Schedule::Clock::now();
  main.begin(start);
  EXPECT_EQ(main.end(), start + *total.duration);
  total.requests = Schedule::kUnlimited;
  total.shard = Shard{0, 3};
  EXPECT_EQ(make_plan(total).part.requests, Schedule::kUnlimited);
  total.requests = 2;
  EXPECT_THROW(total.validate(), UsageError);
  total.requests = 200;
  total.concurrency = 2;
  EXPECT_THROW(total.validate(), UsageError);
}

TEST(Shard, StartTimesInRfc3339OrUnixSeconds) {
  constexpr double k0300z = 1795316400;  // 2026-11-22T03:00:00Z
  EXPECT_DOUBLE_EQ(parse_start_time("2026-11-22T03:00:00Z"), k0300z);
  EXPECT_DOUBLE_EQ(parse_start_time("2026-11-22t03:00:00z"), k0300z);
  EXPECT_DOUBLE_EQ(parse_start_time("2026-11-22 03:00:00Z"), k0300z);
  EXPECT_DOUBLE_EQ(parse_start_time("2026-11-22T04:30:00+01:30"), k0300z);
  EXPECT_DOUBLE_EQ(parse_start_time("2026-11-21T22:00:00-05:00"), k0300z);
  EXPECT_DOUBLE_EQ(parse_start_time("2026-11-22T03:00:00.25Z"), k0300z + 0.25);
  EXPECT_DOUBLE_EQ(parse_start_time("1795316400"), k0300z);
  EXPECT_DOUBLE_EQ(parse_start_time("1795316400.5"), k0300z + 0.5);
  EXPECT_DOUBLE_EQ(parse_start_time("2024-02-29T00:00:00Z"), 1709164800);
  for (const char* bad : {"", "now", "2026-11-22T03:00:00", "2026-13-01T00:00:00Z",
                          "2026-02-29T00:00:00Z", "2026-11-22T24:00:00Z", "2026-11-22T03:00:00.Z",
                          "2026-11-22T03:00:00+1:00", "2026-11-22T03:00:00Zjunk", "-5", "1e9"}) {
    EXPECT_THROW(parse_start_time(bad), UsageError) << bad;
  }
}

TEST(ShardCli, OptionAndEnvironment) {
  CommandLine flag = parse_command_line({"--shard", "1/4", "-n", "40", "http://127.0.0.1:9/"},
                                        table({{"HTTPBENCH_SHARD", "0/2"}}));
  ASSERT_TRUE(flag.options.shard);
  EXPECT_EQ(flag.options.shard->index, 1u);  // the option wins over the environment
  CommandLine env = parse_command_line(
      {"http://127.0.0.1:9/"}, table({{"JOB_COMPLETION_INDEX", "2"}, {"HTTPBENCH_SHARDS", "3"}}));
  ASSERT_TRUE(env.options.shard);
  EXPECT_EQ(env.options.shard->index, 2u);
  EXPECT_FALSE(parse_command_line({"http://127.0.0.1:9/"}, table({})).options.shard);
  CommandLine start = parse_command_line({"--start-at", "1795316400", "http://127.0.0.1:9/"});
  ASSERT_TRUE(start.options.start_at);
  EXPECT_DOUBLE_EQ(*start.options.start_at, 1795316400);
}

TEST(ShardCli, BadShardsAndStartTimesAreUsageErrors) {
  expect_usage_error({"--shard", "3/3", "http://127.0.0.1:9/"}, "--shard");
  expect_usage_error({"--shard", "1", "http://127.0.0.1:9/"}, "--shard");
  expect_usage_error({"--shard", "0/3", "-n", "2", "http://127.0.0.1:9/"}, "split over 3 shards");
  expect_usage_error({"--shard", "0/3", "-c", "2", "http://127.0.0.1:9/"}, "split over 3 shards");
  expect_usage_error({"--start-at", "soon", "http://127.0.0.1:9/"}, "--start-at");
}

// Three shard processes launched as an Indexed Job launches its pods, with a common start time:
// together they send exactly -n requests, and the merge is the union of their histograms.
TEST(ShardRun, ProcessesLaunchedLikeAnIndexedJobMergeExactly) {
  auto server = start_server(2ms);
  constexpr int kShards = 3;
  // Far enough ahead for every child to be waiting (sanitizer builds start slowly).
  const std::string start_at = fmt::format("{:.3f}", unix_now() + 2.5);
  std::vector<std::string> files;
  std::vector<std::unique_ptr<Child>> children;
  for (int i = 0; i < kShards; ++i) {
    files.push_back(private_temp_path(fmt::format("shard_{}.json", i)));
    children.push_back(std::make_unique<Child>(
        std::vector<std::string>{"-n", "100", "-c", "9", "--start-at", start_at, "-q", "-o",
                                 files.back(), server->url()},
        std::vector<std::string>{fmt::format("JOB_COMPLETION_INDEX={}", i),
                                 fmt::format("HTTPBENCH_SHARDS={}", kShards)}));
  }
  for (auto& child : children) {
    ASSERT_EQ(child->wait(30s), kExitOk) << child->err();
  }
  EXPECT_EQ(server->requests_received(), 100u);

  Histogram union_of_shards;
  double slowest = 0;
  double fastest = 1e300;
  std::uint64_t shard_requests[kShards] = {};
  for (int i = 0; i < kShards; ++i) {
    const auto doc = load_result_document(files[static_cast<std::size_t>(i)]);
    const auto& shard = doc.at("shard").as_object();
    EXPECT_EQ(shard.at("index").as_int64(), i);
    EXPECT_EQ(shard.at("count").as_int64(), kShards);
    shard_requests[i] = static_cast<std::uint64_t>(shard.at("requests").as_int64());
    EXPECT_EQ(shard.at("concurrency").as_int64(), 3);
    // The whole run's options are recorded, the same in every shard.
    EXPECT_EQ(doc.at("options").at("requests").as_int64(), 100);
    const double skew = doc.at("start_skew_ms").to_number<double>();
    EXPECT_GE(skew, 0);
    EXPECT_LT(skew, 50);
    const RunResult run = run_from_json(doc.at("runs").as_array().at(0).as_object());
    EXPECT_EQ(run.requests, shard_requests[i]);
    union_of_shards.merge(run.histogram);
    slowest = std::max(slowest, run.latency.max);
    fastest = std::min(fastest, run.latency.min);
  }
  EXPECT_EQ(shard_requests[0], 34u);
  EXPECT_EQ(shard_requests[1], 33u);
  EXPECT_EQ(shard_requests[2], 33u);

  Outcome o =
      run_inprocess({"merge", files[2], files[0], files[1], "--require-complete", "--json"});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const auto merged = boost::json::parse(o.out).as_object();
  const auto& run = merged.at("runs").as_array().at(0).as_object();
  EXPECT_EQ(run.at("requests").as_int64(), 100);
  EXPECT_EQ(run.at("succeeded").as_int64(), 100);
  const LatencySummary expected = summarize_latency(union_of_shards);
  const auto& latency = run.at("latency_ms").as_object();
  // Percentiles come from the union's histogram, kept within the exact min and max.
  EXPECT_DOUBLE_EQ(latency.at("p50").to_number<double>(),
                   std::clamp(expected.p50, fastest, slowest));
  EXPECT_DOUBLE_EQ(latency.at("p99").to_number<double>(),
                   std::clamp(expected.p99, fastest, slowest));
  // The exact slowest request, not its bucket's bound.
  EXPECT_DOUBLE_EQ(latency.at("max").to_number<double>(), slowest);
  const auto& shards = merged.at("shards").as_object();
  EXPECT_EQ(shards.at("count").as_int64(), kShards);
  EXPECT_TRUE(shards.at("complete").as_bool());
  const auto& rows = shards.at("rows").as_array();
  ASSERT_EQ(rows.size(), 3u);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].at("index").as_int64(), static_cast<std::int64_t>(i));  // sorted by shard
    EXPECT_LT(rows[i].at("start_skew_ms").to_number<double>(), 50);
  }

  Outcome text = run_inprocess({"merge", files[0], files[1], files[2]});
  ASSERT_EQ(text.code, kExitOk) << text.err;
  EXPECT_NE(text.out.find("Shards: 3 of 3"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("start skew"), std::string::npos) << text.out;
}

TEST(ShardRun, ShardRunsItsPartAndSaysSo) {
  auto server = start_server();
  Outcome o = run_inprocess({"--shard", "1/4", "-n", "10", "-c", "8", server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_EQ(server->requests_received(), 3u);  // 10 = 3 + 3 + 2 + 2
  EXPECT_NE(o.out.find("shard 1/4: this process ran 3 of the 10 requests"), std::string::npos)
      << o.out;
}

class BadMerges : public ::testing::Test {
 protected:
  // Runs shard `shard` of a 6-request run against `url` into a file and returns its path.
  std::string shard_file(const std::string& shard, const std::string& url,
                         const std::string& concurrency = "3") {
    const std::string path = private_temp_path(fmt::format("bad_{}.json", files_++));
    Outcome o =
        run_inprocess({"--shard", shard, "-n", "6", "-c", concurrency, "-q", "-o", path, url});
    EXPECT_EQ(o.code, kExitOk) << o.err;
    return path;
  }

  std::unique_ptr<Server> server_ = start_server();
  int files_ = 0;
};

TEST_F(BadMerges, OverlappingShardsAreRefused) {
  const std::string a = shard_file("0/3", server_->url());
  const std::string b = shard_file("0/3", server_->url());
  expect_usage_error({"merge", a, b}, "both shard 0/3: the shard sets overlap");
}

TEST_F(BadMerges, AMissingShardIsRefusedOnlyWhenCompletenessIsRequired) {
  const std::string a = shard_file("0/3", server_->url());
  const std::string c = shard_file("2/3", server_->url());
  expect_usage_error({"merge", a, c, "--require-complete"}, "shard 1/3 missing");
  Outcome o = run_inprocess({"merge", a, c});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_NE(o.out.find("Shards: 2 of 3 (incomplete"), std::string::npos) << o.out;
}

TEST_F(BadMerges, DifferentTargetsAreRefused) {
  auto other = start_server();
  const std::string a = shard_file("0/2", server_->url());
  const std::string b = shard_file("1/2", other->url());
  expect_usage_error({"merge", a, b}, "only results of the same target can be merged");
}

TEST_F(BadMerges, DifferentOptionsAreRefused) {
  const std::string a = shard_file("0/2", server_->url(), "3");
  const std::string b = shard_file("1/2", server_->url(), "4");
  expect_usage_error({"merge", a, b}, "the options of the shards differ");
  expect_usage_error({"merge", a, b}, "concurrency=4");
}

TEST_F(BadMerges, ShardAndWholeRunsDoNotMix) {
  const std::string a = shard_file("0/2", server_->url());
  const std::string whole = private_temp_path("whole.json");
  ASSERT_EQ(run_inprocess({"-n", "6", "-c", "3", "-q", "-o", whole, server_->url()}).code, kExitOk);
  expect_usage_error({"merge", a, whole}, "is not a shard's result");
  expect_usage_error({"merge", whole, "--require-complete"}, "not shard results");
}
