#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "httpbench/report/report.hpp"
#include "httpbench/report/report_insight.hpp"
#include "httpbench/report/report_merge.hpp"
#include "httpbench/report/report_sweep.hpp"
#include "httpbench/report/report_urls.hpp"
#include "httpbench/report/run_label.hpp"
#include "httpbench/report/text_format.hpp"
#include "httpbench/stats/redact.hpp"

namespace httpbench {

namespace {

using Out = std::back_insert_iterator<fmt::memory_buffer>;

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

// "HTTP/2, 5 connections x 8 streams": the protocol and how the requests in flight were laid on
// connections, as asked (the connections actually opened are on the "received" line).
std::string protocol_line(const RunResult& r) {
  if (r.protocol != Protocol::http2) {
    return "HTTP/1.1, one request at a time per connection";
  }
  const std::uint64_t streams = std::max<std::uint32_t>(r.streams_per_connection, 1);
  const std::uint64_t in_flight = std::max<std::uint64_t>(r.concurrency_requested, 1);
  const std::uint64_t connections = (in_flight + streams - 1) / streams;
  return fmt::format("HTTP/2, {} connection{} x {} stream{}", connections,
                     connections == 1 ? "" : "s", streams, streams == 1 ? "" : "s");
}

void write_run(Out out, const RunResult& r, const TextStyle& style, bool with_protocol) {
  // The headline is what succeeded: quick errors must not pass for throughput.
  fmt::format_to(out, "[{}] {} requests in {}, {:.2f} req/s", run_label(r, with_protocol),
                 r.requests, format_seconds(r.elapsed_s), r.rps);
  if (r.failed != 0) fmt::format_to(out, " succeeded ({:.2f} req/s in total)", r.total_rps);
  fmt::format_to(out, "{}\n", r.interrupted ? " (interrupted)" : "");
  if (with_protocol) fmt::format_to(out, "  protocol   {}\n", protocol_line(r));
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
  if (r.dropped != 0) {
    fmt::format_to(out,
                   "  dropped    {} (due on the schedule but never sent: the deadline came first, "
                   "or they could not start within --timeout of their time)\n",
                   r.dropped);
  }
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
                   r.total_rps);
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
  if (r.tls_full_handshakes + r.tls_resumed_handshakes != 0) {
    fmt::format_to(out, "  tls        {} full handshakes, {} resumed; handshake mean {}  p99 {}\n",
                   r.tls_full_handshakes, r.tls_resumed_handshakes,
                   format_ms(r.tls_handshake_time.mean), format_ms(r.tls_handshake_time.p99));
  }
  if (r.redirects != 0) {
    fmt::format_to(out, "  redirects  {} followed", r.redirects);
    if (r.cross_origin_redirects != 0) {
      fmt::format_to(out, ", {} to other origins", r.cross_origin_redirects);
    }
    fmt::format_to(out, "\n");
  }
  if (r.unfollowed_cross_origin != 0) {
    fmt::format_to(out,
                   "  note: {} response{} redirected to another origin and {} not followed "
                   "(the 3xx is the result); add --follow-cross-origin to follow them\n",
                   r.unfollowed_cross_origin, r.unfollowed_cross_origin == 1 ? "" : "s",
                   r.unfollowed_cross_origin == 1 ? "was" : "were");
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
  fmt::format_to(out, "{}", format_urls_text(r));
  write_distribution(out, r.histogram, style.width);
}

void write_comparison(Out out, const Report& report) {
  const Comparison& c = *report.comparison;
  const bool p = labels_protocol(report.runs);
  fmt::format_to(out, "\nComparison (baseline: {})\n",
                 run_label(RunKind{c.baseline, c.baseline_protocol}, p));
  // "async:h2" is wider than a mode name; HTTP/1.x-only output keeps its columns.
  const std::size_t w = p ? 11 : 8;
  fmt::format_to(out, "  {:<{}} {:>10} {:>12}  {}\n", "mode", w, "wall time", "req/s", "speedup");
  const RunResult& base = report.runs.front();
  fmt::format_to(out, "  {:<{}} {:>10} {:>12.2f}  baseline\n", run_label(base, p), w,
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
    fmt::format_to(out, "  {:<{}} {:>10} {:>12.2f}  {}\n", run_label(r, p), w,
                   format_seconds(r.elapsed_s), r.rps, verdict);
  }
  if (report.trial_stats && report.trial_stats->count > 1) {
    fmt::format_to(out,
                   "  speedup: median of the {} per-trial ratios (below); wall time and req/s add "
                   "up the trials\n",
                   report.trial_stats->count);
  }
}

// "75%", "96.8%": the confidence an interval actually has (below 95% with few trials), rounded
// down so it never claims more.
std::string confidence_pct(const Interval& iv) {
  return fmt::format("{:g}%", std::floor(iv.confidence * 1000) / 10);
}

void write_interval(Out out, std::string_view label, std::string_view figure, const Interval& iv,
                    std::string (*fmt_value)(double), std::size_t width = 8) {
  fmt::format_to(out, "  {:<{}} {:<6} {:>10}  [{} - {}]  min {}  max {}\n", label, width, figure,
                 fmt_value(iv.median), fmt_value(iv.low), fmt_value(iv.high), fmt_value(iv.min),
                 fmt_value(iv.max));
}

std::string format_rps(double v) {
  return fmt::format("{:.2f}", v);
}

void write_trials(Out out, const Report& report) {
  const TrialStats& t = *report.trial_stats;
  const bool p = labels_protocol(report.runs);
  const std::size_t w = p ? 11 : 8;
  fmt::format_to(out, "\nTrials: {} per mode, modes alternating; median [interval] min max\n",
                 t.count);
  for (const ModeTrialStats& m : t.modes) {
    write_interval(out, run_label(RunKind{m.mode, m.protocol}, p), "req/s", m.rps, format_rps, w);
    write_interval(out, "", "p50", m.p50_ms, format_ms, w);
    write_interval(out, "", "p90", m.p90_ms, format_ms, w);
    write_interval(out, "", "p99", m.p99_ms, format_ms, w);
  }
  const Interval& any = t.modes.empty() ? Interval{} : t.modes.front().rps;
  fmt::format_to(out,
                 "  interval: order statistics for the median (distribution-free), {} "
                 "confidence with {} trials{}\n",
                 confidence_pct(any), t.count,
                 any.confidence < kTargetConfidence ? "; 6 or more trials give 95%" : "");
  if (!t.baseline || t.speedups.empty()) return;
  const std::string base = run_label(RunKind{*t.baseline, t.baseline_protocol}, p);
  fmt::format_to(out, "\nSpeedup per trial pair (baseline: {})\n", base);
  for (const SpeedupTrialStats& s : t.speedups) {
    const Interval& f = s.factor;
    const std::string label = run_label(RunKind{s.mode, s.protocol}, p);
    if (f.n == 0) {
      fmt::format_to(out, "  {}: n/a (no requests ended)\n", label);
      continue;
    }
    const bool faster = f.median >= 1;
    // Slower modes read better as "2x slower" than "0.5x faster": invert the factor and bounds.
    const double mid = faster ? f.median : 1 / f.median;
    const double lo = faster ? f.low : 1 / f.high;
    const double hi = faster ? f.high : 1 / f.low;
    fmt::format_to(out, "  {} {:.2f}x {} than {} ({} {:.2f}x-{:.2f}x)", label, mid,
                   faster ? "faster" : "slower", base, confidence_pct(f) + " CI", lo, hi);
    if (!s.significant) {
      fmt::format_to(out, ": not significant{}",
                     f.n < 2 ? " (one trial)" : " (the interval includes 1.0x)");
    }
    fmt::format_to(out, "\n");
  }
}

void write_baseline(Out out, const BaselineComparison& b) {
  const bool p = b.labels_protocol;
  const std::size_t w = p ? 11 : 8;
  fmt::format_to(out, "\nBaseline ({})\n", b.path);
  fmt::format_to(out, "  {:<{}} {:<6} {:>12} {:>12} {:>8}  {}\n", "mode", w, "figure", "baseline",
                 "current", "change", "verdict");
  for (const FigureChange& c : b.changes) {
    const bool latency = c.figure != BaselineFigure::rps;
    auto value = [&](double v) { return latency ? format_ms(v) : format_rps(v); };
    fmt::format_to(
        out, "  {:<{}} {:<6} {:>12} {:>12} {:>+7.1f}%  {}{}\n", change_label(c, p), w,
        figure_name(c.figure), value(c.baseline), value(c.current), c.change_pct,
        verdict_name(c.verdict),
        c.by_interval ? "" : fmt::format(" (no intervals: {:.0f}% band)", kNoiseBandPct));
  }
  for (const RunKind& m : b.missing)
    fmt::format_to(out, "  {:<{}} not in the baseline file\n", run_label(m, p), w);
}

void write_checks(Out out, const std::vector<CheckOutcome>& checks) {
  fmt::format_to(out, "\nChecks\n");
  for (const CheckOutcome& c : checks) {
    fmt::format_to(out, "  {}  {}  ({})\n", c.passed ? "pass" : "FAIL", c.expression, c.detail);
  }
}

// "HTTP/1.1", "HTTP/1.0", "HTTP/2", or "HTTP/1.1 and HTTP/2" when runs of both are compared.
std::string request_version(const RunDescription& d) {
  bool h1 = false;
  bool h2 = false;
  for (std::size_t i = 0; i < d.modes.size(); ++i)
    (d.protocol_of(i) == Protocol::http2 ? h2 : h1) = true;
  const std::string version = fmt::format("HTTP/{}", d.http_version.value_or("1.1"));
  if (!h2) return version;
  return h1 ? version + " and HTTP/2" : "HTTP/2";
}

// The request line and every header sent, credentials redacted; only when it is not the plain GET
// every run sent before methods, headers and bodies existed, so that output stays as it was.
void write_request(Out out, const RunDescription& d) {
  const std::string method = d.method.value_or("GET");
  const bool http10 = d.http_version == "1.0";
  if (method == "GET" && d.headers_given.empty() && !d.body_bytes && !d.content_type &&
      !d.basic_auth && !http10) {
    return;
  }
  fmt::format_to(out, "request    {} {} {}", method, d.request_target, request_version(d));
  if (d.body_bytes) fmt::format_to(out, " with a {} body", format_bytes(*d.body_bytes));
  fmt::format_to(out, "\n");
  if (d.headers) {
    for (const std::string& h : *d.headers)
      fmt::format_to(out, "  {}\n", h);
  }
}

// A shard's part of the whole run, and how punctually it started.
void write_shard(Out out, const Report& report) {
  const RunDescription& d = report.description;
  if (d.shard) {
    const ShardPart& part = *d.shard;
    fmt::format_to(out, "shard {}/{}: this process ran ", part.index, part.count);
    if (part.requests && d.requests) {
      fmt::format_to(out, "{} of the {} requests, ", *part.requests, *d.requests);
    }
    fmt::format_to(out, "concurrency {} of {}", part.concurrency, d.concurrency.value_or(0));
    if (part.rate > 0) fmt::format_to(out, ", rate {:.1f} of {:.1f} req/s", part.rate, d.rate);
    fmt::format_to(out, "\n");
  }
  if (report.start_at) {
    fmt::format_to(out, "started {} after --start-at\n", format_ms(report.start_skew_ms));
  }
}

// httpbench merge of shard files: a row per shard and mode.
void write_shard_rows(Out out, const Report& report) {
  std::vector<bool> present(report.shard_count, false);
  for (const ShardRow& r : report.shard_rows)
    present[r.shard_index] = true;
  const auto n = static_cast<std::size_t>(std::count(present.begin(), present.end(), true));
  fmt::format_to(out, "\nShards: {} of {}{}\n", n, report.shard_count,
                 n == report.shard_count ? "" : " (incomplete: totals cover only these)");
  const bool p = labels_protocol(report.runs);
  const std::size_t w = p ? 11 : 8;
  fmt::format_to(out, "  {:>7}  {:<{}} {:>10} {:>8} {:>12} {:>12}  {}\n", "shard", "mode", w,
                 "requests", "failed", "req/s", "start skew", "file");
  for (const ShardRow& r : report.shard_rows) {
    fmt::format_to(out, "  {:>7}  {:<{}} {:>10} {:>8} {:>12.1f} {:>12}  {}\n",
                   fmt::format("{}/{}", r.shard_index, r.shard_count),
                   run_label(RunKind{r.mode, r.protocol}, p), w, r.requests, r.failed, r.rps,
                   r.start_skew_ms ? format_ms(*r.start_skew_ms) : "-", r.file);
  }
}

}  // namespace

std::string format_text(const Report& report, const TextStyle& style) {
  if (report.sweep) return format_sweep_text(report);
  fmt::memory_buffer buf;
  Out out(buf);
  const RunDescription& o = report.description;
  fmt::format_to(out, "httpbench {}: {}\n", report.version, o.url);
  if (!report.merged_from.empty()) {
    fmt::format_to(out, "merged {} result files: {}\n{}\n", report.merged_from.size(),
                   fmt::join(report.merged_from, ", "),
                   report.merge ? format_merge_text(*report.merge) : std::string());
    for (std::size_t i = 0; i < report.runs.size(); ++i) {
      if (i) fmt::format_to(out, "\n");
      write_run(out, report.runs[i], style, labels_protocol(report.runs));
    }
    if (report.shard_count != 0) write_shard_rows(out, report);
    if (report.comparison) write_comparison(out, report);
    return fmt::to_string(buf);
  }
  fmt::format_to(out, "{} per mode", run_amount(o));
  if (o.concurrency) fmt::format_to(out, ", concurrency {}", *o.concurrency);
  if (o.keep_alive) {
    fmt::format_to(out, ", keep-alive {}",
                   *o.keep_alive ? "on (connections reused)" : "off (new connection per request)");
  }
  if (o.timeout) {
    fmt::format_to(out, ", timeout {}",
                   format_seconds(static_cast<double>(o.timeout->count()) / 1e9));
  }
  if (o.rate > 0) fmt::format_to(out, ", rate {:.1f} req/s", o.rate);
  if (o.ok_status && !o.ok_status_default) {
    fmt::format_to(out, ", success: status {}", *o.ok_status);
  }
  if (o.warmup_requests.value_or(0)) {
    fmt::format_to(out, ", warm-up {} requests", *o.warmup_requests);
  }
  if (o.warmup_duration) {
    fmt::format_to(out, ", warm-up {}",
                   format_seconds(static_cast<double>(o.warmup_duration->count()) / 1e9));
  }
  if (o.trials.value_or(1) > 1) {
    fmt::format_to(out, ", {} trials per mode (modes alternating; each block adds up its trials)",
                   *o.trials);
  }
  fmt::format_to(out, "\n");
  if (o.proxy) {
    fmt::format_to(out, "proxy      {}{}\n", *o.proxy,
                   o.scheme == "https" ? " (CONNECT tunnel)" : "");
  }
  if (o.unix_socket) fmt::format_to(out, "unix socket {}\n", redact_for_display(*o.unix_socket));
  write_request(out, o);
  write_shard(out, report);
  if (const auto& why = o.no_dns_lookup) {
    fmt::format_to(out, "no DNS lookup ({}{})\n\n", *why, o.proxy ? ", the proxy's host" : "");
  } else {
    fmt::format_to(out, "DNS resolved once before the run in {}{}\n\n", format_ms(report.dns_ms),
                   o.proxy ? " (the proxy's host)" : "");
  }
  for (std::size_t i = 0; i < report.runs.size(); ++i) {
    if (i) fmt::format_to(out, "\n");
    write_run(out, report.runs[i], style, labels_protocol(report.runs));
  }
  if (report.comparison) write_comparison(out, report);
  fmt::format_to(out, "{}", format_insight_text(report));
  if (report.trial_stats && report.trial_stats->count > 1) write_trials(out, report);
  if (report.baseline) write_baseline(out, *report.baseline);
  if (!report.checks.empty()) write_checks(out, report.checks);
  if (report.interrupted) fmt::format_to(out, "\ninterrupted: results above are partial\n");
  return fmt::to_string(buf);
}

}  // namespace httpbench
