// httpbench merge: two real runs merged exactly (counts and histogram buckets add, percentiles
// from the merged histogram), and the CSV format's header and rows.
#include "httpbench/merge.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>

#include <boost/json/parse.hpp>

#include "httpbench/serve.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, sep);)
    parts.push_back(part);
  return parts;
}

}  // namespace

TEST(Merge, TwoRealRunsEqualOneRunOfTheCombinedCount) {
  auto server = start_server(1ms);
  const std::string a = private_temp_path("merge_a.json");
  const std::string b = private_temp_path("merge_b.json");
  ASSERT_EQ(run_inprocess({"-n", "120", "-c", "6", "-q", "-o", a, server->url()}).code, kExitOk);
  ASSERT_EQ(run_inprocess({"-n", "80", "-c", "4", "-q", "-o", b, server->url()}).code, kExitOk);

  Outcome o = run_inprocess({"merge", a, b, "--json"});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  auto doc = boost::json::parse(o.out).as_object();
  EXPECT_EQ(doc.at("url").as_string(), server->url());
  ASSERT_EQ(doc.at("merged_from").as_array().size(), 2u);
  const auto& run = doc.at("runs").as_array().at(0).as_object();
  EXPECT_EQ(run.at("requests").as_int64(), 200);
  EXPECT_EQ(run.at("succeeded").as_int64(), 200);
  EXPECT_EQ(run.at("status_codes").at("200").as_int64(), 200);
  EXPECT_EQ(run.at("connections").as_int64(), 10);

  // One histogram holding every sample of both runs, as a single run of 200 would have it.
  const RunResult ra = run_from_json(load_result_document(a).at("runs").at(0).as_object());
  const RunResult rb = run_from_json(load_result_document(b).at("runs").at(0).as_object());
  Histogram all;
  all.merge(ra.histogram);
  all.merge(rb.histogram);
  const RunResult merged = run_from_json(run);
  EXPECT_EQ(merged.histogram.count(), 200u);
  EXPECT_EQ(all.count(), 200u);
  for (double q : {0.5, 0.9, 0.99}) {
    const double expected = static_cast<double>(all.value_at_quantile(q)) / 1e6;
    const double got = static_cast<double>(merged.histogram.value_at_quantile(q)) / 1e6;
    EXPECT_NEAR(got, expected, expected * Histogram::kRelativePrecision) << q;
  }
  EXPECT_NEAR(run.at("latency_ms").at("p50").to_number<double>(),
              static_cast<double>(all.value_at_quantile(0.5)) / 1e6,
              ra.latency.p50 * Histogram::kRelativePrecision);
  EXPECT_DOUBLE_EQ(merged.latency.min, std::min(ra.latency.min, rb.latency.min));
  EXPECT_DOUBLE_EQ(merged.latency.max, std::max(ra.latency.max, rb.latency.max));
  EXPECT_NEAR(merged.latency.mean, (ra.latency.mean * 120 + rb.latency.mean * 80) / 200, 1e-9);
  // Wall time is the span of the two runs; requests/s is recomputed from it.
  EXPECT_NEAR(merged.elapsed_s, rb.ended_at - ra.started_at, 1e-6);
  EXPECT_NEAR(merged.rps, 200 / merged.elapsed_s, 1e-6);
  EXPECT_GE(merged.elapsed_s, ra.elapsed_s + rb.elapsed_s - 1e-6);

  Outcome text = run_inprocess({"merge", a, b});
  EXPECT_EQ(text.code, kExitOk);
  EXPECT_NE(text.out.find("merged 2 result files"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("[async] 200 requests"), std::string::npos) << text.out;
  std::remove(a.c_str());
  std::remove(b.c_str());
}

TEST(Merge, RejectsOtherTargetsAndOtherFiles) {
  auto one = start_server(0ms);
  auto two = start_server(0ms);
  const std::string a = private_temp_path("merge_t1.json");
  const std::string b = private_temp_path("merge_t2.json");
  ASSERT_EQ(run_inprocess({"-n", "5", "-q", "-o", a, one->url()}).code, kExitOk);
  ASSERT_EQ(run_inprocess({"-n", "5", "-q", "-o", b, two->url()}).code, kExitOk);
  Outcome o = run_inprocess({"merge", a, b});
  EXPECT_EQ(o.code, kExitUsage);
  EXPECT_NE(o.err.find("only results of the same target can be merged"), std::string::npos)
      << o.err;
  {
    std::FILE* f = std::fopen(b.c_str(), "w");
    std::fputs("{\"hello\":1}", f);
    std::fclose(f);
  }
  o = run_inprocess({"merge", a, b});
  EXPECT_EQ(o.code, kExitUsage);
  EXPECT_EQ(o.err, "httpbench: '" + b + "' is not an httpbench result\n");
  EXPECT_EQ(run_inprocess({"merge"}).code, kExitUsage);
  std::remove(a.c_str());
  std::remove(b.c_str());
}

TEST(Csv, HeaderThenOneRowPerModeAndTrialInRunOrder) {
  auto server = start_server(0ms);
  Outcome o = run_inprocess({"--compare", "sync,async", "--trials", "2", "-n", "15", "-c", "3",
                             "--format", "csv", server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const auto lines = split(o.out, '\n');
  ASSERT_EQ(lines.size(), 5u) << o.out;
  EXPECT_EQ(lines[0],
            "mode,trial,requests,succeeded,failed,elapsed_s,rps,p50_ms,p90_ms,p99_ms,mean_ms,"
            "min_ms,max_ms,bytes_received,connections,cpu_s,started_at,ended_at,total_rps,dropped");
  const char* expected[][2] = {{"sync", "1"}, {"async", "1"}, {"sync", "2"}, {"async", "2"}};
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto cells = split(lines[i], ',');
    ASSERT_EQ(cells.size(), 20u) << lines[i];
    EXPECT_EQ(cells[0], expected[i - 1][0]);
    EXPECT_EQ(cells[1], expected[i - 1][1]);
    EXPECT_EQ(cells[2], "15");
    EXPECT_EQ(cells[4], "0");
    EXPECT_GT(std::stod(cells[6]), 0.0);
    EXPECT_GT(std::stod(cells[16]), 1.6e9);  // a Unix time
  }
  EXPECT_EQ(server->requests_received(), 60u);
  EXPECT_EQ(run_inprocess({"--format", "xml", server->url()}).code, kExitUsage);
}

TEST(Trials, CompareRunsAlternateAndReportEveryTrial) {
  auto server = start_server(2ms);
  Outcome o = run_inprocess(
      {"--compare", "sync,async", "--trials", "3", "-n", "10", "-c", "5", "--json", server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  auto doc = boost::json::parse(o.out).as_object();
  EXPECT_EQ(doc.at("options").at("trials").as_int64(), 3);
  EXPECT_EQ(doc.at("runs").as_array().at(0).at("requests").as_int64(), 30);
  const auto& trials = doc.at("trials").as_object();
  EXPECT_EQ(trials.at("count").as_int64(), 3);
  const auto& sync_runs = trials.at("modes").at("sync").at("runs").as_array();
  const auto& async_runs = trials.at("modes").at("async").at("runs").as_array();
  ASSERT_EQ(sync_runs.size(), 3u);
  ASSERT_EQ(async_runs.size(), 3u);
  // ABAB: each async trial starts after the sync trial of the same number and before the next.
  for (std::size_t t = 0; t < 3; ++t) {
    EXPECT_GE(async_runs[t].at("started_at").to_number<double>(), sync_runs[t].at("ended_at").to_number<double>());
    if (t + 1 < 3) {
      EXPECT_LE(async_runs[t].at("ended_at").to_number<double>(),
                sync_runs[t + 1].at("started_at").to_number<double>());
    }
  }
  const auto& speedup = trials.at("speedup").at("async").as_object();
  EXPECT_EQ(speedup.at("per_trial").as_array().size(), 3u);
  EXPECT_DOUBLE_EQ(speedup.at("confidence").to_number<double>(), 0.75);
  EXPECT_TRUE(speedup.at("significant").as_bool());
  EXPECT_LE(speedup.at("low").to_number<double>(), speedup.at("median").to_number<double>());
  EXPECT_GE(speedup.at("high").to_number<double>(), speedup.at("median").to_number<double>());
  EXPECT_EQ(server->requests_received(), 60u);
}
