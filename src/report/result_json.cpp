#include "httpbench/report/result_json.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>

#include <fmt/format.h>
#include <boost/json/parse.hpp>

#include "httpbench/report/timeline_json.hpp"
#include "httpbench/stats/error.hpp"
#include "httpbench/stats/status_rule.hpp"

namespace httpbench {

namespace json = boost::json;

namespace {

// ---- reading: typed access, every wrong type an error naming the key ----

const json::value& at(const json::object& o, std::string_view key) {
  return required_value(o, key);
}

double as_number(const json::value& v, std::string_view key) {
  if (v.is_double()) return v.get_double();
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  bad_result_key(key, "is not a number");
}

double number(const json::object& o, std::string_view key) {
  return as_number(at(o, key), key);
}

double number_or(const json::object& o, std::string_view key, double fallback) {
  const json::value* v = o.if_contains(key);
  return v && !v->is_null() ? as_number(*v, key) : fallback;
}

std::uint64_t as_count(const json::value& v, std::string_view key) {
  if (v.is_uint64()) return v.get_uint64();
  if (v.is_int64() && v.get_int64() >= 0) return static_cast<std::uint64_t>(v.get_int64());
  bad_result_key(key, "is not a count");
}

std::uint64_t count(const json::object& o, std::string_view key) {
  return as_count(at(o, key), key);
}

std::uint64_t count_or(const json::object& o, std::string_view key, std::uint64_t fallback) {
  const json::value* v = o.if_contains(key);
  return v ? as_count(*v, key) : fallback;
}

const json::object* optional_object(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return nullptr;
  if (!v->is_object()) bad_result_key(key, "is not an object");
  return &v->get_object();
}

std::chrono::nanoseconds from_seconds(double s) {
  return std::chrono::nanoseconds(std::llround(s * 1e9));
}

// Optional keys of an "options" object: absent (or null) leaves the field empty; a value of the
// wrong type is an error naming the key.
std::optional<std::string> optional_string(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_string()) bad_result_key(key, "is not a string");
  return std::string(v->get_string());
}
std::optional<std::uint64_t> optional_count(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  return as_count(*v, key);
}
std::optional<std::chrono::nanoseconds> optional_seconds(const json::object& o,
                                                         std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  return from_seconds(as_number(*v, key));
}

double seconds(std::chrono::nanoseconds d) {
  return static_cast<double>(d.count()) / 1e9;
}

// A value or null.
template <class T>
json::value or_null(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}
json::value seconds_or_null(const std::optional<std::chrono::nanoseconds>& d) {
  return d ? json::value(seconds(*d)) : json::value(nullptr);
}

}  // namespace

// ---- writing ----

json::object latency_json(const LatencySummary& l) {
  return {{"min", l.min},    {"mean", l.mean},    {"stdev", l.stdev}, {"p50", l.p50},
          {"p75", l.p75},    {"p90", l.p90},      {"p95", l.p95},     {"p99", l.p99},
          {"p99_9", l.p999}, {"p99_99", l.p9999}, {"max", l.max}};
}

// [[upper_bound_us, count], ...]: each bucket's upper bound, which merge reads back into the
// same bucket.
json::array histogram_json(const Histogram& h) {
  json::array buckets;
  h.for_each_bucket([&](std::uint64_t, std::uint64_t high, std::uint64_t count) {
    buckets.push_back(json::array{static_cast<double>(high) / 1e3, count});
  });
  return buckets;
}

