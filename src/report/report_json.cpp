#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "httpbench/report/json_text.hpp"
#include "httpbench/report/manifest.hpp"
#include "httpbench/report/report.hpp"
#include "httpbench/report/report_insight.hpp"
#include "httpbench/report/report_merge.hpp"
#include "httpbench/report/report_sweep.hpp"
#include "httpbench/report/report_urls.hpp"
#include "httpbench/report/result_json.hpp"
#include "httpbench/report/run_label.hpp"

namespace httpbench {

namespace json = boost::json;

namespace {

json::object interval_json(const Interval& iv) {
  return {{"median", iv.median}, {"low", iv.low}, {"high", iv.high}, {"confidence", iv.confidence},
          {"min", iv.min},       {"max", iv.max}, {"n", iv.n}};
}

json::object trials_json(const Report& report) {
  const TrialStats& stats = *report.trial_stats;
  // Keyed by the runs' labels: "async", or "async:h2" when some run is HTTP/2.
  const bool p = labels_protocol(report.runs);
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
    modes[run_label(RunKind{s.mode, s.protocol}, p)] =
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
      speedup[run_label(RunKind{s.mode, s.protocol}, p)] = std::move(o);
    }
    doc["baseline"] = run_label(RunKind{*stats.baseline, stats.baseline_protocol}, p);
    doc["speedup"] = std::move(speedup);
  }
  return doc;
}

json::array checks_json(const std::vector<CheckOutcome>& checks) {
  json::array out;
  for (const CheckOutcome& c : checks) {
    json::object values;
    for (const auto& [label, value] : c.values)
      values[label] = value;
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
    changes.push_back(json::object{{"mode", change_label(c, b.labels_protocol)},
                                   {"figure", figure_name(c.figure)},
                                   {"baseline", c.baseline},
                                   {"current", c.current},
                                   {"change_pct", c.change_pct},
                                   {"verdict", verdict_name(c.verdict)},
                                   {"significant", c.significant},
                                   {"by_interval", c.by_interval}});
  }
  json::array missing;
  for (const RunKind& m : b.missing)
    missing.emplace_back(run_label(m, b.labels_protocol));
  return {{"file", b.path}, {"changes", std::move(changes)}, {"missing_modes", std::move(missing)}};
}

// The lookup's time, null when none was made (Unix socket, --resolve, an IP literal) or the
// report is a merge of files.
json::value dns_json(const Report& report) {
  if (!report.merged_from.empty() || report.description.no_dns_lookup) return nullptr;
  return report.dns_ms;
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
                                {"protocol", protocol_name(r.protocol)},
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
    // Keyed by the runs' labels: "async", or "async:h1"/"async:h2" when some run is HTTP/2.
    const bool p = labels_protocol(report.runs);
    const Comparison& c = *report.comparison;
    json::object speedup;
    json::object time_saved;
    for (const Speedup& s : c.speedups) {
      speedup[run_label(RunKind{s.mode, s.protocol}, p)] = s.factor;
      time_saved[run_label(RunKind{s.mode, s.protocol}, p)] = s.time_saved_pct;
    }
    doc["comparison"] =
        json::object{{"baseline", run_label(RunKind{c.baseline, c.baseline_protocol}, p)},
                     {"baseline_protocol", protocol_name(c.baseline_protocol)},
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
