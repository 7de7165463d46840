#include "httpbench/report/report_sweep.hpp"

#include <iterator>

#include <fmt/format.h>
#include <boost/json/array.hpp>

#include "httpbench/report/text_format.hpp"

namespace httpbench {

namespace json = boost::json;

namespace {

using Out = std::back_insert_iterator<fmt::memory_buffer>;

constexpr const char* kKneeRule =
    "smallest concurrency whose next level gains less than 5% throughput while p99 grows";
constexpr const char* kFitMethod =
    "least squares on throughput; lambda closed form, sigma and kappa by grid and compass search, "
    "both >= 0";

}  // namespace

std::string format_sweep_text(const Report& report) {
  fmt::memory_buffer buf;
  Out out(buf);
  const RunDescription& o = report.description;
  const SweepSummary& s = *report.sweep;
  fmt::format_to(out, "httpbench {}: {}\n", report.version, o.url);
  // Over HTTP/2 the sweep says so, and how many streams each connection carries; over HTTP/1.x
  // the line reads as it always has.
  const std::string over =
      o.protocol_of(0) == Protocol::http2
          ? fmt::format(" over HTTP/2 ({} streams per connection)", o.streams.value_or(1))
          : std::string();
  fmt::format_to(out, "concurrency sweep of the async mode{}: {} per level, keep-alive {}\n", over,
                 run_amount(o), o.keep_alive.value_or(true) ? "on" : "off");
  if (const auto& why = o.no_dns_lookup) {
    fmt::format_to(out, "no DNS lookup ({})\n\n", *why);
  } else {
    fmt::format_to(out, "DNS resolved once before the run in {}\n\n", format_ms(report.dns_ms));
  }
  fmt::format_to(out, "  {:>11} {:>12} {:>10} {:>10} {:>8} {:>12}\n", "concurrency", "req/s", "p50",
                 "p99", "errors", "USL req/s");
  for (const SweepLevel& l : s.levels) {
    const std::string fitted =
        s.usl ? fmt::format("{:.2f}", s.usl->predict(static_cast<double>(l.concurrency))) : "-";
    const bool latency = l.requests > l.errors;
    fmt::format_to(out, "  {:>11} {:>12.2f} {:>10} {:>10} {:>8} {:>12}{}\n", l.concurrency, l.rps,
                   latency ? format_ms(l.p50_ms) : "-", latency ? format_ms(l.p99_ms) : "-",
                   l.errors, fitted, s.knee && *s.knee == l.concurrency ? "  <- knee" : "");
  }
  if (s.usl) {
    const UslFit& f = *s.usl;
    fmt::format_to(out,
                   "\nUSL fit: lambda {:.2f} req/s, sigma {:.4g} (contention), kappa {:.4g} "
                   "(coherency), R^2 {:.3f}\n",
                   f.lambda, f.sigma, f.kappa, f.r2);
    if (const auto peak = f.peak_concurrency()) {
      fmt::format_to(out, "  predicted peak: {:.2f} req/s at concurrency {:.1f}\n",
                     f.predict(*peak), *peak);
    } else {
      fmt::format_to(out, "  predicted: no peak (kappa 0), throughput levels off at {:.2f} req/s\n",
                     f.sigma > 0 ? f.lambda / f.sigma : f.lambda);
    }
  } else {
    fmt::format_to(out, "\nUSL fit: needs at least three levels with throughput\n");
  }
  if (s.knee) {
    fmt::format_to(out,
                   "knee: concurrency {} (the next level gains < 5% throughput while p99 grows)\n",
                   *s.knee);
  } else {
    fmt::format_to(out, "knee: none found (throughput kept growing by 5% or more per level)\n");
  }
  if (s.stopped_early)
    fmt::format_to(out, "sweep stopped two levels past the knee (--sweep auto)\n");
  for (std::size_t i = 0; i < report.runs.size(); ++i) {
    const RunResult& r = report.runs[i];
    for (ErrorKind k : kAllErrorKinds) {
      const std::string& example = r.error_examples[static_cast<std::size_t>(k)];
      if (example.empty()) continue;
      fmt::format_to(out, "  concurrency {}: {} {}: {}\n",
                     i < s.levels.size() ? s.levels[i].concurrency : 0, kind_name(k),
                     r.error_count(k), example);
    }
  }
  if (report.interrupted) fmt::format_to(out, "\ninterrupted: results above are partial\n");
  return fmt::to_string(buf);
}

json::object sweep_json(const SweepSummary& s) {
  json::array levels;
  for (const SweepLevel& l : s.levels) {
    json::value fitted = nullptr;
    if (s.usl) fitted = s.usl->predict(static_cast<double>(l.concurrency));
    levels.push_back(json::object{{"concurrency", l.concurrency},
                                  {"requests", l.requests},
                                  {"rps", l.rps},
                                  {"p50_ms", l.p50_ms},
                                  {"p99_ms", l.p99_ms},
                                  {"errors", l.errors},
                                  {"usl_rps", std::move(fitted)}});
  }
  json::value usl = nullptr;
  if (s.usl) {
    json::value peak = nullptr;
    if (const auto p = s.usl->peak_concurrency()) peak = *p;
    usl = json::object{{"lambda", s.usl->lambda},
                       {"sigma", s.usl->sigma},
                       {"kappa", s.usl->kappa},
                       {"r2", s.usl->r2},
                       {"peak_concurrency", std::move(peak)},
                       {"method", kFitMethod}};
  }
  json::value knee = nullptr;
  if (s.knee) knee = *s.knee;
  return {{"levels", std::move(levels)},
          {"usl", std::move(usl)},
          {"knee", std::move(knee)},
          {"knee_rule", kKneeRule},
          {"stopped_early", s.stopped_early}};
}

std::string format_sweep_csv(const SweepSummary& s) {
  fmt::memory_buffer buf;
  Out out(buf);
  fmt::format_to(out, "concurrency,requests,errors,rps,p50_ms,p99_ms,usl_rps,knee\n");
  for (const SweepLevel& l : s.levels) {
    const bool latency = l.requests > l.errors;
    auto ms = [&](double v) { return latency ? fmt::format("{:.3f}", v) : std::string(); };
    const std::string fitted =
        s.usl ? fmt::format("{:.3f}", s.usl->predict(static_cast<double>(l.concurrency))) : "";
    fmt::format_to(out, "{},{},{},{:.3f},{},{},{},{}\n", l.concurrency, l.requests, l.errors, l.rps,
                   ms(l.p50_ms), ms(l.p99_ms), fitted, s.knee && *s.knee == l.concurrency ? 1 : 0);
  }
  return fmt::to_string(buf);
}

}  // namespace httpbench
