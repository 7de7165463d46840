#include "httpbench/report/baseline.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "httpbench/report/report_model.hpp"
#include "httpbench/report/result_json.hpp"
#include "httpbench/report/run_label.hpp"
#include "httpbench/stats/error.hpp"

namespace httpbench {

namespace json = boost::json;

namespace {

// The saved interval of one figure ("trials" -> "modes" -> MODE -> KEY), when it has one.
std::optional<Interval> saved_interval(const json::object& doc, const std::string& label,
                                       std::string_view key) {
  const json::value* trials = doc.if_contains("trials");
  if (!trials || !trials->is_object()) return std::nullopt;
  const json::value* modes = trials->get_object().if_contains("modes");
  const json::value* m =
      modes && modes->is_object() ? modes->get_object().if_contains(label) : nullptr;
  const json::value* f = m && m->is_object() ? m->get_object().if_contains(key) : nullptr;
  if (!f || !f->is_object()) return std::nullopt;
  const json::object& o = f->get_object();
  auto num = [&](std::string_view k) -> std::optional<double> {
    const json::value* v = o.if_contains(k);
    if (!v) return std::nullopt;
    if (v->is_double()) return v->get_double();
    if (v->is_int64()) return static_cast<double>(v->get_int64());
    if (v->is_uint64()) return static_cast<double>(v->get_uint64());
    return std::nullopt;
  };
  const auto n = num("n"), median = num("median"), low = num("low"), high = num("high");
  if (!n || !median || !low || !high || *n < 2) return std::nullopt;
  Interval iv;
  iv.n = static_cast<std::size_t>(*n);
  iv.median = *median;
  iv.low = *low;
  iv.high = *high;
  iv.confidence = num("confidence").value_or(0);
  iv.min = num("min").value_or(*low);
  iv.max = num("max").value_or(*high);
  return iv;
}

FigureValue figure_value(double value, const std::optional<Interval>& interval) {
  if (interval) return FigureValue{interval->median, interval};
  return FigureValue{value, std::nullopt};
}

// The saved run's "options" and "runs" read into a shape; a key absent or of another type stays
// unknown (nullopt), never a default.
SavedRunShape shape_of(const json::object& doc) {
  SavedRunShape shape;
  if (const json::value* url = doc.if_contains("url"); url && url->is_string()) {
    shape.url = std::string(url->get_string());
  }
  if (const json::value* runs = doc.if_contains("runs"); runs && runs->is_array()) {
    for (const json::value& r : runs->get_array()) {
      const json::value* m = r.is_object() ? r.get_object().if_contains("mode") : nullptr;
      if (m && m->is_string()) {
        shape.modes.push_back(parse_mode(m->get_string()));
        // Files written before HTTP/2 have no "protocol": their runs were HTTP/1.x.
        const json::value* p = r.get_object().if_contains("protocol");
        shape.protocols.push_back(p && p->is_string() && p->get_string() == "h2" ? Protocol::http2
                                                                                 : Protocol::http1);
      }
    }
  }
  const json::value* o = doc.if_contains("options");
  if (!o || !o->is_object()) return shape;
  const json::object& options = o->get_object();
  const auto string_of = [&](std::string_view key) -> std::optional<std::string> {
    const json::value* v = options.if_contains(key);
    if (v && v->is_string()) return std::string(v->get_string());
    return std::nullopt;
  };
  shape.method = string_of("method");
  shape.http_version = string_of("http_version");
  if (const json::value* v = options.if_contains("concurrency")) {
    if (v->is_uint64()) shape.concurrency = v->get_uint64();
    if (v->is_int64() && v->get_int64() >= 0) {
      shape.concurrency = static_cast<std::uint64_t>(v->get_int64());
    }
  }
  if (const json::value* v = options.if_contains("rate")) {
    // null (schema 2) or 0 (schema 1): a closed loop.
    if (v->is_null()) shape.rate = 0.0;
    if (v->is_double()) shape.rate = v->get_double();
    if (v->is_int64()) shape.rate = static_cast<double>(v->get_int64());
    if (v->is_uint64()) shape.rate = static_cast<double>(v->get_uint64());
  }
  if (const json::value* v = options.if_contains("keep_alive"); v && v->is_bool()) {
    shape.keep_alive = v->get_bool();
  }
  if (const json::value* v = options.if_contains("streams")) {
    if (v->is_uint64()) shape.streams = static_cast<std::uint32_t>(v->get_uint64());
    if (v->is_int64() && v->get_int64() > 0) {
      shape.streams = static_cast<std::uint32_t>(v->get_int64());
    }
  }
  return shape;
}

template <class T>
std::string shown(const std::optional<T>& v) {
  if (!v) return "(not recorded)";
  return fmt::format("{}", *v);
}

std::string modes_text(const std::vector<Mode>& modes) {
  std::string out;
  for (Mode m : modes)
    out += fmt::format("{}{}", out.empty() ? "" : ",", mode_name(m));
  return out.empty() ? "(not recorded)" : out;
}

// Each mode with its protocol; an entry past the end of `protocols` is h1.
std::vector<RunKind> kinds_of(const std::vector<Mode>& modes,
                              const std::vector<Protocol>& protocols) {
  std::vector<RunKind> kinds;
  for (std::size_t i = 0; i < modes.size(); ++i)
    kinds.push_back(RunKind{modes[i], i < protocols.size() ? protocols[i] : Protocol::http1});
  return kinds;
}

std::string protocols_text(const std::vector<RunKind>& kinds) {
  std::string out;
  for (const RunKind& k : kinds)
    out += fmt::format("{}{}", out.empty() ? "" : ",", run_label(k, true));
  return out.empty() ? "(not recorded)" : out;
}

bool any_http2(const std::vector<RunKind>& kinds) {
  return std::any_of(kinds.begin(), kinds.end(),
                     [](const RunKind& k) { return k.protocol == Protocol::http2; });
}

std::string rate_text(const std::optional<double>& rate) {
  if (!rate) return "(not recorded)";
  return *rate > 0 ? fmt::format("{:g}/s", *rate) : "closed loop";
}

bool higher_is_better(BaselineFigure f) {
  return f == BaselineFigure::rps;
}

}  // namespace

std::string_view figure_name(BaselineFigure figure) {
  switch (figure) {
    case BaselineFigure::rps:
      return "rps";
    case BaselineFigure::p50:
      return "p50";
    case BaselineFigure::p99:
      return "p99";
  }
  return "unknown";
}

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::faster:
      return "faster";
    case Verdict::slower:
      return "slower";
    case Verdict::within_noise:
      return "within noise";
  }
  return "unknown";
}

