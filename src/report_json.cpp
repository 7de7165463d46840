#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "httpbench/report.hpp"

namespace httpbench {

namespace json = boost::json;

namespace {

json::object latency_json(const LatencySummary& l) {
  return {{"min", l.min},    {"mean", l.mean},    {"stdev", l.stdev}, {"p50", l.p50},
          {"p75", l.p75},    {"p90", l.p90},      {"p95", l.p95},     {"p99", l.p99},
          {"p99_9", l.p999}, {"p99_99", l.p9999}, {"max", l.max}};
}

json::object options_json(const Options& o) {
  json::array modes;
  for (Mode m : o.modes)
    modes.emplace_back(mode_name(m));
  return {{"modes", std::move(modes)},
          {"compare", o.compare},
          {"requests", o.requests},
          {"concurrency", o.concurrency},
          {"keep_alive", o.keep_alive},
          {"timeout_s", static_cast<double>(o.timeout.count()) / 1e9},
          {"connect_timeout_s", static_cast<double>(o.connect_timeout.count()) / 1e9},
          {"max_header_size", o.max_header_size}};
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
  json::array histogram;
  r.histogram.for_each_bucket([&](std::uint64_t, std::uint64_t high, std::uint64_t count) {
    histogram.push_back(json::array{static_cast<double>(high) / 1e3, count});
  });
  return {{"mode", mode_name(r.mode)},
          {"requests", r.requests},
          {"succeeded", r.succeeded},
          {"failed", r.failed},
          {"aborted", r.aborted},
          {"errors", std::move(errors)},
          {"error_examples", std::move(error_examples)},
          {"status_codes", std::move(status_codes)},
          {"elapsed_s", r.elapsed_s},
          {"rps", r.rps},
          {"bytes_received", r.bytes_received},
          {"connections", r.connections},
          {"latency_ms", latency_json(r.latency)},
          {"histogram", std::move(histogram)},
          {"cpu_s", r.cpu_s},
          {"interrupted", r.interrupted}};
}

}  // namespace

std::string format_json(const Report& report) {
  json::array runs;
  for (const RunResult& r : report.runs)
    runs.push_back(run_json(r));
  json::object doc{{"tool", "httpbench"},
                   {"schema_version", 1},
                   {"version", report.version},
                   {"url", report.options.target.url()},
                   {"options", options_json(report.options)},
                   {"runs", std::move(runs)},
                   {"interrupted", report.interrupted}};
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
  std::string out = json::serialize(doc);
  out += '\n';
  return out;
}

}  // namespace httpbench