json::object run_json(const RunResult& r) {
  json::object errors;
  json::object error_examples;
  for (ErrorKind k : kAllErrorKinds) {
    errors[kind_name(k)] = r.error_count(k);
    const std::string& example = r.error_examples[static_cast<std::size_t>(k)];
    if (!example.empty()) error_examples[kind_name(k)] = example;
  }
  json::object status_codes;
  for (const auto& [code, count] : r.status_codes)
    status_codes[std::to_string(code)] = count;
  json::array histogram = histogram_json(r.histogram);
  json::object run{{"mode", mode_name(r.mode)},
                   {"protocol", protocol_name(r.protocol)},
                   {"streams_per_connection", r.streams_per_connection},
                   {"requests", r.requests},
                   {"succeeded", r.succeeded},
                   {"failed", r.failed},
                   {"aborted", r.aborted},
                   {"dropped", r.dropped},
                   {"errors", std::move(errors)},
                   {"error_examples", std::move(error_examples)},
                   {"status_codes", std::move(status_codes)},
                   {"elapsed_s", r.elapsed_s},
                   // Succeeded per second; total_rps counts the failed too.
                   {"rps", r.rps},
                   {"total_rps", r.total_rps},
                   {"bytes_received", r.bytes_received},
                   {"connections", r.connections},
                   {"latency_ms", latency_json(r.latency)},
                   {"service_time_ms", latency_json(r.service_time)},
                   {"connect_ms", latency_json(r.connect_time)},
                   {"histogram", std::move(histogram)},
                   {"after_deadline", r.after_deadline},
                   {"reconnects", r.reconnects},
                   {"redirects", r.redirects},
                   {"cross_origin_redirects", r.cross_origin_redirects},
                   {"unfollowed_cross_origin_redirects", r.unfollowed_cross_origin},
                   {"cpu_s", r.cpu_s},
                   {"interrupted", r.interrupted}};
  run["connect_histogram"] = histogram_json(r.connect_histogram);
  run["ttfb_histogram"] = histogram_json(r.ttfb_histogram);
  run["body_histogram"] = histogram_json(r.body_histogram);
  if (r.tls_handshake_histogram.count() != 0) {
    run["tls_handshake_histogram"] = histogram_json(r.tls_handshake_histogram);
  }
  if (r.loop_lag_histogram.count() != 0) {
    run["loop_lag_histogram"] = histogram_json(r.loop_lag_histogram);
  }
  if (r.open_loop) run["service_histogram"] = histogram_json(r.service_histogram);
  run["started_at"] = r.started_at;
  run["ended_at"] = r.ended_at;
  if (r.timeline.started()) {
    run["timeline_interval_s"] = static_cast<double>(r.timeline.interval().count()) / 1e9;
    run["timeline"] = timeline_json(r.timeline);
  }
  if (r.tls_full_handshakes + r.tls_resumed_handshakes != 0) {
    run["tls"] = json::object{{"full_handshakes", r.tls_full_handshakes},
                              {"resumed_handshakes", r.tls_resumed_handshakes},
                              {"handshake_ms", latency_json(r.tls_handshake_time)}};
  }
  if (r.open_loop) {
    run["schedule"] = json::object{{"target_rate", r.target_rate},
                                   {"achieved_rate", r.total_rps},
                                   {"late_starts", r.late_starts},
                                   {"max_start_lag_ms", r.max_start_lag_ms}};
  }
  return run;
}

// The run's "options": every key a run records; a merge writes only those its files recorded
// (the nullable ones as null when they did not).
json::object options_json(const RunDescription& d) {
  json::object o;
  json::array modes;
  for (Mode m : d.modes)
    modes.emplace_back(mode_name(m));
  o["modes"] = std::move(modes);
  o["compare"] = d.compare;
  // Only when some run is HTTP/2, so that the options of HTTP/1.x runs read as they always have
  // (absent: every mode "h1"): the protocol of each entry of "modes", and the HTTP/2 streams per
  // connection asked for.
  const bool http2 = std::any_of(d.protocols.begin(), d.protocols.end(),
                                 [](Protocol p) { return p == Protocol::http2; });
  if (http2) {
    json::array protocols;
    for (Protocol p : d.protocols)
      protocols.emplace_back(protocol_name(p));
    o["protocols"] = std::move(protocols);
    o["streams"] = or_null(d.streams);
  }
  // null: bounded by the duration only.
  o["requests"] = or_null(d.requests);
  o["duration_s"] = seconds_or_null(d.duration);
  // null in closed loop: no rate applies.
  o["rate"] = d.rate > 0 ? json::value(d.rate) : json::value(nullptr);
  if (d.ok_status) o["ok_status"] = *d.ok_status;
  if (d.warmup_requests) o["warmup_requests"] = *d.warmup_requests;
  o["warmup_s"] = seconds_or_null(d.warmup_duration);
  if (d.concurrency) o["concurrency"] = *d.concurrency;
  if (d.keep_alive) o["keep_alive"] = *d.keep_alive;
  if (d.timeout) o["timeout_s"] = seconds(*d.timeout);
  if (d.connect_timeout) o["connect_timeout_s"] = seconds(*d.connect_timeout);
  if (d.max_header_size) o["max_header_size"] = *d.max_header_size;
  if (d.trials) o["trials"] = *d.trials;
  if (d.method) o["method"] = *d.method;
  // As sent, defaults included; credentials redacted.
  if (d.headers) o["headers"] = json::array(d.headers->begin(), d.headers->end());
  o["body_bytes"] = d.body_bytes.value_or(0);
  if (d.http_version) o["http_version"] = *d.http_version;
  // "http://HOST:PORT" ("http://***@HOST:PORT" with credentials) or null.
  o["proxy"] = or_null(d.proxy);
  o["unix_socket"] = or_null(d.unix_socket);
  if (!d.url_lines.empty()) o["urls"] = json::array(d.url_lines.begin(), d.url_lines.end());
  return o;
}

