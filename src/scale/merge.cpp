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
#include "httpbench/report/timeline_json.hpp"
#include "httpbench/stats/error.hpp"
#include "httpbench/stats/trials.hpp"
#include "httpbench/version.hpp"

namespace httpbench {

namespace json = boost::json;

namespace {

// Thrown inside this file for a bad key; the callers add the file name.
[[noreturn]] void bad_key(std::string_view key, std::string_view why) {
  throw UsageError(fmt::format("key '{}' {}", key, why));
}

const json::value& at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) bad_key(key, "is missing");
  return *v;
}

double as_number(const json::value& v, std::string_view key) {
  if (v.is_double()) return v.get_double();
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  bad_key(key, "is not a number");
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
  bad_key(key, "is not a count");
}

std::uint64_t count(const json::object& o, std::string_view key) {
  return as_count(at(o, key), key);
}

std::uint64_t count_or(const json::object& o, std::string_view key, std::uint64_t fallback) {
  const json::value* v = o.if_contains(key);
  return v ? as_count(*v, key) : fallback;
}

const json::object& object(const json::object& o, std::string_view key) {
  const json::value& v = at(o, key);
  if (!v.is_object()) bad_key(key, "is not an object");
  return v.get_object();
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
  if (!v->is_array()) bad_key(key, "is not an array");
  for (const json::value& bucket : v->get_array()) {
    if (!bucket.is_array() || bucket.get_array().size() != 2) {
      bad_key(key, "holds an entry that is not [upper_bound_us, count]");
    }
    const double upper_us = as_number(bucket.get_array()[0], key);
    if (!(upper_us >= 0)) bad_key(key, "holds a negative bound");
    // The bound was written as ns / 1000, so rounding back gives the exact bucket bound.
    h.record(static_cast<std::uint64_t>(std::llround(upper_us * 1e3)),
             as_count(bucket.get_array()[1], key));
  }
  return h;
}

// A file's "shard" object, nullopt when the file is not a shard's result.
std::optional<Shard> shard_from_json(const json::object& doc) {
  const json::value* v = doc.if_contains("shard");
  if (!v) return std::nullopt;
  if (!v->is_object()) bad_key("shard", "is not an object");
  Shard s;
  s.index = count(v->get_object(), "index");
  s.count = count(v->get_object(), "count");
  if (s.count == 0 || s.index >= s.count) bad_key("shard", "has an index outside 0..count-1");
  return s;
}

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

std::chrono::nanoseconds from_seconds(double s) {
  return std::chrono::nanoseconds(std::llround(s * 1e9));
}

// Optional keys of an "options" object: absent (or null) leaves the field empty; a value of the
// wrong type is an error naming the key.
std::optional<std::string> optional_string(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_string()) bad_key(key, "is not a string");
  return std::string(v->get_string());
}
std::optional<bool> optional_bool(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_bool()) bad_key(key, "is not true or false");
  return v->get_bool();
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

// The first file's run description, as far as its "options" record it: what it does not record
// stays empty, never a default (the HTML report of a merge shows the recorded values only,
// MergeSummary::options). The modes and `compare` are the merge's, set by the caller.
RunDescription description_from_json(std::string url, const json::object& o) {
  RunDescription d;
  d.url = std::move(url);
  d.requests = optional_count(o, "requests");
  d.duration = optional_seconds(o, "duration_s");
  if (const json::value* r = o.if_contains("rate"); r && !r->is_null())
    d.rate = as_number(*r, "rate");
  d.ok_status = optional_string(o, "ok_status");
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
    if (!h->is_array()) bad_key("headers", "is not an array");
    std::vector<std::string> headers;
    for (const json::value& e : h->get_array()) {
      if (!e.is_string()) bad_key("headers", "holds an entry that is not a string");
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
    if (!u->is_array()) bad_key("urls", "is not an array");
    for (const json::value& e : u->get_array()) {
      if (!e.is_string()) bad_key("urls", "holds an entry that is not a string");
      d.url_lines.emplace_back(e.get_string());
    }
  }
  return d;
}

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

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(fmt::format("cannot read result file '{}'", path));
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

