// The JSON result format in both directions: a RunResult and a run description with every field
// set to a distinct value are written and read back equal, field by field (the figures the format
// recomputes from histograms are compared with their recomputation); version-1 documents still
// read; a mistyped or missing key is an error naming it, never a 0.
#include "httpbench/report/result_json.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <tuple>

#include <fmt/format.h>
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

using Buckets = std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>>;

Buckets buckets_of(const Histogram& h) {
  Buckets out;
  h.for_each_bucket([&](std::uint64_t low, std::uint64_t high, std::uint64_t n) {
    out.emplace_back(low, high, n);
  });
  return out;
}

// A histogram of `n` values from `base_ns` on, distinct per use. The format carries histograms at
// bucket precision (each count at its bucket's upper bound), so the values are recorded there.
Histogram histogram_of(std::uint64_t base_ns, int n) {
  Histogram h;
  for (int i = 0; i < n; ++i)
    h.record(base_ns + static_cast<std::uint64_t>(i) * base_ns / 7);
  Histogram at_bounds;
  h.for_each_bucket([&](std::uint64_t, std::uint64_t high, std::uint64_t count) {
    at_bounds.record(high, count);
  });
  return at_bounds;
}

LatencySummary distinct_latency(double base) {
  LatencySummary l;
  l.min = base + 0.1;
  l.mean = base + 0.2;
  l.stdev = base + 0.3;
  l.p50 = base + 0.4;
  l.p75 = base + 0.5;
  l.p90 = base + 0.6;
  l.p95 = base + 0.7;
  l.p99 = base + 0.8;
  l.p999 = base + 0.9;
  l.p9999 = base + 1.1;
  l.max = base + 1.2;
  return l;
}

void expect_latency_eq(const LatencySummary& a, const LatencySummary& b, const char* what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(a.min, b.min);
  EXPECT_EQ(a.mean, b.mean);
  EXPECT_EQ(a.stdev, b.stdev);
  EXPECT_EQ(a.p50, b.p50);
  EXPECT_EQ(a.p75, b.p75);
  EXPECT_EQ(a.p90, b.p90);
  EXPECT_EQ(a.p95, b.p95);
  EXPECT_EQ(a.p99, b.p99);
  EXPECT_EQ(a.p999, b.p999);
  EXPECT_EQ(a.p9999, b.p9999);
  EXPECT_EQ(a.max, b.max);
}

Timeline distinct_timeline() {
  std::vector<Timeline::Slot> slots(3);
  for (std::size_t i = 0; i < slots.size(); ++i) {
    Timeline::Slot& s = slots[i];
    for (std::uint64_t k = 0; k < 5 + i; ++k)
      s.record((100 + 37 * k + 1000 * i) * 1000, 10 + k);
    s.errors = 2 + i;
    s.span_ns = 250'000'000;
  }
  return Timeline::from_slots(250ms, std::move(slots));
}

