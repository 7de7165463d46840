// httpbench merge: two real runs merged exactly (counts and histogram buckets add, percentiles
// from the merged histogram), and the CSV format's header and rows.
#include "httpbench/report/result_json.hpp"
#include "httpbench/scale/merge.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include "httpbench/serve/serve.hpp"
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

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

double speedup_of(const std::string& json_text) {
  return boost::json::parse(json_text)
      .at("comparison")
      .at("speedup")
      .at("async")
      .to_number<double>();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

}  // namespace

// Two --compare runs made one after another each measure a speedup; their merge measures the same
// speedup, not one diluted by the time each mode sat idle while the other ran (the wall time of a
// mode is the time its runs ran, not the span from the first start to the last end).
TEST(Merge, SequentialCompareRunsKeepTheirSpeedup) {
  auto server = start_server(2ms);
  const std::string a = private_temp_path("merge_seq_a.json");
  const std::string b = private_temp_path("merge_seq_b.json");
  for (const std::string& f : {a, b}) {
    ASSERT_EQ(run_inprocess(
                  {"--compare", "sync,async", "-n", "60", "-c", "6", "-q", "-o", f, server->url()})
                  .code,
              kExitOk);
  }
  const double sa = speedup_of(boost::json::serialize(load_result_document(a)));
  const double sb = speedup_of(boost::json::serialize(load_result_document(b)));
  ASSERT_GT(std::min(sa, sb), 2.0);
  Outcome o = run_inprocess({"merge", a, b, "--json"});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const double merged = speedup_of(o.out);
  EXPECT_GE(merged, std::min(sa, sb) * 0.97) << sa << " " << sb;
  EXPECT_LE(merged, std::max(sa, sb) * 1.03) << sa << " " << sb;
  const auto doc = boost::json::parse(o.out);
  EXPECT_DOUBLE_EQ(doc.at("merge").at("overlap").to_number<double>(), 0.0);
  EXPECT_EQ(doc.at("merge").at("modes").at("sync").at("runs").as_int64(), 2);
  EXPECT_TRUE(doc.at("merge").at("differing_options").as_object().empty());
  Outcome text = run_inprocess({"merge", a, b});
  EXPECT_NE(text.out.find("merged 2 result files: " + a + ", " + b + "\nruns overlap 0%"),
            std::string::npos)
      << text.out;
  std::remove(a.c_str());
  std::remove(b.c_str());
}

// Two processes run side by side (shards by hand): their requests add up over the common span,
// and the overlap says so.
TEST(Merge, SideBySideRunsAddUp) {
  auto server = start_server(2ms);
  const std::string start_at = fmt::format("{:.3f}", unix_now() + 1.5);
  std::vector<std::string> files;
  std::vector<std::unique_ptr<Child>> children;
  for (int i = 0; i < 2; ++i) {
    files.push_back(private_temp_path(fmt::format("merge_side_{}.json", i)));
    children.push_back(std::make_unique<Child>(
        std::vector<std::string>{"-d", "1s", "-n", "1000000", "-c", "2", "--start-at", start_at,
                                 "-q", "-o", files.back(), server->url()}));
  }
  for (auto& child : children)
    ASSERT_EQ(child->wait(30s), kExitOk) << child->err();
  Outcome o = run_inprocess({"merge", files[0], files[1], "--json"});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const auto doc = boost::json::parse(o.out);
  EXPECT_GT(doc.at("merge").at("overlap").to_number<double>(), 0.8) << o.out;
  const RunResult r0 = run_from_json(load_result_document(files[0]).at("runs").at(0).as_object());
  const RunResult r1 = run_from_json(load_result_document(files[1]).at("runs").at(0).as_object());
  const RunResult merged = run_from_json(doc.at("runs").at(0).as_object());
  EXPECT_NEAR(merged.rps, r0.rps + r1.rps, (r0.rps + r1.rps) * 0.15);
  EXPECT_LT(merged.elapsed_s, r0.elapsed_s + r1.elapsed_s - 0.5);
  Outcome text = run_inprocess({"merge", files[0], files[1]});
  EXPECT_NE(text.out.find("side by side: their requests add up"), std::string::npos) << text.out;
  for (const std::string& f : files)
    std::remove(f.c_str());
}

