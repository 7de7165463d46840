#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "httpbench/report/json_text.hpp"
#include "httpbench/report/report.hpp"
#include "httpbench/report/report_insight.hpp"
#include "httpbench/report/report_merge.hpp"
#include "httpbench/report/report_sweep.hpp"
#include "httpbench/report/report_urls.hpp"
#include "httpbench/report/timeline_json.hpp"

namespace httpbench {

namespace json = boost::json;

namespace {

json::object latency_json(const LatencySummary& l) {
  return {{"min", l.min},    {"mean", l.mean},    {"stdev", l.stdev}, {"p50", l.p50},
          {"p75", l.p75},    {"p90", l.p90},      {"p95", l.p95},     {"p99", l.p99},
          {"p99_9", l.p999}, {"p99_99", l.p9999}, {"max", l.max}};
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

// The run's "options": every key a run records; a merge writes only those its files recorded
// (the nullable ones as null when they did not).
json::object options_json(const RunDescription& d) {
  json::object o;
  json::array modes;
  for (Mode m : d.modes)
    modes.emplace_back(mode_name(m));
  o["modes"] = std::move(modes);
  o["compare"] = d.compare;
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

// [[upper_bound_us, count], ...]: each bucket's upper bound, which merge reads back into the
// same bucket.
json::array histogram_json(const Histogram& h) {
  json::array buckets;
  h.for_each_bucket([&](std::uint64_t, std::uint64_t high, std::uint64_t count) {
    buckets.push_back(json::array{static_cast<double>(high) / 1e3, count});
  });
  return buckets;
}

json::object interval_json(const Interval& iv) {
  return {{"median", iv.median}, {"low", iv.low}, {"high", iv.high}, {"confidence", iv.confidence},
          {"min", iv.min},       {"max", iv.max}, {"n", iv.n}};
}

json::object trials_json(const Report& report) {
  const TrialStats& stats = *report.trial_stats;
  json::object modes;
  for (std::size_t m = 0; m < stats.modes.size(); ++m) {
    const ModeTrialStats& s = stats.modes[m];
    json::array runs;
    if (m < report.trials.size()) {
      for (std::size_t t = 0; t < report.trials[m].size(); ++t) {
        const RunResult& r = report.trials[m][t];
        runs.push_back(json::object{{"trial", t + 1},
                                    {"requests", r.requests},
                                    {"succeeded", r.succeeded},
                                    {"failed", r.failed},
                                    {"elapsed_s", r.elapsed_s},
                                    {"rps", r.rps},
                                    {"p50_ms", r.latency.p50},
                                    {"p90_ms", r.latency.p90},
                                    {"p99_ms", r.latency.p99},
                                    {"mean_ms", r.latency.mean},
                                    {"started_at", r.started_at},
                                    {"ended_at", r.ended_at}});
      }
    }
    modes[mode_name(s.mode)] =
        json::object{{"rps", interval_json(s.rps)},         {"p50_ms", interval_json(s.p50_ms)},
                     {"p90_ms", interval_json(s.p90_ms)},   {"p99_ms", interval_json(s.p99_ms)},
                     {"mean_ms", interval_json(s.mean_ms)}, {"runs", std::move(runs)}};
  }
  json::object doc{{"count", stats.count},
                   {"order", "alternating"},
                   {"interval",
                    "order-statistics interval for the median (binomial, "
                    "distribution-free); [min, max] below 6 trials"},
                   {"modes", std::move(modes)}};
  if (stats.baseline) {
    json::object speedup;
    for (const SpeedupTrialStats& s : stats.speedups) {
      json::object o = interval_json(s.factor);
      o["per_trial"] = json::array(s.per_trial.begin(), s.per_trial.end());
      o["significant"] = s.significant;
      speedup[mode_name(s.mode)] = std::move(o);
    }
    doc["baseline"] = mode_name(*stats.baseline);
    doc["speedup"] = std::move(speedup);
  }
  return doc;
}

json::array checks_json(const std::vector<CheckOutcome>& checks) {
  json::array out;
  for (const CheckOutcome& c : checks) {
    json::object values;
    for (const auto& [mode, value] : c.values)
      values[mode_name(mode)] = value;
    out.push_back(json::object{{"expression", c.expression},
                               {"passed", c.passed},
                               {"values", std::move(values)},
                               {"detail", c.detail}});
  }
  return out;
}

json::object baseline_json(const BaselineComparison& b) {
  json::array changes;
  for (const FigureChange& c : b.changes) {
    changes.push_back(json::object{{"mode", mode_name(c.mode)},
                                   {"figure", figure_name(c.figure)},
                                   {"baseline", c.baseline},
                                   {"current", c.current},
                                   {"change_pct", c.change_pct},
                                   {"verdict", verdict_name(c.verdict)},
                                   {"significant", c.significant},
                                   {"by_interval", c.by_interval}});
  }
  json::array missing;
  for (Mode m : b.missing)
    missing.emplace_back(mode_name(m));
  return {{"file", b.path}, {"changes", std::move(changes)}, {"missing_modes", std::move(missing)}};
}

// The lookup's time, null when none was made (Unix socket, --resolve, an IP literal) or the
// report is a merge of files.
json::value dns_json(const Report& report) {
  if (!report.merged_from.empty() || report.description.no_dns_lookup) return nullptr;
  return report.dns_ms;
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

// A shard's part of the run, beside the whole run's "options".
json::object shard_json(const ShardPart& part) {
  return {{"index", part.index},
          {"count", part.count},
          {"requests", or_null(part.requests)},
          {"concurrency", part.concurrency},
          {"rate", part.rate},
          {"warmup_requests", part.warmup_requests}};
}

json::object merged_shards_json(const Report& report) {
  json::array rows;
  std::vector<bool> present(report.shard_count, false);
  for (const ShardRow& r : report.shard_rows) {
    if (r.shard_index < present.size()) present[r.shard_index] = true;
    json::value skew = nullptr;
    if (r.start_skew_ms) skew = *r.start_skew_ms;
    rows.push_back(json::object{{"file", r.file},
                                {"index", r.shard_index},
                                {"mode", mode_name(r.mode)},
                                {"requests", r.requests},
                                {"failed", r.failed},
                                {"rps", r.rps},
                                {"start_skew_ms", std::move(skew)}});
  }
  json::array missing;
  for (std::size_t i = 0; i < present.size(); ++i)
    if (!present[i]) missing.emplace_back(i);
  return {{"count", report.shard_count},
          {"complete", missing.empty()},
          {"missing", std::move(missing)},
          {"rows", std::move(rows)}};
}

}  // namespace

std::string format_json(const Report& report) {
  json::array runs;
  for (const RunResult& r : report.runs) {
    json::object run = run_json(r);
    add_insight_json(report, r, run);
    if (!r.urls.empty()) run["urls"] = urls_json(r);
    runs.push_back(std::move(run));
  }
  json::object doc{{"tool", "httpbench"},        {"schema_version", kSchemaVersion},
                   {"version", report.version},  {"url", report.description.url},
                   {"dns_ms", dns_json(report)}, {"options", options_json(report.description)},
                   {"runs", std::move(runs)},    {"interrupted", report.interrupted}};
  if (report.comparison) {
    json::object speedup;
    json::object time_saved;
    for (const Speedup& s : report.comparison->speedups) {
      speedup[mode_name(s.mode)] = s.factor;
      time_saved[mode_name(s.mode)] = s.time_saved_pct;
    }
    doc["comparison"] = json::object{{"baseline", mode_name(report.comparison->baseline)},
                                     {"speedup", std::move(speedup)},
                                     {"time_saved_pct", std::move(time_saved)}};
  }
  add_report_insight_json(report, doc);
  if (report.description.shard) doc["shard"] = shard_json(*report.description.shard);
  if (report.start_at) {
    doc["start_at"] = *report.start_at;
    doc["start_skew_ms"] = report.start_skew_ms;
  }
  if (report.shard_count != 0) doc["shards"] = merged_shards_json(report);
  if (report.sweep) doc["sweep"] = sweep_json(*report.sweep);
  if (report.manifest) doc["manifest"] = manifest_json(*report.manifest);
  if (report.trial_stats) doc["trials"] = trials_json(report);
  if (!report.description.checks.empty() || !report.checks.empty()) {
    doc["checks"] = checks_json(report.checks);
    doc["checks_passed"] = !report.any_check_failed();
  }
  if (report.baseline) doc["baseline"] = baseline_json(*report.baseline);
  if (!report.merged_from.empty()) {
    doc["merged_from"] = json::array(report.merged_from.begin(), report.merged_from.end());
    if (report.merge) doc["merge"] = merge_json(*report.merge);
  }
  std::string out = to_json_text(doc);
  out += '\n';
  return out;
}

}  // namespace httpbench
