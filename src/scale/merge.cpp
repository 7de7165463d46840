#include "httpbench/scale/merge.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <tuple>

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "httpbench/report/report.hpp"
#include "httpbench/report/result_json.hpp"
#include "httpbench/scale/shard.hpp"
#include "httpbench/stats/error.hpp"
#include "httpbench/stats/trials.hpp"
#include "httpbench/version.hpp"

namespace httpbench {

namespace json = boost::json;

namespace {

// The first key whose value differs between two "options" objects, as "key=a" vs "key=b".
std::pair<std::string, std::string> first_difference(const json::object& a, const json::object& b) {
  for (const auto& [key, value] : a) {
    const json::value* other = b.if_contains(key);
    if (!other)
      return {fmt::format("{}={}", std::string_view(key), json::serialize(value)),
              fmt::format("no {}", std::string_view(key))};
    if (*other != value) {
      return {fmt::format("{}={}", std::string_view(key), json::serialize(value)),
              fmt::format("{}={}", std::string_view(key), json::serialize(*other))};
    }
  }
  for (const auto& [key, value] : b) {
    if (!a.contains(key)) {
      return {fmt::format("no {}", std::string_view(key)),
              fmt::format("{}={}", std::string_view(key), json::serialize(value))};
    }
  }
  return {};
}

std::string shard_name(const Shard& s) {
  return fmt::format("{}/{}", s.index, s.count);
}

// Checks that shard files belong together: all shards of one run, none twice, same options.
class ShardSet {
 public:
  void add(const std::string& path, const std::optional<Shard>& shard,
           const json::object& options) {
    if (first_path_.empty()) {
      first_path_ = path;
      first_shard_ = shard;
      first_options_ = options;
      if (shard) owners_.assign(shard->count, std::string{});
    } else if (shard.has_value() != first_shard_.has_value()) {
      const bool this_one = shard.has_value();
      throw UsageError(fmt::format(
          "'{}' is shard {} but '{}' is not a shard's result: merge the shard files of one run "
          "together",
          this_one ? path : first_path_, shard_name(this_one ? *shard : *first_shard_),
          this_one ? first_path_ : path));
    }
    if (!shard) return;
    if (shard->count != first_shard_->count) {
      throw UsageError(fmt::format("'{}' is shard {} but '{}' is shard {}: the shard counts differ",
                                   path, shard_name(*shard), first_path_,
                                   shard_name(*first_shard_)));
    }
    std::string& owner = owners_[shard->index];
    if (!owner.empty()) {
      throw UsageError(fmt::format("'{}' and '{}' are both shard {}: the shard sets overlap", owner,
                                   path, shard_name(*shard)));
    }
    owner = path;
    if (options != first_options_) {
      auto [mine, theirs] = first_difference(options, first_options_);
      throw UsageError(fmt::format("the options of the shards differ: '{}' has {}, '{}' has {}",
                                   path, mine, first_path_, theirs));
    }
  }

  bool sharded() const { return first_shard_.has_value(); }
  std::uint64_t count() const { return first_shard_ ? first_shard_->count : 0; }

  // Shard indexes no file covered.
  std::vector<std::uint64_t> missing() const {
    std::vector<std::uint64_t> out;
    for (std::size_t i = 0; i < owners_.size(); ++i)
      if (owners_[i].empty()) out.push_back(i);
    return out;
  }