const FigureValue& BaselineMode::figure(BaselineFigure f) const {
  switch (f) {
    case BaselineFigure::rps:
      return rps;
    case BaselineFigure::p50:
      return p50;
    case BaselineFigure::p99:
      return p99;
  }
  return rps;
}

Baseline load_baseline(const std::string& path) {
  Baseline b;
  b.path = path;
  const json::object doc = load_result_document(path);
  std::vector<RunResult> runs;
  try {
    if (const json::value* url = doc.if_contains("url"); url && url->is_string()) {
      b.url = url->get_string();
    }
    for (const json::value& v : doc.at("runs").get_array()) {
      if (!v.is_object()) throw UsageError("key 'runs' holds an entry that is not an object");
      const RunResult run = run_from_json(v.get_object());
      runs.push_back(run);
    }
    // The trials' figures are keyed by the runs' labels ("async", or "async:h2" when some run is
    // HTTP/2).
    const bool with_protocol = labels_protocol(runs);
    for (const RunResult& run : runs) {
      const std::string label = run_label(run, with_protocol);
      BaselineMode m;
      m.mode = run.mode;
      m.protocol = run.protocol;
      m.rps = figure_value(run.rps, saved_interval(doc, label, "rps"));
      m.p50 = figure_value(run.latency.p50, saved_interval(doc, label, "p50_ms"));
      m.p99 = figure_value(run.latency.p99, saved_interval(doc, label, "p99_ms"));
      b.modes.push_back(m);
    }
    b.runs = std::make_shared<const std::vector<RunResult>>(std::move(runs));
    b.shape = shape_of(doc);
  } catch (const UsageError& e) {
    throw UsageError(fmt::format("baseline '{}': {}", path, e.what()));
  }
  return b;
}

std::vector<std::string> baseline_differences(const Baseline& baseline, const RunShape& current) {
  const SavedRunShape& saved = baseline.shape;
  std::vector<std::string> out;
  const auto differ = [&](std::string_view field, const std::string& before,
                          const std::string& now) {
    out.push_back(fmt::format("{} {} vs {}", field, before, now));
  };
  if (saved.url != current.url) differ("target", shown(saved.url), current.url);
  if (saved.method != current.method) differ("method", shown(saved.method), current.method);
  // Modes run now must all be in the saved run; a saved compare run may hold more.
  const bool modes_in_saved = std::all_of(current.modes.begin(), current.modes.end(), [&](Mode m) {
    return std::find(saved.modes.begin(), saved.modes.end(), m) != saved.modes.end();
  });
  if (!modes_in_saved) differ("mode", modes_text(saved.modes), modes_text(current.modes));
  // ... and over the same protocol.
  const std::vector<RunKind> saved_kinds = kinds_of(saved.modes, saved.protocols);
  const std::vector<RunKind> current_kinds = kinds_of(current.modes, current.protocols);
  const bool kinds_in_saved =
      std::all_of(current_kinds.begin(), current_kinds.end(), [&](const RunKind& k) {
        return std::find(saved_kinds.begin(), saved_kinds.end(), k) != saved_kinds.end();
      });
  const bool all_sync = std::all_of(current.modes.begin(), current.modes.end(),
                                    [](Mode m) { return m == Mode::sync; });
  if (!all_sync && saved.concurrency != current.concurrency) {
    differ("concurrency", shown(saved.concurrency), std::to_string(current.concurrency));
  }
  if (saved.rate != current.rate) differ("rate", rate_text(saved.rate), rate_text(current.rate));
  if (saved.http_version != current.http_version) {
    differ("http version", shown(saved.http_version), current.http_version);
  }
  if (saved.keep_alive != current.keep_alive) {
    const auto on_off = [](std::optional<bool> k) -> std::string {
      return k ? (*k ? "on" : "off") : "(not recorded)";
    };
    differ("keep-alive", on_off(saved.keep_alive), on_off(current.keep_alive));
  }
  if (modes_in_saved && !kinds_in_saved) {
    differ("protocol", protocols_text(saved_kinds), protocols_text(current_kinds));
  }
  if (any_http2(current_kinds) && saved.streams != current.streams) {
    differ("streams", shown(saved.streams), shown(current.streams));
  }
  return out;
}