// A shard's part of the run, beside the whole run's "options".
json::object shard_json(const ShardPart& part) {
  return {{"index", part.index},
          {"count", part.count},
          {"requests", or_null(part.requests)},
          {"concurrency", part.concurrency},
          {"rate", part.rate},
          {"warmup_requests", part.warmup_requests}};
}

// ---- reading ----

[[noreturn]] void bad_result_key(std::string_view key, std::string_view why) {
  throw UsageError(fmt::format("key '{}' {}", key, why));
}

const json::value& required_value(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) bad_result_key(key, "is missing");
  return *v;
}

double required_number(const json::object& o, std::string_view key) {
  return as_number(required_value(o, key), key);
}

std::string required_string(const json::object& o, std::string_view key) {
  const json::value& v = required_value(o, key);
  if (!v.is_string()) bad_result_key(key, "is not a string");
  return std::string(v.get_string());
}

const json::object& required_object(const json::object& o, std::string_view key) {
  const json::value& v = required_value(o, key);
  if (!v.is_object()) bad_result_key(key, "is not an object");
  return v.get_object();
}

const json::array& required_array(const json::object& o, std::string_view key) {
  const json::value& v = required_value(o, key);
  if (!v.is_array()) bad_result_key(key, "is not an array");
  return v.get_array();
}

std::optional<bool> optional_bool(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_bool()) bad_result_key(key, "is not true or false");
  return v->get_bool();
}

json::object parse_result_document(std::string_view text, std::string_view path) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec) throw UsageError(fmt::format("'{}' is not JSON: {}", path, ec.message()));
  const json::object* o = doc.if_object();
  const json::value* tool = o ? o->if_contains("tool") : nullptr;
  if (!tool || !tool->is_string() || tool->get_string() != "httpbench") {
    throw UsageError(fmt::format("'{}' is not an httpbench result", path));
  }
  const json::value* schema = o->if_contains("schema_version");
  // Version 1 counted every status as a success and rps as all that ended; its files still read
  // (a baseline saved before the change), with those meanings.
  if (!schema || !schema->is_int64() || schema->get_int64() < 1 ||
      schema->get_int64() > kSchemaVersion) {
    throw UsageError(
        fmt::format("'{}': unsupported schema_version (expected 1 to {})", path, kSchemaVersion));
  }
  const json::value* runs = o->if_contains("runs");
  if (!runs || !runs->is_array()) {
    throw UsageError(fmt::format("'{}': key 'runs' is missing", path));
  }
  return std::move(doc.get_object());
}

LatencySummary latency_from_json(const json::object& o) {
  LatencySummary l;
  l.min = number(o, "min");
  l.mean = number(o, "mean");
  l.stdev = number(o, "stdev");
  l.p50 = number(o, "p50");
  l.p75 = number(o, "p75");
  l.p90 = number(o, "p90");
  l.p95 = number(o, "p95");
  l.p99 = number(o, "p99");
  l.p999 = number(o, "p99_9");
  l.p9999 = number(o, "p99_99");
  l.max = number(o, "max");
  return l;
}

Histogram histogram_from_json(const json::object& run, std::string_view key) {
  Histogram h;
  const json::value* v = run.if_contains(key);
  if (!v) return h;
  if (!v->is_array()) bad_result_key(key, "is not an array");
  for (const json::value& bucket : v->get_array()) {
    if (!bucket.is_array() || bucket.get_array().size() != 2) {
      bad_result_key(key, "holds an entry that is not [upper_bound_us, count]");
    }
    const double upper_us = as_number(bucket.get_array()[0], key);
    if (!(upper_us >= 0)) bad_result_key(key, "holds a negative bound");
    // The bound was written as ns / 1000, so rounding back gives the exact bucket bound.
    h.record(static_cast<std::uint64_t>(std::llround(upper_us * 1e3)),
             as_count(bucket.get_array()[1], key));
  }
  return h;
}

