// The reporters on a hand-built Report: the text, JSON and CSV reporters print the run description
// and the results they are given, and nothing they are not (a description that records no
// timeout prints none, never a default).
#include "httpbench/report/report.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include <boost/json/parse.hpp>

#include "httpbench/report/report_html.hpp"

using namespace httpbench;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

RunDescription full_description() {
  RunDescription d;
  d.url = "http://example.test:8080/items?x=1";
  d.scheme = "http";
  d.request_target = "/items?x=1";
  d.method = "POST";
  d.headers = std::vector<std::string>{"Host: example.test:8080", "Authorization: ***",
                                       "Content-Length: 3"};
  d.http_version = "1.1";
  d.headers_given = {"X-One: 1"};
  d.body_bytes = 3;
  d.modes = {Mode::async};
  d.requests = 40;
  d.concurrency = 4;
  d.io_threads = 1;
  d.keep_alive = true;
  d.timeout = 2s;
  d.connect_timeout = 1s;
  d.max_header_size = 65536;
  d.ok_status = "200-399";
  d.ok_status_default = true;
  d.warmup_requests = 0;
  d.trials = 1;
  d.interval = 1s;
  d.tls_min_version = "1.2";
  return d;
}

RunResult one_run() {
  RunResult r;
  r.mode = Mode::async;
  r.requests = r.succeeded = 40;
  r.status_codes[200] = 40;
  r.elapsed_s = 2;
  set_rates(r);
  r.bytes_received = 4000;
  r.connections = 4;
  for (int i = 0; i < 40; ++i)
    r.histogram.record(1'000'000 + static_cast<std::uint64_t>(i) * 10'000);
  r.latency = summarize_latency(r.histogram);
  r.started_at = 1'800'000'000;
  r.ended_at = 1'800'000'002;
  return r;
}

Report report_of(RunDescription d) {
  Report report;
  report.version = "9.9.9";
  report.description = std::move(d);
  report.runs = {one_run()};
  report.dns_ms = 1.5;
  return report;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

}  // namespace

TEST(TextReporter, PrintsTheDescriptionAndTheRun) {
  const std::string text = format_text(report_of(full_description()));
  const auto lines = lines_of(text);
  ASSERT_GE(lines.size(), 4u) << text;
  EXPECT_EQ(lines[0], "httpbench 9.9.9: http://example.test:8080/items?x=1");
  EXPECT_EQ(lines[1],
            "40 requests per mode, concurrency 4, keep-alive on (connections reused), timeout "
            "2.00s");
  EXPECT_EQ(lines[2], "request    POST /items?x=1 HTTP/1.1 with a 3 B body");
  EXPECT_EQ(lines[3], "  Host: example.test:8080");
  EXPECT_EQ(lines[4], "  Authorization: ***");
  EXPECT_NE(text.find("DNS resolved once before the run in 1.50ms"), std::string::npos) << text;
  EXPECT_NE(text.find("async"), std::string::npos);
}

TEST(TextReporter, NoDnsLookupAndAShardPart) {
  RunDescription d = full_description();
  d.no_dns_lookup = "IP address";
  d.shard = ShardPart{1, 2, 20, 2, 0, 0};
  const std::string text = format_text(report_of(d));
  EXPECT_NE(text.find("no DNS lookup (IP address)"), std::string::npos) << text;
  EXPECT_NE(text.find("shard 1/2: this process ran 20 of the 40 requests, concurrency 2 of 4"),
            std::string::npos)
      << text;
}

TEST(TextReporter, WhatTheDescriptionDoesNotRecordIsNotPrinted) {
  RunDescription d;
  d.url = "http://example.test/";
  d.modes = {Mode::async};
  const std::string text = format_text(report_of(d));
  EXPECT_EQ(text.find("concurrency"), std::string::npos) << text;
  EXPECT_EQ(text.find("timeout"), std::string::npos) << text;
  EXPECT_EQ(text.find("keep-alive"), std::string::npos) << text;
}

TEST(JsonReporter, WritesTheDocumentKeysAndTheOptions) {
  const json::object doc = json::parse(format_json(report_of(full_description()))).as_object();
  for (const char* key :
       {"tool", "schema_version", "version", "url", "dns_ms", "options", "runs", "interrupted"}) {
    EXPECT_TRUE(doc.contains(key)) << key;
  }
  EXPECT_EQ(doc.at("schema_version").as_int64(), kSchemaVersion);
  EXPECT_EQ(doc.at("url").as_string(), "http://example.test:8080/items?x=1");
  EXPECT_DOUBLE_EQ(doc.at("dns_ms").to_number<double>(), 1.5);
  const json::object& o = doc.at("options").as_object();
  std::vector<std::string> keys;
  for (const auto& kv : o)
    keys.emplace_back(kv.key());
  EXPECT_EQ(
      keys,
      (std::vector<std::string>{
          "modes",     "compare",           "requests",        "duration_s",  "rate",
          "ok_status", "warmup_requests",   "warmup_s",        "concurrency", "keep_alive",
          "timeout_s", "connect_timeout_s", "max_header_size", "trials",      "method",
          "headers",   "body_bytes",        "http_version",    "proxy",       "unix_socket"}));
  EXPECT_EQ(o.at("requests").as_int64(), 40);
  EXPECT_TRUE(o.at("duration_s").is_null());
  EXPECT_TRUE(o.at("rate").is_null());
  EXPECT_DOUBLE_EQ(o.at("timeout_s").to_number<double>(), 2.0);
  EXPECT_EQ(o.at("headers").as_array().size(), 3u);
  EXPECT_EQ(o.at("body_bytes").as_int64(), 3);
  EXPECT_EQ(doc.at("runs").as_array().size(), 1u);
  EXPECT_EQ(doc.at("runs").at(0).at("requests").as_int64(), 40);
  EXPECT_FALSE(doc.contains("shard"));
}

TEST(JsonReporter, OptionsNotRecordedAreLeftOut) {
  RunDescription d;
  d.url = "http://example.test/";
  d.modes = {Mode::async};
  d.concurrency = 8;
  const json::object doc = json::parse(format_json(report_of(d))).as_object();
  const json::object& o = doc.at("options").as_object();
  EXPECT_EQ(o.at("concurrency").as_int64(), 8);
  for (const char* key : {"timeout_s", "connect_timeout_s", "keep_alive", "method", "headers",
                          "trials", "max_header_size", "http_version"}) {
    EXPECT_FALSE(o.contains(key)) << key;
  }
}

TEST(JsonReporter, AShardWritesItsPart) {
  RunDescription d = full_description();
  d.shard = ShardPart{0, 2, std::nullopt, 2, 12.5, 3};
  const json::object doc = json::parse(format_json(report_of(d))).as_object();
  const json::object& shard = doc.at("shard").as_object();
  EXPECT_EQ(shard.at("index").as_int64(), 0);
  EXPECT_EQ(shard.at("count").as_int64(), 2);
  EXPECT_TRUE(shard.at("requests").is_null());
  EXPECT_EQ(shard.at("concurrency").as_int64(), 2);
  EXPECT_DOUBLE_EQ(shard.at("rate").to_number<double>(), 12.5);
  EXPECT_EQ(shard.at("warmup_requests").as_int64(), 3);
}

TEST(CsvReporter, AHeaderAndARowPerRun) {
  const auto lines = lines_of(format_csv(report_of(full_description())));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0],
            "mode,trial,requests,succeeded,failed,elapsed_s,rps,p50_ms,p90_ms,p99_ms,mean_ms,"
            "min_ms,max_ms,bytes_received,connections,cpu_s,started_at,ended_at,total_rps,dropped,"
            "protocol,streams_per_connection");
  EXPECT_EQ(lines[1].rfind("async,1,40,40,0,2.000000,20.000,", 0), 0u) << lines[1];
  EXPECT_NE(lines[1].find(",4000,4,"), std::string::npos) << lines[1];
  // The protocol columns come last, so the others keep their positions.
  EXPECT_TRUE(lines[1].ends_with(",h1,1")) << lines[1];
}