 private:
  std::string first_path_;
  std::optional<Shard> first_shard_;
  json::object first_options_;
  // The file of each shard index, empty while none.
  std::vector<std::string> owners_;
};

// An option's value as text: strings bare, anything else as JSON; "(not recorded)" when absent.
std::string option_text(const json::object& options, std::string_view key) {
  const json::value* v = options.if_contains(key);
  if (!v) return "(not recorded)";
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_null()) return "null";
  if (v->is_array()) {
    std::string out;
    for (const json::value& e : v->get_array())
      out += (out.empty() ? "" : ",") +
             (e.is_string() ? std::string(e.get_string()) : json::serialize(e));
    return out;
  }
  return json::serialize(*v);
}

// Options that change what is measured: files that differ in one are refused. `modes` is the
// mode list in order (the first is the comparison's baseline).
constexpr std::string_view kRefusedOptions[] = {"modes", "method", "http_version", "keep_alive",
                                                "body_bytes"};
// Options that divide or shape the same work (shards by hand, a longer run): shown when they
// differ.
constexpr std::string_view kShownOptions[] = {
    "concurrency",     "rate",     "requests",  "duration_s",
    "warmup_requests", "warmup_s", "timeout_s", "connect_timeout_s",
    "trials",          "headers",  "proxy",     "unix_socket"};

// The protocol of each mode of a file's "options" ("h1,h2"), files written before HTTP/2 reading
// as h1; and the HTTP/2 streams per connection ("none" without an HTTP/2 run).
std::string protocols_text(const json::object& options) {
  const RunDescription d = description_from_json("", options);
  std::string out;
  for (std::size_t i = 0; i < d.modes.size(); ++i)
    out += fmt::format("{}{}", out.empty() ? "" : ",", protocol_name(d.protocol_of(i)));
  return out;
}
std::string streams_text(const json::object& options) {
  const RunDescription d = description_from_json("", options);
  return d.streams ? std::to_string(*d.streams) : "none";
}

// What the merged files record of each option, file by file.
class OptionTable {
 public:
  void add(const std::string& path, const json::object& options) {
    for (std::string_view key : kRefusedOptions) {
      const std::string value = option_text(options, key);
      if (paths_.empty()) continue;
      const std::string& first = values_.at(std::string(key)).front();
      if (value != first) {
        throw UsageError(fmt::format(
            "'{}' has {} {} but '{}' has {}: only results of the same request and modes can be "
            "merged",
            path, key, value, paths_.front(), first));
      }
    }
    // The protocol decides what is measured, like the HTTP version: refused when it differs.
    // (Not among kRefusedOptions: files older than HTTP/2 have no key, and are HTTP/1.x.)
    for (const auto& [key, text] :
         {std::pair{"protocols", &protocols_text}, std::pair{"streams", &streams_text}}) {
      const std::string value = text(options);
      if (paths_.empty()) {
        protocol_values_[key] = value;
      } else if (value != protocol_values_[key]) {
        throw UsageError(fmt::format(
            "'{}' has {} {} but '{}' has {}: only results of the same protocol can be merged", path,
            key, value, paths_.front(), protocol_values_[key]));
      }
    }
    paths_.push_back(path);
    for (std::string_view key : kRefusedOptions)
      values_[std::string(key)].push_back(option_text(options, key));
    for (std::string_view key : kShownOptions)
      values_[std::string(key)].push_back(option_text(options, key));
  }

  std::vector<DifferingOption> differing() const {
    std::vector<DifferingOption> out;
    for (std::string_view key : kShownOptions) {
      const auto& v = values_.at(std::string(key));
      if (std::adjacent_find(v.begin(), v.end(), std::not_equal_to<>()) != v.end()) {
        out.push_back(DifferingOption{std::string(key), v});
      }
    }
    return out;
  }

  // Every option, with the value the files share or all of them joined by " | ".
  std::vector<std::pair<std::string, std::string>> shown() const {
    std::vector<std::pair<std::string, std::string>> out;
    const auto add = [&](std::string_view key) {
      const auto& v = values_.at(std::string(key));
      const bool same = std::adjacent_find(v.begin(), v.end(), std::not_equal_to<>()) == v.end();
      std::string text;
      if (same) {
        text = v.front();
      } else {
        for (const std::string& one : v)
          text += (text.empty() ? "" : " | ") + one;
      }
      out.emplace_back(std::string(key), std::move(text));
    };
    for (std::string_view key : kRefusedOptions)
      add(key);
    for (std::string_view key : kShownOptions)
      add(key);
    return out;
  }

 private:
  std::vector<std::string> paths_;
  std::map<std::string, std::vector<std::string>> values_;
  // The first file's protocols and streams.
  std::map<std::string, std::string> protocol_values_;
};

// The union of the runs' [started_at, ended_at] intervals: its measure, and the measure of the
// part covered by two or more of them.
std::pair<double, double> union_and_overlap(const std::vector<RunResult>& runs) {
  std::vector<std::pair<double, int>> edges;
  for (const RunResult& r : runs) {
    edges.emplace_back(r.started_at, +1);
    edges.emplace_back(r.ended_at, -1);
  }
  // Ends before starts at the same instant: runs that touch do not overlap.
  std::sort(edges.begin(), edges.end());
  double busy = 0;
  double overlapped = 0;
  int running = 0;
  double last = edges.empty() ? 0 : edges.front().first;
  for (const auto& [at, step] : edges) {
    if (running >= 1) busy += at - last;
    if (running >= 2) overlapped += at - last;
    running += step;
    last = at;
  }
  return {busy, overlapped};
}

}  // namespace