RunResult run_from_json(const json::object& o) {
  RunResult r;
  const json::value& mode = required_value(o, "mode");
  if (!mode.is_string()) bad_result_key("mode", "is not a string");
  r.mode = parse_mode(mode.get_string());
  // Files written before HTTP/2 ran HTTP/1.x, one request at a time per connection.
  if (auto protocol = optional_string(o, "protocol")) {
    try {
      r.protocol = parse_protocol(*protocol);
    } catch (const UsageError&) {
      bad_result_key("protocol", "is not h1 or h2");
    }
  }
  const std::uint64_t streams = count_or(o, "streams_per_connection", 1);
  if (streams == 0 || streams > std::numeric_limits<std::uint32_t>::max()) {
    bad_result_key("streams_per_connection", "is out of range");
  }
  r.streams_per_connection = static_cast<std::uint32_t>(streams);
  r.requests = count(o, "requests");
  r.succeeded = count(o, "succeeded");
  r.failed = count(o, "failed");
  r.aborted = count_or(o, "aborted", 0);
  const json::object& errors = required_object(o, "errors");
  for (ErrorKind k : kAllErrorKinds) {
    r.errors[static_cast<std::size_t>(k)] = count_or(errors, kind_name(k), 0);
  }
  if (const json::object* examples = optional_object(o, "error_examples")) {
    for (ErrorKind k : kAllErrorKinds) {
      if (auto e = optional_string(*examples, kind_name(k))) {
        r.error_examples[static_cast<std::size_t>(k)] = std::move(*e);
      }
    }
  }
  for (const auto& [code, n] : required_object(o, "status_codes")) {
    unsigned status = 0;
    const std::string_view text = code;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), status);
    if (ec != std::errc{} || ptr != text.data() + text.size()) {
      bad_result_key("status_codes", "has a key that is not a status code");
    }
    r.status_codes[status] = as_count(n, "status_codes");
  }
  r.elapsed_s = number(o, "elapsed_s");
  r.rps = number(o, "rps");
  r.total_rps = number_or(o, "total_rps", r.rps);
  r.dropped = count_or(o, "dropped", 0);
  r.unfollowed_cross_origin = count_or(o, "unfollowed_cross_origin_redirects", 0);
  r.bytes_received = count(o, "bytes_received");
  r.connections = count(o, "connections");
  r.cpu_s = number_or(o, "cpu_s", 0);
  r.latency = latency_from_json(required_object(o, "latency_ms"));
  if (o.contains("service_time_ms"))
    r.service_time = latency_from_json(required_object(o, "service_time_ms"));
  if (o.contains("connect_ms"))
    r.connect_time = latency_from_json(required_object(o, "connect_ms"));
  r.histogram = histogram_from_json(o, "histogram");
  r.service_histogram = histogram_from_json(o, "service_histogram");
  r.connect_histogram = histogram_from_json(o, "connect_histogram");
  // The insight figures (absent from files of older versions: zero).
  r.ttfb_histogram = histogram_from_json(o, "ttfb_histogram");
  r.body_histogram = histogram_from_json(o, "body_histogram");
  r.tls_handshake_histogram = histogram_from_json(o, "tls_handshake_histogram");
  r.loop_lag_histogram = histogram_from_json(o, "loop_lag_histogram");
  r.ttfb_time = summarize_latency(r.ttfb_histogram);
  r.body_time = summarize_latency(r.body_histogram);
  r.tls_handshake_time = summarize_latency(r.tls_handshake_histogram);
  r.loop_lag = summarize_latency(r.loop_lag_histogram);
  if (const json::object* c = optional_object(o, "concurrency")) {
    r.concurrency_requested = count_or(*c, "requested", 0);
    r.concurrency_mean = number_or(*c, "achieved_mean", 0);
    r.concurrency_peak = count_or(*c, "achieved_peak", 0);
  }
  if (const json::object* c = optional_object(o, "connection_use")) {
    r.connections_reused = count_or(*c, "reused", 0);
  }
  if (const json::object* c = optional_object(o, "client")) {
    r.client_threads = count_or(*c, "threads", 1);
  }
  if (const json::object* m = optional_object(o, "resources")) {
    r.rss_start_kb = count_or(*m, "rss_start_kb", 0);
    r.rss_peak_kb = count_or(*m, "rss_peak_kb", 0);
  }
  r.after_deadline = count_or(o, "after_deadline", 0);
  r.reconnects = count_or(o, "reconnects", 0);
  r.redirects = count_or(o, "redirects", 0);
  r.cross_origin_redirects = count_or(o, "cross_origin_redirects", 0);
  if (const json::object* t = optional_object(o, "tls")) {
    r.tls_full_handshakes = count_or(*t, "full_handshakes", 0);
    r.tls_resumed_handshakes = count_or(*t, "resumed_handshakes", 0);
  }
  if (const json::object* s = optional_object(o, "schedule")) {
    r.open_loop = true;
    r.target_rate = number_or(*s, "target_rate", 0);
    r.late_starts = count_or(*s, "late_starts", 0);
    r.max_start_lag_ms = number_or(*s, "max_start_lag_ms", 0);
  }
  r.started_at = number_or(o, "started_at", 0);
  r.ended_at = number_or(o, "ended_at", 0);
  r.timeline = timeline_from_json(o);
  r.interrupted = optional_bool(o, "interrupted").value_or(false);
  return r;
}