// ---- HTTP/2 labels ----

namespace {

// async over HTTP/1.1 against async over HTTP/2 (8 streams on each of 5 connections), compared.
Report http2_comparison() {
  Report report = report_of(full_description());
  RunResult h1 = one_run();
  h1.concurrency_requested = 40;
  RunResult h2 = one_run();
  h2.protocol = Protocol::http2;
  h2.streams_per_connection = 8;
  h2.concurrency_requested = 40;
  h2.connections = 5;
  h2.elapsed_s = 1;
  set_rates(h2);
  report.runs = {h1, h2};
  report.description.modes = {Mode::async, Mode::async};
  report.description.protocols = {Protocol::http1, Protocol::http2};
  report.description.streams = 8;
  report.description.compare = true;
  report.comparison = compare_runs(report.runs);
  return report;
}

}  // namespace

TEST(TextReporter, Http2RunsAreLabelledWithTheirProtocolAndShape) {
  const std::string text = format_text(http2_comparison());
  EXPECT_NE(text.find("[async:h1] 40 requests in"), std::string::npos) << text;
  EXPECT_NE(text.find("[async:h2] 40 requests in"), std::string::npos) << text;
  EXPECT_NE(text.find("  protocol   HTTP/2, 5 connections x 8 streams\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("  protocol   HTTP/1.1, one request at a time per connection\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Comparison (baseline: async:h1)"), std::string::npos) << text;
  EXPECT_NE(text.find("  async:h1    "), std::string::npos) << text;
  EXPECT_NE(text.find("  async:h2    "), std::string::npos) << text;
  EXPECT_NE(text.find("2.00x faster"), std::string::npos) << text;
}

TEST(TextReporter, Http1RunsAloneReadAsBefore) {
  Report report = http2_comparison();
  report.runs[1].protocol = Protocol::http1;
  report.runs[1].streams_per_connection = 1;
  report.runs[0].mode = Mode::sync;
  report.comparison = compare_runs(report.runs);
  const std::string text = format_text(report);
  EXPECT_EQ(text.find("h1"), std::string::npos) << text;
  EXPECT_EQ(text.find("h2"), std::string::npos) << text;
  EXPECT_EQ(text.find("protocol"), std::string::npos) << text;
  EXPECT_NE(text.find("[sync] 40 requests"), std::string::npos) << text;
  EXPECT_NE(text.find("Comparison (baseline: sync)\n  mode     "), std::string::npos) << text;
}

TEST(TextReporter, TheResetCategoryShowsLikeTheOthers) {
  Report report = report_of(full_description());
  RunResult& r = report.runs[0];
  r.protocol = Protocol::http2;
  r.failed = 3;
  r.succeeded -= 3;
  r.errors[static_cast<std::size_t>(ErrorKind::reset)] = 3;
  r.error_examples[static_cast<std::size_t>(ErrorKind::reset)] = "stream reset: REFUSED_STREAM";
  const std::string text = format_text(report);
  EXPECT_NE(text.find("failed     3 (reset 3)"), std::string::npos) << text;
  EXPECT_NE(text.find("    reset: stream reset: REFUSED_STREAM"), std::string::npos) << text;
  const json::value doc = json::parse(format_json(report));
  EXPECT_EQ(doc.at("runs").at(0).at("errors").at("reset").to_number<int>(), 3);
  EXPECT_EQ(doc.at("runs").at(0).at("error_examples").at("reset").as_string(),
            "stream reset: REFUSED_STREAM");
}

TEST(CsvReporter, Http2RowsSayTheirProtocolAndStreams) {
  const auto lines = lines_of(format_csv(http2_comparison()));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(lines[1].starts_with("async,1,")) << lines[1];
  EXPECT_TRUE(lines[1].ends_with(",h1,1")) << lines[1];
  EXPECT_TRUE(lines[2].starts_with("async,1,")) << lines[2];
  EXPECT_TRUE(lines[2].ends_with(",h2,8")) << lines[2];
}

TEST(JsonReporter, Http2RunsAndOptions) {
  const json::value doc = json::parse(format_json(http2_comparison()));
  EXPECT_EQ(doc.at("runs").at(0).at("protocol").as_string(), "h1");
  EXPECT_EQ(doc.at("runs").at(1).at("protocol").as_string(), "h2");
  EXPECT_EQ(doc.at("runs").at(1).at("streams_per_connection").to_number<int>(), 8);
  EXPECT_EQ(doc.at("runs").at(1).at("connections").to_number<int>(), 5);
  EXPECT_EQ(doc.at("options").at("protocols"), (json::array{"h1", "h2"}));
  EXPECT_EQ(doc.at("options").at("streams").to_number<int>(), 8);
  EXPECT_EQ(doc.at("comparison").at("baseline").as_string(), "async:h1");
  EXPECT_DOUBLE_EQ(doc.at("comparison").at("speedup").at("async:h2").to_number<double>(), 2.0);
}

TEST(HtmlReporter, Http2RunsAreLabelledWithTheirProtocol) {
  const std::string html = format_html(http2_comparison());
  EXPECT_NE(html.find("data-series=\"async:h1\""), std::string::npos);
  EXPECT_NE(html.find("data-series=\"async:h2\""), std::string::npos);
  EXPECT_NE(html.find("data-mode=\"async:h2\""), std::string::npos);
  EXPECT_NE(html.find("<tr><th>modes</th><td>async:h1, async:h2</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("<tr><th>HTTP/2 streams per connection</th><td>8</td></tr>"),
            std::string::npos);
  EXPECT_NE(html.find("--compare async,async:h2"), std::string::npos);
  // HTTP/1.x runs alone keep their plain labels.
  const std::string h1 = format_html(report_of(full_description()));
  EXPECT_NE(h1.find("data-series=\"async\""), std::string::npos);
  EXPECT_EQ(h1.find("async:h1"), std::string::npos);
}
