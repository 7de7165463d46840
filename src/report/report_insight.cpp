#include "httpbench/report/report_insight.hpp"

#include <functional>
#include <iterator>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "httpbench/report/insight.hpp"
#include "httpbench/report/run_label.hpp"
#include "httpbench/report/text_format.hpp"

namespace httpbench {

namespace json = boost::json;

namespace {

using Out = std::back_insert_iterator<fmt::memory_buffer>;

unsigned cores() {
  return std::max(1u, std::thread::hardware_concurrency());
}

std::string ms(double v) {
  return format_ms(v);
}

// A phase of a run: its summary, and whether the run has any sample of it.
struct PhaseColumn {
  const char* name;
  std::function<const LatencySummary&(const RunResult&)> summary;
  std::function<std::uint64_t(const RunResult&)> samples;
};

const std::vector<PhaseColumn>& phases() {
  static const std::vector<PhaseColumn> all = {
      {"connect", [](const RunResult& r) -> const LatencySummary& { return r.connect_time; },
       [](const RunResult& r) { return r.connect_histogram.count(); }},
      {"tls", [](const RunResult& r) -> const LatencySummary& { return r.tls_handshake_time; },
       [](const RunResult& r) { return r.tls_handshake_histogram.count(); }},
      {"ttfb", [](const RunResult& r) -> const LatencySummary& { return r.ttfb_time; },
       [](const RunResult& r) { return r.ttfb_histogram.count(); }},
      {"body", [](const RunResult& r) -> const LatencySummary& { return r.body_time; },
       [](const RunResult& r) { return r.body_histogram.count(); }},
  };
  return all;
}

std::uint64_t rss_added_kb(const RunResult& r) {
  return r.rss_peak_kb > r.rss_start_kb ? r.rss_peak_kb - r.rss_start_kb : 0;
}

double cpu_us_per_request(const RunResult& r) {
  return r.requests == 0 ? 0 : r.cpu_s * 1e6 / static_cast<double>(r.requests);
}

std::string memory_cell(const RunResult& r) {
  if (r.rss_peak_kb == 0) return "-";
  const double added_mib = static_cast<double>(rss_added_kb(r)) / 1024.0;
  if (r.mode == Mode::sync || r.concurrency_requested < 2)
    return fmt::format("+{:.1f} MiB", added_mib);
  return fmt::format(
      "+{:.1f} MiB, {:.1f} KiB/conn", added_mib,
      static_cast<double>(rss_added_kb(r)) / static_cast<double>(r.concurrency_requested));
}

json::object summary_json(const LatencySummary& l) {
  return {{"mean", l.mean}, {"p50", l.p50}, {"p99", l.p99}};
}

}  // namespace

std::string format_insight_text(const Report& report) {
  if (report.runs.empty()) return {};
  fmt::memory_buffer buf;
  Out out(buf);
  const RunResult& base = report.runs.front();
  const bool deltas = report.comparison.has_value();
  constexpr int kLabel = 13;
  constexpr int kCell = 34;
  fmt::format_to(out, "\nWhere the time went (mean / p99 of successful requests{})\n",
                 deltas ? fmt::format("; in brackets the change of the mean against {}",
                                      run_label(base, labels_protocol(report.runs)))
                        : "");
  fmt::format_to(out, "  {:<{}}", "", kLabel);
  for (const RunResult& r : report.runs)
    fmt::format_to(out, "{:<{}}", run_label(r, labels_protocol(report.runs)), kCell);
  const std::optional<std::string> no_lookup =
      report.merged_from.empty() ? report.description.no_dns_lookup : std::nullopt;
  fmt::format_to(out, "\n  {:<{}}{}\n", "dns", kLabel,
                 no_lookup ? fmt::format("no lookup ({})", *no_lookup)
                           : fmt::format("{} once before the run", ms(report.dns_ms)));
  for (const PhaseColumn& p : phases()) {
    bool any = false;
    for (const RunResult& r : report.runs)
      any = any || p.samples(r) != 0;
    if (!any) continue;
    fmt::format_to(out, "  {:<{}}", p.name, kLabel);
    for (const RunResult& r : report.runs) {
      std::string cell = "-";
      if (p.samples(r) != 0) {
        const LatencySummary& l = p.summary(r);
        cell = fmt::format("{} / {}", ms(l.mean), ms(l.p99));
        if (deltas && &r != &base && p.samples(base) != 0) {
          const double d = l.mean - p.summary(base).mean;
          cell += fmt::format(" ({}{})", d < 0 ? "-" : "+", ms(std::abs(d)));
        }
      }
      fmt::format_to(out, "{:<{}}", cell, kCell);
    }
    fmt::format_to(out, "\n");
  }
  const auto row = [&](const char* label, const std::function<std::string(const RunResult&)>& f) {
    fmt::format_to(out, "  {:<{}}", label, kLabel);
    for (const RunResult& r : report.runs)
      fmt::format_to(out, "{:<{}}", f(r), kCell);
    fmt::format_to(out, "\n");
  };
  row("in flight", [](const RunResult& r) {
    return fmt::format("{:.1f} (peak {} of {})", r.concurrency_mean, r.concurrency_peak,
                       r.concurrency_requested);
  });
  row("Little's law", [](const RunResult& r) {
    return fmt::format("{:.1f} = {:.0f}/s x {}", littles_law_in_flight(r),
                       r.elapsed_s > 0 ? static_cast<double>(r.requests) / r.elapsed_s : 0.0,
                       ms(r.service_time.mean));
  });
  if (deltas && base.mode == Mode::sync) {
    row("server", [&](const RunResult& r) {
      const auto p = server_parallelism(report, r);
      return p ? fmt::format("~{:.1f} at once", *p) : std::string("-");
    });
  }
  row("connections", [](const RunResult& r) {
    return fmt::format("{} opened, {} reused", r.connections, r.connections_reused);
  });
  row("client CPU", [](const RunResult& r) {
    const ClientLoad load = assess_client(r, cores());
    std::string cell = fmt::format("{:.0f}% of {} thread{}", load.cpu_utilisation * 100,
                                   r.client_threads, r.client_threads == 1 ? "" : "s");
    if (load.loop_lag_p99_ms) cell += fmt::format(", lag {}", ms(*load.loop_lag_p99_ms));
    return cell;
  });
  row("CPU/req", [](const RunResult& r) { return fmt::format("{:.1f}us", cpu_us_per_request(r)); });
  row("memory", memory_cell);
  for (const std::string& note : insight_notes(report, cores()))
    fmt::format_to(out, "note: {}\n", note);
  return fmt::to_string(buf);
}

void add_insight_json(const Report& report, const RunResult& r, json::object& out) {
  // null like the other phases when there was none (no lookup, or a merge of files).
  json::object by_phase;
  if (report.merged_from.empty() && !report.description.no_dns_lookup) {
    by_phase["dns"] = json::object{{"mean", report.dns_ms},
                                   {"p50", report.dns_ms},
                                   {"p99", report.dns_ms},
                                   {"once_per_run", true}};
  } else {
    by_phase["dns"] = nullptr;
  }
  for (const PhaseColumn& p : phases()) {
    if (p.samples(r) != 0) {
      by_phase[p.name] = summary_json(p.summary(r));
    } else {
      by_phase[p.name] = nullptr;
    }
  }
  out["phases_ms"] = std::move(by_phase);
  json::value parallel = nullptr;
  if (auto p = server_parallelism(report, r)) parallel = *p;
  out["concurrency"] = json::object{{"requested", r.concurrency_requested},
                                    {"achieved_mean", r.concurrency_mean},
                                    {"achieved_peak", r.concurrency_peak},
                                    {"littles_law", littles_law_in_flight(r)},
                                    {"server_parallelism", std::move(parallel)}};
  // "connections" stays the count it has always been (the output contract); the split is here.
  out["connection_use"] = json::object{{"opened", r.connections}, {"reused", r.connections_reused}};
  const ClientLoad load = assess_client(r, cores());
  json::value lag = nullptr;
  if (load.loop_lag_p99_ms) {
    lag = json::object{{"p50", r.loop_lag.p50}, {"p99", r.loop_lag.p99}, {"max", r.loop_lag.max}};
  }
  out["client"] = json::object{{"threads", r.client_threads},
                               {"cpu_utilisation", load.cpu_utilisation},
                               {"loop_lag_ms", std::move(lag)},
                               {"bound", load.bound}};
  json::value per_connection = nullptr;
  if (r.rss_peak_kb != 0 && r.concurrency_requested != 0) {
    per_connection =
        static_cast<double>(rss_added_kb(r)) / static_cast<double>(r.concurrency_requested);
  }
  out["resources"] = json::object{{"cpu_us_per_request", cpu_us_per_request(r)},
                                  {"rss_start_kb", r.rss_start_kb},
                                  {"rss_peak_kb", r.rss_peak_kb},
                                  {"rss_added_kb", rss_added_kb(r)},
                                  {"rss_added_kb_per_connection", std::move(per_connection)}};
}

void add_report_insight_json(const Report& report, json::object& doc) {
  json::array notes;
  for (const std::string& n : insight_notes(report, cores()))
    notes.emplace_back(n);
  doc["notes"] = std::move(notes);
  json::value* comparison = doc.if_contains("comparison");
  if (!comparison || !comparison->is_object() || report.runs.size() < 2) return;
  const RunResult& base = report.runs.front();
  json::object deltas;
  for (std::size_t i = 1; i < report.runs.size(); ++i) {
    json::object mode;
    for (const PhaseColumn& p : phases()) {
      if (p.samples(base) != 0 && p.samples(report.runs[i]) != 0) {
        mode[p.name] = p.summary(report.runs[i]).mean - p.summary(base).mean;
      }
    }
    deltas[run_label(report.runs[i], labels_protocol(report.runs))] = std::move(mode);
  }
  comparison->get_object()["phase_deltas_ms"] = std::move(deltas);
}

}  // namespace httpbench
