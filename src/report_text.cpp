#include <iterator>

#include <fmt/format.h>

#include "httpbench/report.hpp"

namespace httpbench {

namespace {

using Out = std::back_insert_iterator<fmt::memory_buffer>;

std::string format_bytes(std::uint64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (b >= 1024.0 * 1024 * 1024) return fmt::format("{:.2f} GiB", b / (1024.0 * 1024 * 1024));
  if (b >= 1024.0 * 1024) return fmt::format("{:.2f} MiB", b / (1024.0 * 1024));
  if (b >= 1024.0) return fmt::format("{:.2f} KiB", b / 1024.0);
  return fmt::format("{} B", bytes);
}

std::string format_ms(double ms) {
  if (ms >= 1000) return fmt::format("{:.2f}s", ms / 1000);
  if (ms >= 1) return fmt::format("{:.2f}ms", ms);
  return fmt::format("{:.1f}us", ms * 1000);
}

std::string format_seconds(double s) {
  if (s >= 1) return fmt::format("{:.2f}s", s);
  return fmt::format("{:.1f}ms", s * 1000);
}

void write_run(Out out, const RunResult& r) {
  fmt::format_to(out, "[{}] {} requests in {}, {:.2f} req/s{}\n", mode_name(r.mode), r.requests,
                 format_seconds(r.elapsed_s), r.rps, r.interrupted ? " (interrupted)" : "");
  fmt::format_to(out, "  succeeded  {}\n  failed     {}", r.succeeded, r.failed);
  if (r.failed != 0) {
    const char* sep = " (";
    for (ErrorKind k : kAllErrorKinds) {
      if (r.error_count(k) == 0) continue;
      fmt::format_to(out, "{}{} {}", sep, kind_name(k), r.error_count(k));
      sep = ", ";
    }
    fmt::format_to(out, ")");
  }
  fmt::format_to(out, "\n");
  if (r.aborted != 0)
    fmt::format_to(out, "  aborted    {} (in flight at interruption)\n", r.aborted);
  for (ErrorKind k : kAllErrorKinds) {
    const std::string& example = r.error_examples[static_cast<std::size_t>(k)];
    if (!example.empty()) fmt::format_to(out, "    {}: {}\n", kind_name(k), example);
  }
  if (!r.status_codes.empty()) {
    fmt::format_to(out, "  status    ");
    for (const auto& [code, count] : r.status_codes)
      fmt::format_to(out, " {}: {}", code, count);
    fmt::format_to(out, "\n");
  }
  if (r.succeeded != 0) {
    const LatencySummary& l = r.latency;
    fmt::format_to(out, "  latency    min {}  mean {}  p50 {}  p90 {}  p99 {}  max {}\n",
                   format_ms(l.min), format_ms(l.mean), format_ms(l.p50), format_ms(l.p90),
                   format_ms(l.p99), format_ms(l.max));
  }
  fmt::format_to(out, "  received   {} over {} connection{}\n", format_bytes(r.bytes_received),
                 r.connections, r.connections == 1 ? "" : "s");
  fmt::format_to(out, "  client cpu {} ({:.1f}us per request)\n", format_seconds(r.cpu_s),
                 r.requests ? r.cpu_s * 1e6 / static_cast<double>(r.requests) : 0.0);
}

void write_comparison(Out out, const Report& report) {
  const Comparison& c = *report.comparison;
  fmt::format_to(out, "\nComparison (baseline: {})\n", mode_name(c.baseline));
  fmt::format_to(out, "  {:<8} {:>10} {:>12}  {}\n", "mode", "wall time", "req/s", "speedup");
  const RunResult& base = report.runs.front();
  fmt::format_to(out, "  {:<8} {:>10} {:>12.2f}  baseline\n", mode_name(base.mode),
                 format_seconds(base.elapsed_s), base.rps);
  for (std::size_t i = 1; i < report.runs.size(); ++i) {
    const RunResult& r = report.runs[i];
    const Speedup& s = c.speedups[i - 1];
    std::string verdict;
    if (s.factor <= 0) {
      verdict = "n/a (no requests ended)";
    } else if (s.factor >= 1) {
      verdict = fmt::format("{:.2f}x faster, -{:.1f}% wall time", s.factor, s.time_saved_pct);
    } else {
      verdict = fmt::format("{:.2f}x slower, +{:.1f}% wall time", 1 / s.factor, -s.time_saved_pct);
    }
    fmt::format_to(out, "  {:<8} {:>10} {:>12.2f}  {}\n", mode_name(r.mode),
                   format_seconds(r.elapsed_s), r.rps, verdict);
  }
}

}  // namespace

std::string format_text(const Report& report) {
  fmt::memory_buffer buf;
  Out out(buf);
  const Options& o = report.options;
  fmt::format_to(out, "httpbench {}: {}\n", report.version, o.target.url());
  fmt::format_to(out, "{} requests per mode, concurrency {}, keep-alive {}, timeout {}\n\n",
                 o.requests, o.concurrency,
                 o.keep_alive ? "on (connections reused)" : "off (new connection per request)",
                 format_seconds(static_cast<double>(o.timeout.count()) / 1e9));
  for (std::size_t i = 0; i < report.runs.size(); ++i) {
    if (i) fmt::format_to(out, "\n");
    write_run(out, report.runs[i]);
  }
  if (report.comparison) write_comparison(out, report);
  if (report.interrupted) fmt::format_to(out, "\ninterrupted: results above are partial\n");
  return fmt::to_string(buf);
}

}  // namespace httpbench