// Files of different requests or mode lists are refused (exit 2, naming the option and both
// values); an option a file does not record is "(not recorded)", never a default.
TEST(Merge, RefusesOtherRequestsAndShowsUnrecordedOptions) {
  auto server = start_server(0ms);
  const std::string get = private_temp_path("merge_get.json");
  const std::string post = private_temp_path("merge_post.json");
  const std::string both = private_temp_path("merge_both.json");
  ASSERT_EQ(run_inprocess({"-n", "5", "-c", "2", "-q", "-o", get, server->url()}).code, kExitOk);
  ASSERT_EQ(
      run_inprocess({"-n", "5", "-c", "2", "-X", "POST", "-q", "-o", post, server->url()}).code,
      kExitOk);
  ASSERT_EQ(run_inprocess(
                {"-n", "5", "-c", "2", "--compare", "sync,async", "-q", "-o", both, server->url()})
                .code,
            kExitOk);
  expect_usage_error({"merge", get, post}, "'" + post + "' has method POST but '" + get +
                                               "' has GET: only results of the same request");
  expect_usage_error({"merge", get, both},
                     "'" + both + "' has modes sync,async but '" + get + "' has async");

  // The second file without "concurrency" (an older or edited file).
  auto doc = load_result_document(get);
  doc["options"].as_object().erase("concurrency");
  const std::string edited = private_temp_path("merge_edited.json");
  write_text(edited, boost::json::serialize(doc));
  Outcome o = run_inprocess({"merge", get, edited});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_NE(o.out.find("concurrency 2 | (not recorded)"), std::string::npos) << o.out;
  const std::string html = private_temp_path("merge_edited.html");
  ASSERT_EQ(run_inprocess({"merge", edited, edited, "--report", html}).code, kExitOk);
  std::ifstream in(html);
  const std::string page((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(page.find("<tr><th>concurrency</th><td>(not recorded)</td></tr>"), std::string::npos)
      << page;
  EXPECT_EQ(page.find("<tr><th>concurrency</th><td>100</td></tr>"), std::string::npos);
  for (const std::string& f : {get, post, both, edited, html})
    std::remove(f.c_str());
}

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
  // Made one after another: the wall time is the time either ran (the union of their
  // intervals), not the span with the gap between them; requests/s is recomputed from it.
  EXPECT_NEAR(merged.elapsed_s, (ra.ended_at - ra.started_at) + (rb.ended_at - rb.started_at),
              1e-6);
  EXPECT_LT(merged.elapsed_s, rb.ended_at - ra.started_at);
  EXPECT_NEAR(merged.rps, 200 / merged.elapsed_s, 1e-6);
  EXPECT_DOUBLE_EQ(doc.at("merge").at("overlap").to_number<double>(), 0.0);
  EXPECT_EQ(doc.at("merge").at("differing_options").at("concurrency"),
            boost::json::parse(R"(["6","4"])"));

  Outcome text = run_inprocess({"merge", a, b});
  EXPECT_EQ(text.code, kExitOk);
  EXPECT_NE(text.out.find("merged 2 result files"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("[async] 200 requests"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("runs overlap 0% (one after another)"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("options that differ between the files: concurrency 6 | 4"),
            std::string::npos)
      << text.out;
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
            "min_ms,max_ms,bytes_received,connections,cpu_s,started_at,ended_at,total_rps,dropped,"
            "protocol,streams_per_connection");
  const char* expected[][2] = {{"sync", "1"}, {"async", "1"}, {"sync", "2"}, {"async", "2"}};
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto cells = split(lines[i], ',');
    // The protocol columns are appended: the 20 before keep their positions.
    ASSERT_EQ(cells.size(), 22u) << lines[i];
    EXPECT_EQ(cells[20], "h1");
    EXPECT_EQ(cells[21], "1");
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
    EXPECT_GE(async_runs[t].at("started_at").to_number<double>(),
              sync_runs[t].at("ended_at").to_number<double>());
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

// Results of another protocol (or other HTTP/2 streams) are refused like another HTTP version;
// files written before HTTP/2 are HTTP/1.x and merge with HTTP/1.x files.
TEST(Merge, RefusesAnotherProtocolAndReadsOldFilesAsHttp1) {
  auto server = start_server(0ms);
  const std::string h1 = private_temp_path("merge_h1.json");
  ASSERT_EQ(run_inprocess({"-n", "5", "-c", "2", "-q", "-o", h1, server->url()}).code, kExitOk);
  const auto as_http2 = [](boost::json::object doc, int streams) {
    doc["options"].as_object()["protocols"] = boost::json::array{"h2"};
    doc["options"].as_object()["streams"] = streams;
    for (auto& run : doc["runs"].as_array()) {
      run.as_object()["protocol"] = "h2";
      run.as_object()["streams_per_connection"] = streams;
    }
    return doc;
  };
  const boost::json::object doc = load_result_document(h1);
  const std::string h2 = private_temp_path("merge_h2.json");
  write_text(h2, boost::json::serialize(as_http2(doc, 8)));
  const std::string h2_more = private_temp_path("merge_h2_more.json");
  write_text(h2_more, boost::json::serialize(as_http2(doc, 16)));
  expect_usage_error({"merge", h1, h2}, "'" + h2 + "' has protocols h2 but '" + h1 +
                                            "' has h1: only results of the same protocol");
  expect_usage_error({"merge", h2, h2_more}, "'" + h2_more + "' has streams 16 but '" + h2 +
                                                 "' has 8: only results of the same protocol");
  // Two HTTP/2 files merge, labelled with their protocol.
  Outcome both = run_inprocess({"merge", h2, h2, "--json"});
  ASSERT_EQ(both.code, kExitOk) << both.err;
  const boost::json::value merged = boost::json::parse(both.out);
  EXPECT_EQ(merged.at("runs").at(0).at("protocol").as_string(), "h2");
  EXPECT_EQ(merged.at("runs").at(0).at("streams_per_connection").to_number<int>(), 8);
  EXPECT_EQ(merged.at("runs").at(0).at("requests").to_number<int>(), 10);
  EXPECT_EQ(merged.at("options").at("protocols"), (boost::json::array{"h2"}));
  EXPECT_TRUE(merged.at("merge").at("modes").as_object().contains("async:h2"));
  Outcome text = run_inprocess({"merge", h2, h2});
  EXPECT_NE(text.out.find("[async:h2] 10 requests"), std::string::npos) << text.out;
  // A file of before HTTP/2 (no protocol keys) merges with an HTTP/1.x one.
  boost::json::object old = doc;
  old["options"].as_object().erase("protocols");
  old["options"].as_object().erase("streams");
  for (auto& run : old["runs"].as_array()) {
    run.as_object().erase("protocol");
    run.as_object().erase("streams_per_connection");
  }
  const std::string before = private_temp_path("merge_before_h2.json");
  write_text(before, boost::json::serialize(old));
  Outcome mixed = run_inprocess({"merge", h1, before});
  EXPECT_EQ(mixed.code, kExitOk) << mixed.err;
  EXPECT_NE(mixed.out.find("[async] 10 requests"), std::string::npos) << mixed.out;
  for (const std::string& f : {h1, h2, h2_more, before})
    std::remove(f.c_str());
}
