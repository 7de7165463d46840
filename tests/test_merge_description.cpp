// merge fills the merged report's run description from what the files record: the first file's
// options, the modes merged, compare only when every file compared; what no file records stays
// empty rather than a default; a recorded option of the wrong type is an error naming the file and
// the key.
#include "httpbench/scale/merge.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "httpbench/report/report.hpp"
#include "httpbench/stats/error.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

RunResult run_of(Mode mode, double started_at) {
  RunResult r;
  r.mode = mode;
  r.requests = r.succeeded = 10;
  r.status_codes[200] = 10;
  r.elapsed_s = 1;
  set_rates(r);
  for (int i = 0; i < 10; ++i)
    r.histogram.record(2'000'000);
  r.latency = summarize_latency(r.histogram);
  r.started_at = started_at;
  r.ended_at = started_at + 1;
  return r;
}

std::string write_result(const std::string& name, const RunDescription& d,
                         const std::vector<RunResult>& runs) {
  Report report;
  report.version = "9.9.9";
  report.description = d;
  report.runs = runs;
  const std::string path = private_temp_path(name);
  std::ofstream(path, std::ios::trunc) << format_json(report);
  return path;
}

RunDescription recorded() {
  RunDescription d;
  d.url = "http://127.0.0.1:9/x";
  d.modes = {Mode::sync, Mode::async};
  d.compare = true;
  d.requests = 10;
  d.concurrency = 3;
  d.keep_alive = false;
  d.timeout = 5s;
  d.method = "HEAD";
  d.http_version = "1.0";
  d.headers = std::vector<std::string>{"Host: 127.0.0.1:9"};
  d.trials = 1;
  return d;
}

}  // namespace

TEST(MergeDescription, TakesWhatTheFilesRecordAndNothingElse) {
  const RunDescription d = recorded();
  const std::string a =
      write_result("merge_desc_a.json", d, {run_of(Mode::sync, 1e9), run_of(Mode::async, 1e9 + 1)});
  const std::string b =
      write_result("merge_desc_b.json", d, {run_of(Mode::sync, 1e9), run_of(Mode::async, 1e9 + 1)});
  const Report merged = merge_result_files({a, b});
  const RunDescription& m = merged.description;
  EXPECT_EQ(m.url, d.url);
  EXPECT_EQ(m.modes, d.modes);
  EXPECT_TRUE(m.compare);
  EXPECT_EQ(m.requests, 10u);
  EXPECT_EQ(m.concurrency, 3u);
  EXPECT_EQ(m.keep_alive, false);
  EXPECT_EQ(m.timeout, std::chrono::nanoseconds(5s));
  EXPECT_EQ(m.method, "HEAD");
  EXPECT_EQ(m.http_version, "1.0");
  EXPECT_EQ(m.headers, d.headers);
  EXPECT_EQ(m.trials, 1u);
  // Not recorded by the files: empty, not the defaults of this process.
  EXPECT_FALSE(m.connect_timeout);
  EXPECT_FALSE(m.max_header_size);
  EXPECT_FALSE(m.ok_status);
  EXPECT_FALSE(m.interval);
  EXPECT_FALSE(m.io_threads);
  EXPECT_FALSE(m.no_dns_lookup);
  // The merged document writes back what it read, and no more.
  const json::object doc = json::parse(format_json(merged)).as_object();
  const json::object& o = doc.at("options").as_object();
  EXPECT_EQ(o.at("concurrency").as_int64(), 3);
  EXPECT_FALSE(o.contains("connect_timeout_s"));
  EXPECT_FALSE(o.contains("max_header_size"));
  std::remove(a.c_str());
  std::remove(b.c_str());
}

TEST(MergeDescription, ComparedOnlyWhenEveryFileCompared) {
  RunDescription one = recorded();
  RunDescription other = recorded();
  other.compare = false;
  const std::string a = write_result("merge_desc_c.json", one,
                                     {run_of(Mode::sync, 1e9), run_of(Mode::async, 1e9 + 1)});
  const std::string b = write_result("merge_desc_d.json", other,
                                     {run_of(Mode::sync, 1e9), run_of(Mode::async, 1e9 + 1)});
  const Report merged = merge_result_files({a, b});
  EXPECT_FALSE(merged.description.compare);
  EXPECT_FALSE(merged.comparison);
  std::remove(a.c_str());
  std::remove(b.c_str());
}

TEST(MergeDescription, AnOptionOfTheWrongTypeNamesTheFileAndTheKey) {
  const std::string a = write_result("merge_desc_e.json", recorded(), {run_of(Mode::sync, 1e9)});
  json::value doc;
  {
    std::ifstream in(a);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    doc = json::parse(text);
  }
  doc.as_object()["options"].as_object()["timeout_s"] = "5s";
  std::ofstream(a, std::ios::trunc) << json::serialize(doc);
  try {
    merge_result_files({a});
    FAIL() << "merged a file whose timeout_s is a string";
  } catch (const UsageError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(a), std::string::npos) << what;
    EXPECT_NE(what.find("timeout_s"), std::string::npos) << what;
  }
  std::remove(a.c_str());
}
