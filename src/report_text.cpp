#include <algorithm>
#include <array>
#include <iterator>
#include <string_view>

#include <fmt/format.h>

#include "httpbench/report.hpp"
#include "httpbench/schedule.hpp"

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

void write_latency(Out out, std::string_view label, const LatencySummary& l) {
  fmt::format_to(out, "  {:<10} min {}  mean {}  stdev {}  max {}\n", label, format_ms(l.min),
                 format_ms(l.mean), format_ms(l.stdev), format_ms(l.max));
  fmt::format_to(out, "  {:<10} p50 {}  p75 {}  p90 {}  p95 {}  p99 {}  p99.9 {}  p99.99 {}\n", "",
                 format_ms(l.p50), format_ms(l.p75), format_ms(l.p90), format_ms(l.p95),
                 format_ms(l.p99), format_ms(l.p999), format_ms(l.p9999));
}

// hey-style bars: the latency range split into equal bins, each with its count and a bar scaled
// to the largest bin and the terminal width.
void write_distribution(Out out, const Histogram& h, int width) {
  constexpr int kBins = 10;
  if (h.count() == 0) return;
  const double lo = static_cast<double>(h.min());
  const double hi = static_cast<double>(h.max());
  const double step = (hi - lo) / kBins;
  std::array<std::uint64_t, kBins + 1> counts{};
  h.for_each_bucket([&](std::uint64_t low, std::uint64_t high, std::uint64_t n) {
    const double mid =
        std::clamp((static_cast<double>(low) + static_cast<double>(high)) / 2, lo, hi);
    const int bin = step > 0 ? std::min(kBins, static_cast<int>((mid - lo) / step + 0.5)) : 0;
    counts[static_cast<std::size_t>(bin)] += n;
  });
  const std::uint64_t largest = *std::max_element(counts.begin(), counts.end());
  const int bar_room = std::max(10, width - 32);
  fmt::format_to(out, "  distribution\n");
  for (int b = 0; b <= kBins; ++b) {
    if (step == 0 && b > 0) break;
    const std::uint64_t n = counts[static_cast<std::size_t>(b)];
    const auto bar = static_cast<std::size_t>(
        largest ? static_cast<double>(n) / static_cast<double>(largest) * bar_room : 0);
    fmt::format_to(out, "  {:>10} [{:>8}] |{}\n", format_ms((lo + step * b) / 1e6), n,
                   std::string(bar, '#'));
  }
}

void write_run(Out out, const RunResult& r, const TextStyle& style) {
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
    write_latency(out, r.open_loop ? "latency*" : "latency", r.latency);
    if (r.open_loop) {
      write_latency(out, "service", r.service_time);
      fmt::format_to(out,
                     "  * measured from each request's intended send time (coordinated omission "
                     "corrected); service time is from the actual send\n");
    }
  }
  if (r.open_loop) {
    fmt::format_to(out, "  schedule   target {:.1f} req/s, achieved {:.1f} req/s", r.target_rate,
                   r.rps);
    if (r.late_starts != 0) {
      fmt::format_to(out, "; {} requests started late, up to {} behind (all connections busy)",
                     r.late_starts, format_ms(r.max_start_lag_ms));
    } else {
      fmt::format_to(out, ", on schedule");
    }
    fmt::format_to(out, "\n");
  }
  if (r.after_deadline != 0) {
    fmt::format_to(out, "  after the deadline: {} in flight at the deadline, ended later\n",
                   r.after_deadline);
  }
  if (r.reconnects != 0) {
    fmt::format_to(out, "  reconnects {} (kept-alive connections the server had closed)\n",
                   r.reconnects);
  }
  if (r.connections != 0) {
    fmt::format_to(out, "  connect    mean {}  p99 {}  max {}\n", format_ms(r.connect_time.mean),
                   format_ms(r.connect_time.p99), format_ms(r.connect_time.max));
  }
  fmt::format_to(out, "  received   {}; {} connection{} opened\n", format_bytes(r.bytes_received),
                 r.connections, r.connections == 1 ? "" : "s");
  fmt::format_to(out, "  client cpu {} ({:.1f}us per request)\n", format_seconds(r.cpu_s),
                 r.requests ? r.cpu_s * 1e6 / static_cast<double>(r.requests) : 0.0);
  write_distribution(out, r.histogram, style.width);
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

std::string format_text(const Report& report, const TextStyle& style) {
  fmt::memory_buffer buf;
  Out out(buf);
  const Options& o = report.options;
  fmt::format_to(out, "httpbench {}: {}\n", report.version, o.target.url());
  std::string amount;
  if (o.requests != Schedule::kUnlimited) amount = fmt::format("{} requests", o.requests);
  if (o.duration) {
    amount += fmt::format("{}{}", amount.empty() ? "" : " or ",
                          format_seconds(static_cast<double>(o.duration->count()) / 1e9));
  }
  fmt::format_to(out, "{} per mode, concurrency {}, keep-alive {}, timeout {}", amount,
                 o.concurrency,
                 o.keep_alive ? "on (connections reused)" : "off (new connection per request)",
                 format_seconds(static_cast<double>(o.timeout.count()) / 1e9));
  if (o.rate > 0) fmt::format_to(out, ", rate {:.1f} req/s", o.rate);
  if (o.warmup_requests) fmt::format_to(out, ", warm-up {} requests", o.warmup_requests);
  if (o.warmup_duration) {
    fmt::format_to(out, ", warm-up {}",
                   format_seconds(static_cast<double>(o.warmup_duration->count()) / 1e9));
  }
  fmt::format_to(out, "\nDNS resolved once before the run in {}\n\n", format_ms(report.dns_ms));
  for (std::size_t i = 0; i < report.runs.size(); ++i) {
    if (i) fmt::format_to(out, "\n");
    write_run(out, report.runs[i], style);
  }
  if (report.comparison) write_comparison(out, report);
  if (report.interrupted) fmt::format_to(out, "\ninterrupted: results above are partial\n");
  return fmt::to_string(buf);
}

}  // namespace httpbench