RunDescription description_from_json(std::string url, const json::object& o) {
  RunDescription d;
  d.url = std::move(url);
  if (const json::value* m = o.if_contains("modes"); m && !m->is_null()) {
    if (!m->is_array()) bad_result_key("modes", "is not an array");
    for (const json::value& e : m->get_array()) {
      if (!e.is_string()) bad_result_key("modes", "holds an entry that is not a string");
      d.modes.push_back(parse_mode(e.get_string()));
    }
  }
  d.compare = optional_bool(o, "compare").value_or(false);
  if (const json::value* p = o.if_contains("protocols"); p && !p->is_null()) {
    if (!p->is_array()) bad_result_key("protocols", "is not an array");
    for (const json::value& e : p->get_array()) {
      if (!e.is_string()) bad_result_key("protocols", "holds an entry that is not a string");
      try {
        d.protocols.push_back(parse_protocol(e.get_string()));
      } catch (const UsageError&) {
        bad_result_key("protocols", "holds an entry that is not h1 or h2");
      }
    }
    if (d.protocols.size() != d.modes.size()) {
      bad_result_key("protocols", "does not have one entry per mode");
    }
  }
  if (const auto streams = optional_count(o, "streams")) {
    if (*streams == 0 || *streams > std::numeric_limits<std::uint32_t>::max()) {
      bad_result_key("streams", "is out of range");
    }
    d.streams = static_cast<std::uint32_t>(*streams);
  }
  d.requests = optional_count(o, "requests");
  d.duration = optional_seconds(o, "duration_s");
  if (const json::value* r = o.if_contains("rate"); r && !r->is_null())
    d.rate = as_number(*r, "rate");
  d.ok_status = optional_string(o, "ok_status");
  d.ok_status_default = !d.ok_status || *d.ok_status == StatusRule().describe();
  d.warmup_requests = optional_count(o, "warmup_requests");
  d.warmup_duration = optional_seconds(o, "warmup_s");
  d.concurrency = optional_count(o, "concurrency");
  d.keep_alive = optional_bool(o, "keep_alive");
  d.timeout = optional_seconds(o, "timeout_s");
  d.connect_timeout = optional_seconds(o, "connect_timeout_s");
  if (const auto size = optional_count(o, "max_header_size")) {
    d.max_header_size = static_cast<std::uint32_t>(*size);
  }
  d.trials = optional_count(o, "trials");
  d.method = optional_string(o, "method");
  if (const json::value* h = o.if_contains("headers"); h && !h->is_null()) {
    if (!h->is_array()) bad_result_key("headers", "is not an array");
    std::vector<std::string> headers;
    for (const json::value& e : h->get_array()) {
      if (!e.is_string()) bad_result_key("headers", "holds an entry that is not a string");
      headers.emplace_back(e.get_string());
    }
    d.headers = std::move(headers);
  }
  d.body_bytes = optional_count(o, "body_bytes");
  if (d.body_bytes == 0u) d.body_bytes.reset();
  d.http_version = optional_string(o, "http_version");
  d.proxy = optional_string(o, "proxy");
  d.unix_socket = optional_string(o, "unix_socket");
  if (const json::value* u = o.if_contains("urls"); u && !u->is_null()) {
    if (!u->is_array()) bad_result_key("urls", "is not an array");
    for (const json::value& e : u->get_array()) {
      if (!e.is_string()) bad_result_key("urls", "holds an entry that is not a string");
      d.url_lines.emplace_back(e.get_string());
    }
  }
  return d;
}

std::optional<ShardPart> shard_from_json(const json::object& doc) {
  const json::value* v = doc.if_contains("shard");
  if (!v) return std::nullopt;
  if (!v->is_object()) bad_result_key("shard", "is not an object");
  const json::object& o = v->get_object();
  ShardPart s;
  s.index = count(o, "index");
  s.count = count(o, "count");
  if (s.count == 0 || s.index >= s.count)
    bad_result_key("shard", "has an index outside 0..count-1");
  s.requests = optional_count(o, "requests");
  s.concurrency = count_or(o, "concurrency", 0);
  s.rate = number_or(o, "rate", 0);
  s.warmup_requests = count_or(o, "warmup_requests", 0);
  return s;
}

json::object load_result_document(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(fmt::format("cannot read result file '{}'", path));
  return parse_result_document(
      std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()), path);
}

}  // namespace httpbench