json::object load_result_document(const std::string& path) {
  const std::string text = read_file(path);
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

RunResult run_from_json(const json::object& o) {
  RunResult r;
  const json::value& mode = at(o, "mode");
  if (!mode.is_string()) bad_key("mode", "is not a string");
  r.mode = parse_mode(mode.get_string());
  r.requests = count(o, "requests");
  r.succeeded = count(o, "succeeded");
  r.failed = count(o, "failed");
  r.aborted = count_or(o, "aborted", 0);
  const json::object& errors = object(o, "errors");
  for (ErrorKind k : kAllErrorKinds) {
    r.errors[static_cast<std::size_t>(k)] = count_or(errors, kind_name(k), 0);
  }
  if (const json::value* examples = o.if_contains("error_examples"); examples) {
    for (ErrorKind k : kAllErrorKinds) {
      const json::value* e =
          examples->is_object() ? examples->get_object().if_contains(kind_name(k)) : nullptr;
      if (e && e->is_string()) r.error_examples[static_cast<std::size_t>(k)] = e->get_string();
    }
  }
  for (const auto& [code, n] : object(o, "status_codes")) {
    unsigned status = 0;
    const std::string_view text = code;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), status);
    if (ec != std::errc{} || ptr != text.data() + text.size()) {
      bad_key("status_codes", "has a key that is not a status code");
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
  r.latency = latency_from_json(object(o, "latency_ms"));
  if (o.contains("service_time_ms"))
    r.service_time = latency_from_json(object(o, "service_time_ms"));
  if (o.contains("connect_ms")) r.connect_time = latency_from_json(object(o, "connect_ms"));
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
  if (const json::value* c = o.if_contains("concurrency"); c && c->is_object()) {
    r.concurrency_requested = count_or(c->get_object(), "requested", 0);
    r.concurrency_mean = number_or(c->get_object(), "achieved_mean", 0);
    r.concurrency_peak = count_or(c->get_object(), "achieved_peak", 0);
  }
  if (const json::value* c = o.if_contains("connection_use"); c && c->is_object()) {
    r.connections_reused = count_or(c->get_object(), "reused", 0);
  }
  if (const json::value* c = o.if_contains("client"); c && c->is_object()) {
    r.client_threads = count_or(c->get_object(), "threads", 1);
  }
  if (const json::value* m = o.if_contains("resources"); m && m->is_object()) {
    r.rss_start_kb = count_or(m->get_object(), "rss_start_kb", 0);
    r.rss_peak_kb = count_or(m->get_object(), "rss_peak_kb", 0);
  }
  r.after_deadline = count_or(o, "after_deadline", 0);
  r.reconnects = count_or(o, "reconnects", 0);
  r.redirects = count_or(o, "redirects", 0);
  r.cross_origin_redirects = count_or(o, "cross_origin_redirects", 0);
  if (const json::value* s = o.if_contains("schedule"); s && s->is_object()) {
    r.open_loop = true;
    r.target_rate = number_or(s->get_object(), "target_rate", 0);
    r.late_starts = count_or(s->get_object(), "late_starts", 0);
    r.max_start_lag_ms = number_or(s->get_object(), "max_start_lag_ms", 0);
  }
  r.started_at = number_or(o, "started_at", 0);
  r.ended_at = number_or(o, "ended_at", 0);
  r.timeline = timeline_from_json(o);
  const json::value* interrupted = o.if_contains("interrupted");
  r.interrupted = interrupted && interrupted->is_bool() && interrupted->get_bool();
  return r;
}

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
      shard = shard_from_json(doc);
      if (doc.contains("start_at")) skew = number(doc, "start_skew_ms");
      const json::value& u = at(doc, "url");
      if (!u.is_string()) bad_key("url", "is not a string");
      const json::object& options = object(doc, "options");
      if (url.empty()) {
        url = u.get_string();
        report.description = description_from_json(url, options);
      } else if (u.get_string() != url) {
        throw UsageError(
            fmt::format("target '{}' differs from '{}': only results of the same "
                        "target can be merged",
                        std::string_view(u.get_string()), url));
      }
      compare = compare && optional_bool(options, "compare").value_or(false);
      for (const json::value& v : at(doc, "runs").get_array()) {
        if (!v.is_object()) bad_key("runs", "holds an entry that is not an object");
        RunResult run = run_from_json(v.get_object());
        if (shard) {
          report.shard_rows.push_back(ShardRow{path, shard->index, shard->count, run.mode,
                                               run.requests, run.failed, run.rps, skew});
        }
        auto slot = std::find_if(by_mode.begin(), by_mode.end(),
                                 [&](const auto& runs) { return runs.front().mode == run.mode; });
        if (slot == by_mode.end()) {
          by_mode.push_back({std::move(run)});
        } else {
          slot->push_back(std::move(run));
        }
      }
      const json::value* interrupted = doc.if_contains("interrupted");
      if (interrupted && interrupted->is_bool() && interrupted->get_bool()) {
        report.interrupted = true;
      }
    } catch (const UsageError& e) {
      throw UsageError(fmt::format("'{}': {}", path, e.what()));
    }
    shards.add(path, shard, object(doc, "options"));
    table.add(path, object(doc, "options"));
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
  for (const auto& runs : by_mode) {
    RunResult merged = combine_runs(runs);
    MergeModeSpan span;
    span.mode = merged.mode;
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