Report merge_result_files(const std::vector<std::string>& paths, bool require_complete) {
  if (paths.empty()) throw UsageError("merge: no result files given");
  ShardSet shards;
  OptionTable table;
  Report report;
  report.version = kVersion;
  report.merged_from = paths;
  std::vector<std::vector<RunResult>> by_mode;
  std::string url;
  // Compared only when every file says so.
  bool compare = true;
  for (const std::string& path : paths) {
    const json::object doc = load_result_document(path);
    std::optional<Shard> shard;
    std::optional<double> skew;
    try {
      if (const std::optional<ShardPart> part = shard_from_json(doc)) {
        shard = Shard{part->index, part->count};
      }
      if (doc.contains("start_at")) skew = required_number(doc, "start_skew_ms");
      const std::string u = required_string(doc, "url");
      const json::object& options = required_object(doc, "options");
      if (url.empty()) {
        url = u;
        report.description = description_from_json(url, options);
      } else if (u != url) {
        throw UsageError(
            fmt::format("target '{}' differs from '{}': only results of the same "
                        "target can be merged",
                        u, url));
      }
      compare = compare && optional_bool(options, "compare").value_or(false);
      for (const json::value& v : required_array(doc, "runs")) {
        if (!v.is_object()) bad_result_key("runs", "holds an entry that is not an object");
        RunResult run = run_from_json(v.get_object());
        if (shard) {
          report.shard_rows.push_back(ShardRow{path, shard->index, shard->count, run.mode,
                                               run.protocol, run.requests, run.failed, run.rps,
                                               skew});
        }
        // The runs of one mode over one protocol merge.
        auto slot = std::find_if(by_mode.begin(), by_mode.end(), [&](const auto& runs) {
          return runs.front().mode == run.mode && runs.front().protocol == run.protocol;
        });
        if (slot == by_mode.end()) {
          by_mode.push_back({std::move(run)});
        } else {
          slot->push_back(std::move(run));
        }
      }
      if (optional_bool(doc, "interrupted").value_or(false)) report.interrupted = true;
    } catch (const UsageError& e) {
      throw UsageError(fmt::format("'{}': {}", path, e.what()));
    }
    shards.add(path, shard, doc.at("options").get_object());
    table.add(path, doc.at("options").get_object());
  }
  if (require_complete && !shards.sharded()) {
    throw UsageError("--require-complete: the files are not shard results (run with --shard)");
  }
  if (const auto missing = shards.missing(); require_complete && !missing.empty()) {
    std::string names;
    for (std::uint64_t i : missing)
      names += fmt::format("{}{}/{}", names.empty() ? "" : ", ", i, shards.count());
    throw UsageError(fmt::format("incomplete: shard{} {} missing (--require-complete)",
                                 missing.size() == 1 ? "" : "s", names));
  }
  report.shard_count = shards.count();
  std::sort(report.shard_rows.begin(), report.shard_rows.end(),
            [](const ShardRow& a, const ShardRow& b) {
              return std::tie(a.shard_index, a.file) < std::tie(b.shard_index, b.file);
            });
  MergeSummary summary;
  summary.differing = table.differing();
  summary.options = table.shown();
  double busy_total = 0;
  double overlapped_total = 0;
  bool all_stamped = true;
  // The modes merged, in the order the files first gave them.
  report.description.modes.clear();
  report.description.protocols.clear();
  for (const auto& runs : by_mode) {
    RunResult merged = combine_runs(runs);
    MergeModeSpan span;
    span.mode = merged.mode;
    span.protocol = merged.protocol;
    span.runs = runs.size();
    span.stamped = std::all_of(runs.begin(), runs.end(), [](const RunResult& r) {
      return r.started_at > 0 && r.ended_at >= r.started_at;
    });
    // The timelines add up aligned by their start times (a gap between runs made one after
    // another stays a gap).
    merged.timeline = Timeline{};
    for (const RunResult& r : runs) {
      const double offset_s = span.stamped ? r.started_at - merged.started_at : 0.0;
      merged.timeline.add(r.timeline, std::chrono::nanoseconds(std::llround(offset_s * 1e9)));
    }
    if (span.stamped) {
      // The wall time is the time during which some file's run of this mode was running: shards
      // side by side add their requests over their common span; runs made one after another
      // average, not diluted by the time between them.
      std::tie(span.busy_s, span.overlapped_s) = union_and_overlap(runs);
      merged.elapsed_s = span.busy_s;
    } else {
      merged.elapsed_s = 0;
      for (const RunResult& r : runs)
        merged.elapsed_s = std::max(merged.elapsed_s, r.elapsed_s);
      span.busy_s = merged.elapsed_s;
      all_stamped = false;
    }
    busy_total += span.busy_s;
    overlapped_total += span.overlapped_s;
    set_rates(merged);
    // In flight: the processes' requests add up over the merged wall time.
    double in_flight_area = 0;
    merged.concurrency_requested = 0;
    merged.concurrency_peak = 0;
    for (const RunResult& r : runs) {
      in_flight_area += r.concurrency_mean * r.elapsed_s;
      merged.concurrency_requested += r.concurrency_requested;
      merged.concurrency_peak += r.concurrency_peak;
    }
    merged.concurrency_mean = merged.elapsed_s > 0 ? in_flight_area / merged.elapsed_s : 0;
    for (UrlResult& line : merged.urls)
      summarize_url(line, merged.elapsed_s);
    report.description.modes.push_back(merged.mode);
    report.description.protocols.push_back(merged.protocol);
    report.runs.push_back(std::move(merged));
    summary.modes.push_back(span);
  }
  if (all_stamped) summary.overlap = busy_total > 0 ? overlapped_total / busy_total : 0.0;
  report.merge = std::move(summary);
  report.description.compare = compare && report.runs.size() >= 2;
  if (report.description.compare) report.comparison = compare_runs(report.runs);
  return report;
}

}  // namespace httpbench