void require_like_baseline(const Baseline& baseline, const RunShape& current) {
  const std::vector<std::string> differences = baseline_differences(baseline, current);
  if (differences.empty()) return;
  std::string list;
  for (const std::string& d : differences)
    list += (list.empty() ? "" : ", ") + d;
  throw UsageError(fmt::format(
      "--baseline: saved run differs: {} (use --baseline-any to compare anyway)", list));
}

std::vector<BaselineMode> figures_of(const Report& report) {
  std::vector<BaselineMode> modes;
  for (std::size_t i = 0; i < report.runs.size(); ++i) {
    const RunResult& run = report.runs[i];
    BaselineMode m;
    m.mode = run.mode;
    m.protocol = run.protocol;
    const ModeTrialStats* stats = nullptr;
    if (report.trial_stats && report.trial_stats->count >= 2) {
      for (const ModeTrialStats& s : report.trial_stats->modes) {
        if (s.mode == run.mode && s.protocol == run.protocol) stats = &s;
      }
    }
    if (stats) {
      m.rps = figure_value(0, stats->rps);
      m.p50 = figure_value(0, stats->p50_ms);
      m.p99 = figure_value(0, stats->p99_ms);
    } else {
      m.rps = figure_value(run.rps, std::nullopt);
      m.p50 = figure_value(run.latency.p50, std::nullopt);
      m.p99 = figure_value(run.latency.p99, std::nullopt);
    }
    modes.push_back(m);
  }
  return modes;
}

BaselineComparison compare_with_baseline(const Baseline& baseline,
                                         const std::vector<BaselineMode>& current) {
  BaselineComparison c;
  c.path = baseline.path;
  c.runs = baseline.runs;
  const auto http2 = [](const BaselineMode& m) { return m.protocol == Protocol::http2; };
  c.labels_protocol = std::any_of(current.begin(), current.end(), http2) ||
                      std::any_of(baseline.modes.begin(), baseline.modes.end(), http2);
  for (const BaselineMode& now : current) {
    const BaselineMode* before = nullptr;
    for (const BaselineMode& b : baseline.modes) {
      if (b.mode == now.mode && b.protocol == now.protocol) before = &b;
    }
    if (!before) {
      c.missing.push_back(RunKind{now.mode, now.protocol});
      continue;
    }
    for (BaselineFigure f : kBaselineFigures) {
      const FigureValue& b = before->figure(f);
      const FigureValue& n = now.figure(f);
      FigureChange change;
      change.mode = now.mode;
      change.protocol = now.protocol;
      change.figure = f;
      change.baseline = b.value;
      change.current = n.value;
      change.change_pct = b.value != 0 ? (n.value - b.value) / b.value * 100.0 : 0.0;
      const bool higher = n.value > b.value;
      change.worse = higher_is_better(f) ? n.value < b.value : higher;
      change.by_interval = b.interval && n.interval;
      if (change.by_interval) {
        change.significant =
            n.interval->high < b.interval->low || n.interval->low > b.interval->high;
      } else {
        change.significant = std::abs(change.change_pct) > kNoiseBandPct;
      }
      if (!change.significant || n.value == b.value) {
        change.verdict = Verdict::within_noise;
      } else {
        change.verdict = change.worse ? Verdict::slower : Verdict::faster;
      }
      c.changes.push_back(change);
    }
  }
  return c;
}

std::vector<FigureChange> regressions(const BaselineComparison& comparison, double max_pct) {
  std::vector<FigureChange> out;
  for (const FigureChange& c : comparison.changes) {
    if (!c.worse || !c.significant) continue;
    // Worse by more than max_pct: for requests/s a drop, for latency a rise.
    if (std::abs(c.change_pct) > max_pct) out.push_back(c);
  }
  return out;
}

std::string describe_change(const FigureChange& c) {
  const bool latency = c.figure != BaselineFigure::rps;
  auto value = [&](double v) {
    return latency ? fmt::format("{:.2f}ms", v) : fmt::format("{:.2f} req/s", v);
  };
  return fmt::format("{} {} {} vs baseline {} ({:+.1f}%)",
                     change_label(c, c.protocol == Protocol::http2), figure_name(c.figure),
                     value(c.current), value(c.baseline), c.change_pct);
}

std::string change_label(const FigureChange& change, bool with_protocol) {
  return run_label(RunKind{change.mode, change.protocol}, with_protocol);
}

}  // namespace httpbench