// Every field set, each to a value no other field has and no default is.
RunResult distinct_run() {
  RunResult r;
  r.mode = Mode::threads;
  r.protocol = Protocol::http2;
  r.streams_per_connection = 7;
  r.succeeded = 1001;
  r.failed = 17;
  r.requests = r.succeeded + r.failed;
  r.dropped = 5;
  r.aborted = 3;
  for (ErrorKind k : kAllErrorKinds) {
    const auto i = static_cast<std::size_t>(k);
    r.errors[i] = 100 + i;
    r.error_examples[i] = fmt::format("example {}", i);
  }
  r.status_codes = {{200, 990}, {204, 11}, {503, 4}};
  r.elapsed_s = 12.375;
  r.rps = 80.8888;
  r.total_rps = 82.2222;
  r.bytes_received = 123456;
  r.connections = 23;
  r.cpu_s = 1.625;
  r.latency = distinct_latency(1);
  r.service_time = distinct_latency(2);
  r.connect_time = distinct_latency(3);
  r.histogram = histogram_of(1'000'000, 40);
  r.service_histogram = histogram_of(900'000, 30);
  r.connect_histogram = histogram_of(50'000, 20);
  r.tls_handshake_histogram = histogram_of(300'000, 10);
  r.ttfb_histogram = histogram_of(700'000, 35);
  r.body_histogram = histogram_of(40'000, 25);
  r.loop_lag_histogram = histogram_of(10'000'000, 15);
  // Recomputed from their histograms when read.
  r.tls_handshake_time = summarize_latency(r.tls_handshake_histogram);
  r.ttfb_time = summarize_latency(r.ttfb_histogram);
  r.body_time = summarize_latency(r.body_histogram);
  r.loop_lag = summarize_latency(r.loop_lag_histogram);
  r.timeline = distinct_timeline();
  r.started_at = 1'800'000'000.25;
  r.ended_at = 1'800'000'012.625;
  r.concurrency_requested = 31;
  r.concurrency_mean = 29.5;
  r.concurrency_peak = 33;
  r.connections_reused = 995;
  r.client_threads = 4;
  r.rss_start_kb = 4096;
  r.rss_peak_kb = 8192;
  r.tls_full_handshakes = 7;
  r.tls_resumed_handshakes = 16;
  r.reconnects = 2;
  r.redirects = 9;
  r.cross_origin_redirects = 6;
  r.unfollowed_cross_origin = 8;
  r.after_deadline = 12;
  r.open_loop = true;
  r.target_rate = 90.5;
  r.late_starts = 14;
  r.max_start_lag_ms = 3.75;
  r.interrupted = true;
  return r;
}

void expect_run_eq(const RunResult& a, const RunResult& b) {
  EXPECT_EQ(a.mode, b.mode);
  EXPECT_EQ(a.protocol, b.protocol);
  EXPECT_EQ(a.streams_per_connection, b.streams_per_connection);
  EXPECT_EQ(a.requests, b.requests);
  EXPECT_EQ(a.succeeded, b.succeeded);
  EXPECT_EQ(a.failed, b.failed);
  EXPECT_EQ(a.dropped, b.dropped);
  EXPECT_EQ(a.aborted, b.aborted);
  EXPECT_EQ(a.errors, b.errors);
  EXPECT_EQ(a.error_examples, b.error_examples);
  EXPECT_EQ(a.status_codes, b.status_codes);
  EXPECT_EQ(a.elapsed_s, b.elapsed_s);
  EXPECT_EQ(a.rps, b.rps);
  EXPECT_EQ(a.total_rps, b.total_rps);
  EXPECT_EQ(a.bytes_received, b.bytes_received);
  EXPECT_EQ(a.connections, b.connections);
  EXPECT_EQ(a.cpu_s, b.cpu_s);
  expect_latency_eq(a.latency, b.latency, "latency");
  expect_latency_eq(a.service_time, b.service_time, "service_time");
  expect_latency_eq(a.connect_time, b.connect_time, "connect_time");
  expect_latency_eq(a.tls_handshake_time, b.tls_handshake_time, "tls_handshake_time");
  expect_latency_eq(a.ttfb_time, b.ttfb_time, "ttfb_time");
  expect_latency_eq(a.body_time, b.body_time, "body_time");
  expect_latency_eq(a.loop_lag, b.loop_lag, "loop_lag");
  EXPECT_EQ(buckets_of(a.histogram), buckets_of(b.histogram));
  EXPECT_EQ(buckets_of(a.service_histogram), buckets_of(b.service_histogram));
  EXPECT_EQ(buckets_of(a.connect_histogram), buckets_of(b.connect_histogram));
  EXPECT_EQ(buckets_of(a.tls_handshake_histogram), buckets_of(b.tls_handshake_histogram));
  EXPECT_EQ(buckets_of(a.ttfb_histogram), buckets_of(b.ttfb_histogram));
  EXPECT_EQ(buckets_of(a.body_histogram), buckets_of(b.body_histogram));
  EXPECT_EQ(buckets_of(a.loop_lag_histogram), buckets_of(b.loop_lag_histogram));
  EXPECT_EQ(a.timeline.interval(), b.timeline.interval());
  ASSERT_EQ(a.timeline.slots().size(), b.timeline.slots().size());
  for (std::size_t i = 0; i < a.timeline.slots().size(); ++i) {
    SCOPED_TRACE(i);
    const Timeline::Slot& x = a.timeline.slots()[i];
    const Timeline::Slot& y = b.timeline.slots()[i];
    EXPECT_EQ(x.completed, y.completed);
    EXPECT_EQ(x.errors, y.errors);
    EXPECT_EQ(x.bytes, y.bytes);
    EXPECT_EQ(x.span_ns, y.span_ns);
    EXPECT_EQ(x.min_ns, y.min_ns);
    EXPECT_EQ(x.max_ns, y.max_ns);
    EXPECT_EQ(x.latency, y.latency);
  }
  EXPECT_EQ(a.started_at, b.started_at);
  EXPECT_EQ(a.ended_at, b.ended_at);
  EXPECT_EQ(a.concurrency_requested, b.concurrency_requested);
  EXPECT_EQ(a.concurrency_mean, b.concurrency_mean);
  EXPECT_EQ(a.concurrency_peak, b.concurrency_peak);
  EXPECT_EQ(a.connections_reused, b.connections_reused);
  EXPECT_EQ(a.client_threads, b.client_threads);
  EXPECT_EQ(a.rss_start_kb, b.rss_start_kb);
  EXPECT_EQ(a.rss_peak_kb, b.rss_peak_kb);
  EXPECT_EQ(a.tls_full_handshakes, b.tls_full_handshakes);
  EXPECT_EQ(a.tls_resumed_handshakes, b.tls_resumed_handshakes);
  EXPECT_EQ(a.reconnects, b.reconnects);
  EXPECT_EQ(a.redirects, b.redirects);
  EXPECT_EQ(a.cross_origin_redirects, b.cross_origin_redirects);
  EXPECT_EQ(a.unfollowed_cross_origin, b.unfollowed_cross_origin);
  EXPECT_EQ(a.after_deadline, b.after_deadline);
  EXPECT_EQ(a.open_loop, b.open_loop);
  EXPECT_EQ(a.target_rate, b.target_rate);
  EXPECT_EQ(a.late_starts, b.late_starts);
  EXPECT_EQ(a.max_start_lag_ms, b.max_start_lag_ms);
  EXPECT_EQ(a.interrupted, b.interrupted);
}

// Every field the "options" object carries, set to a distinct value.
RunDescription distinct_description() {
  RunDescription d;
  d.url = "http://example.test:8081/p?q=1";
  d.modes = {Mode::threads, Mode::sync};
  d.compare = true;
  d.protocols = {Protocol::http2, Protocol::http1};
  d.streams = 9;
  d.requests = 777;
  d.duration = 2500ms;
  d.rate = 123.5;
  d.ok_status = "200,204";
  d.ok_status_default = false;
  d.warmup_requests = 11;
  d.warmup_duration = 750ms;
  d.concurrency = 13;
  d.keep_alive = false;
  d.timeout = 4s;
  d.connect_timeout = 1500ms;
  d.max_header_size = 8192;
  d.trials = 6;
  d.method = "PATCH";
  d.headers = std::vector<std::string>{"Host: example.test:8081", "Cookie: ***"};
  d.body_bytes = 321;
  d.http_version = "1.0";
  d.proxy = "http://***@127.0.0.1:3128";
  d.unix_socket = "/run/x.sock";
  d.url_lines = {"GET http://example.test:8081/a", "POST http://example.test:8081/b"};
  return d;
}

json::object document_of(const RunResult& r, const RunDescription& d) {
  Report report;
  report.version = "9.9.9";
  report.description = d;
  report.runs = {r};
  return json::parse(format_json(report)).as_object();
}

}  // namespace

TEST(ResultJson, EveryFieldOfARunRoundTrips) {
  const RunResult r = distinct_run();
  const json::object doc = document_of(r, distinct_description());
  expect_run_eq(r, run_from_json(doc.at("runs").at(0).as_object()));
}

TEST(ResultJson, AClosedLoopRunWithoutTlsOrTimelineRoundTrips) {
  RunResult r = distinct_run();
  r.open_loop = false;
  r.target_rate = 0;
  r.late_starts = 0;
  r.max_start_lag_ms = 0;
  r.service_histogram = Histogram{};
  r.tls_full_handshakes = r.tls_resumed_handshakes = 0;
  r.tls_handshake_histogram = Histogram{};
  r.tls_handshake_time = summarize_latency(r.tls_handshake_histogram);
  r.loop_lag_histogram = Histogram{};
  r.loop_lag = summarize_latency(r.loop_lag_histogram);
  r.timeline = Timeline{};
  r.interrupted = false;
  const json::object run = document_of(r, distinct_description()).at("runs").at(0).as_object();
  EXPECT_FALSE(run.contains("schedule"));
  EXPECT_FALSE(run.contains("tls"));
  EXPECT_FALSE(run.contains("timeline"));
  expect_run_eq(r, run_from_json(run));
}

TEST(ResultJson, TheDescriptionsRecordedFieldsRoundTrip) {
  const RunDescription d = distinct_description();
  const RunDescription back = description_from_json(d.url, options_json(d));
  EXPECT_EQ(back.url, d.url);
  EXPECT_EQ(back.modes, d.modes);
  EXPECT_EQ(back.compare, d.compare);
  EXPECT_EQ(back.protocols, d.protocols);
  EXPECT_EQ(back.streams, d.streams);
  EXPECT_EQ(back.requests, d.requests);
  EXPECT_EQ(back.duration, d.duration);
  EXPECT_EQ(back.rate, d.rate);
  EXPECT_EQ(back.ok_status, d.ok_status);
  EXPECT_EQ(back.ok_status_default, d.ok_status_default);
  EXPECT_EQ(back.warmup_requests, d.warmup_requests);
  EXPECT_EQ(back.warmup_duration, d.warmup_duration);
  EXPECT_EQ(back.concurrency, d.concurrency);
  EXPECT_EQ(back.keep_alive, d.keep_alive);
  EXPECT_EQ(back.timeout, d.timeout);
  EXPECT_EQ(back.connect_timeout, d.connect_timeout);
  EXPECT_EQ(back.max_header_size, d.max_header_size);
  EXPECT_EQ(back.trials, d.trials);
  EXPECT_EQ(back.method, d.method);
  EXPECT_EQ(back.headers, d.headers);
  EXPECT_EQ(back.body_bytes, d.body_bytes);
  EXPECT_EQ(back.http_version, d.http_version);
  EXPECT_EQ(back.proxy, d.proxy);
  EXPECT_EQ(back.unix_socket, d.unix_socket);
  EXPECT_EQ(back.url_lines, d.url_lines);
  // What the format does not carry stays empty, never a default.
  EXPECT_FALSE(back.io_threads);
  EXPECT_FALSE(back.interval);
  EXPECT_FALSE(back.no_dns_lookup);
  EXPECT_FALSE(back.shard);
  EXPECT_TRUE(back.request_target.empty());
  // Written back, the same object.
  EXPECT_EQ(json::serialize(options_json(back)), json::serialize(options_json(d)));
}

TEST(ResultJson, NullableOptionsReadAsNone) {
  RunDescription d = distinct_description();
  d.requests.reset();
  d.duration.reset();
  d.rate = 0;
  d.warmup_duration.reset();
  d.proxy.reset();
  d.unix_socket.reset();
  d.body_bytes.reset();
  const json::object o = options_json(d);
  EXPECT_TRUE(o.at("requests").is_null());
  EXPECT_TRUE(o.at("rate").is_null());
  EXPECT_EQ(o.at("body_bytes").to_number<std::uint64_t>(), 0u);
  const RunDescription back = description_from_json(d.url, o);
  EXPECT_FALSE(back.requests);
  EXPECT_FALSE(back.duration);
  EXPECT_EQ(back.rate, 0);
  EXPECT_FALSE(back.warmup_duration);
  EXPECT_FALSE(back.proxy);
  EXPECT_FALSE(back.unix_socket);
  EXPECT_FALSE(back.body_bytes);
}

TEST(ResultJson, TheShardPartRoundTrips) {
  const ShardPart part{2, 5, 40, 3, 7.5, 4};
  const std::optional<ShardPart> back = shard_from_json(json::object{{"shard", shard_json(part)}});
  ASSERT_TRUE(back);
  EXPECT_EQ(back->index, 2u);
  EXPECT_EQ(back->count, 5u);
  EXPECT_EQ(back->requests, 40u);
  EXPECT_EQ(back->concurrency, 3u);
  EXPECT_EQ(back->rate, 7.5);
  EXPECT_EQ(back->warmup_requests, 4u);
  EXPECT_FALSE(shard_from_json(json::object{}));
  EXPECT_THROW(shard_from_json(json::object{{"shard", json::object{{"index", 5}, {"count", 5}}}}),
               UsageError);
}

TEST(ResultJson, AMistypedOrMissingKeyIsAnErrorNamingIt) {
  const json::object good =
      document_of(distinct_run(), distinct_description()).at("runs").at(0).as_object();
  const auto error_of = [](const json::object& run) -> std::string {
    try {
      run_from_json(run);
    } catch (const UsageError& e) {
      return e.what();
    }
    return "no error";
  };
  for (const char* key : {"requests", "succeeded", "failed", "bytes_received", "connections",
                          "elapsed_s", "rps", "latency_ms", "errors", "status_codes", "mode"}) {
    json::object run = good;
    run.erase(key);
    EXPECT_EQ(error_of(run), fmt::format("key '{}' is missing", key));
  }
  const std::pair<const char*, const char*> mistyped[] = {
      {"requests", "key 'requests' is not a count"},
      {"aborted", "key 'aborted' is not a count"},
      {"cpu_s", "key 'cpu_s' is not a number"},
      {"interrupted", "key 'interrupted' is not true or false"},
      {"error_examples", "key 'error_examples' is not an object"},
      {"concurrency", "key 'concurrency' is not an object"},
      {"client", "key 'client' is not an object"},
      {"schedule", "key 'schedule' is not an object"},
      {"histogram", "key 'histogram' is not an array"}};
  for (const auto& [key, message] : mistyped) {
    json::object run = good;
    run[key] = "10";
    EXPECT_EQ(error_of(run), message) << key;
  }
  json::object options = options_json(distinct_description());
  options["keep_alive"] = "yes";
  EXPECT_THROW(description_from_json("http://x/", options), UsageError);
}

TEST(ResultJson, DocumentsOfVersionOneStillRead) {
  // A version-1 run: no total_rps (rps counted every request that ended), no insight figures.
  const std::string v1 = R"({"tool":"httpbench","schema_version":1,"url":"http://h/","options":{},
    "runs":[{"mode":"async","requests":10,"succeeded":10,"failed":0,"errors":{},
    "status_codes":{"200":10},"elapsed_s":2,"rps":5,"bytes_received":100,"connections":1,
    "latency_ms":{"min":1,"mean":1,"stdev":0,"p50":1,"p75":1,"p90":1,"p95":1,"p99":1,
    "p99_9":1,"p99_99":1,"max":1}}]})";
  const json::object doc = parse_result_document(v1, "v1.json");
  const RunResult r = run_from_json(doc.at("runs").at(0).as_object());
  EXPECT_EQ(r.requests, 10u);
  EXPECT_EQ(r.total_rps, 5);
  EXPECT_EQ(r.client_threads, 1u);
  EXPECT_THROW(parse_result_document(R"({"tool":"httpbench","schema_version":3,"runs":[]})", "x"),
               UsageError);
  EXPECT_THROW(parse_result_document("{", "x"), UsageError);
}

// httpbench merge refuses a mistyped key with exit 2 and one line naming the file and the key.
TEST(ResultJson, MergeNamesTheFileAndTheMistypedKey) {
  json::object doc = document_of(distinct_run(), distinct_description());
  doc["runs"].as_array()[0].as_object()["interrupted"] = 1;
  const std::string path = private_temp_path("result_json_mistyped.json");
  std::ofstream(path, std::ios::trunc) << json::serialize(doc);
  const Outcome o = run_inprocess({"merge", path});
  EXPECT_EQ(o.code, kExitUsage);
  EXPECT_EQ(o.err, fmt::format("httpbench: '{}': key 'interrupted' is not true or false\n", path));
  std::remove(path.c_str());
}

// ---- HTTP/2 ----

TEST(ResultJson, ARunSaysItsProtocolAndStreams) {
  RunResult r = distinct_run();
  r.mode = Mode::async;
  r.protocol = Protocol::http2;
  r.streams_per_connection = 8;
  r.connections = 5;
  const json::object run = document_of(r, distinct_description()).at("runs").at(0).as_object();
  EXPECT_EQ(run.at("protocol").as_string(), "h2");
  EXPECT_EQ(run.at("streams_per_connection").to_number<std::uint64_t>(), 8u);
  EXPECT_EQ(run.at("connections").to_number<std::uint64_t>(), 5u);
  const RunResult back = run_from_json(run);
  EXPECT_EQ(back.protocol, Protocol::http2);
  EXPECT_EQ(back.streams_per_connection, 8u);
  EXPECT_EQ(back.connections, 5u);
  // An HTTP/1.x run says so too.
  r.protocol = Protocol::http1;
  r.streams_per_connection = 1;
  const json::object h1 = document_of(r, distinct_description()).at("runs").at(0).as_object();
  EXPECT_EQ(h1.at("protocol").as_string(), "h1");
  EXPECT_EQ(h1.at("streams_per_connection").to_number<std::uint64_t>(), 1u);
}

TEST(ResultJson, FilesWrittenBeforeHttp2ReadAsHttp1) {
  json::object run =
      document_of(distinct_run(), distinct_description()).at("runs").at(0).as_object();
  run.erase("protocol");
  run.erase("streams_per_connection");
  const RunResult back = run_from_json(run);
  EXPECT_EQ(back.protocol, Protocol::http1);
  EXPECT_EQ(back.streams_per_connection, 1u);
  json::object options = options_json(distinct_description());
  options.erase("protocols");
  options.erase("streams");
  const RunDescription d = description_from_json("http://x/", options);
  EXPECT_TRUE(d.protocols.empty());
  EXPECT_EQ(d.protocol_of(0), Protocol::http1);
  EXPECT_EQ(d.protocol_of(1), Protocol::http1);
  EXPECT_FALSE(d.streams);
}

TEST(ResultJson, AWrongProtocolIsAnErrorNamingTheKey) {
  json::object run =
      document_of(distinct_run(), distinct_description()).at("runs").at(0).as_object();
  const auto error_of = [](const json::object& o) -> std::string {
    try {
      run_from_json(o);
    } catch (const UsageError& e) {
      return e.what();
    }
    return "no error";
  };
  run["protocol"] = "h3";
  EXPECT_EQ(error_of(run), "key 'protocol' is not h1 or h2");
  run["protocol"] = 2;
  EXPECT_EQ(error_of(run), "key 'protocol' is not a string");
  run["protocol"] = "h2";
  run["streams_per_connection"] = 0;
  EXPECT_EQ(error_of(run), "key 'streams_per_connection' is out of range");
  json::object options = options_json(distinct_description());
  options["protocols"] = json::array{"h2"};  // two modes
  EXPECT_THROW(description_from_json("http://x/", options), UsageError);
  options["protocols"] = json::array{"h2", "spdy"};
  EXPECT_THROW(description_from_json("http://x/", options), UsageError);
}

TEST(ResultJson, OptionsRecordTheProtocolsAndStreams) {
  RunDescription d = distinct_description();
  json::object o = options_json(d);
  ASSERT_TRUE(o.at("protocols").is_array());
  EXPECT_EQ(o.at("protocols").as_array(), (json::array{"h2", "h1"}));
  EXPECT_EQ(o.at("streams").to_number<std::uint64_t>(), 9u);
  // No HTTP/2 run: the options read as before HTTP/2, and back as HTTP/1.x.
  d.protocols = {Protocol::http1, Protocol::http1};
  d.streams.reset();
  o = options_json(d);
  EXPECT_FALSE(o.contains("streams"));
  EXPECT_FALSE(o.contains("protocols"));
  const RunDescription back = description_from_json(d.url, o);
  EXPECT_EQ(back.protocol_of(0), Protocol::http1);
  EXPECT_EQ(back.protocol_of(1), Protocol::http1);
  EXPECT_FALSE(back.streams);
}

TEST(ResultJson, TheComparisonIsKeyedByLabelsWhenARunIsHttp2) {
  RunResult h1 = distinct_run();
  h1.mode = Mode::async;
  RunResult h2 = h1;
  h1.protocol = Protocol::http1;
  h2.protocol = Protocol::http2;
  h2.streams_per_connection = 8;
  Report report;
  report.version = "9.9.9";
  report.description = distinct_description();
  report.runs = {h1, h2};
  report.comparison = compare_runs(report.runs);
  json::object doc = json::parse(format_json(report)).as_object();
  const json::object& c = doc.at("comparison").as_object();
  EXPECT_EQ(c.at("baseline").as_string(), "async:h1");
  EXPECT_EQ(c.at("baseline_protocol").as_string(), "h1");
  EXPECT_TRUE(c.at("speedup").as_object().contains("async:h2"));
  EXPECT_TRUE(c.at("time_saved_pct").as_object().contains("async:h2"));
  // HTTP/1.x runs alone keep the plain mode names.
  h2.protocol = Protocol::http1;
  h2.mode = Mode::sync;
  report.runs = {h2, h1};
  report.comparison = compare_runs(report.runs);
  doc = json::parse(format_json(report)).as_object();
  EXPECT_EQ(doc.at("comparison").at("baseline").as_string(), "sync");
  EXPECT_TRUE(doc.at("comparison").at("speedup").as_object().contains("async"));
}
