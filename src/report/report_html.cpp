#include "httpbench/report/report_html.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iterator>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "httpbench/defaults.hpp"
#include "httpbench/report/chart.hpp"
#include "httpbench/report/equivalent_command.hpp"
#include "httpbench/report/insight.hpp"
#include "httpbench/report/run_label.hpp"
#include "httpbench/report/svg.hpp"
#include "httpbench/report/text_format.hpp"
#include "httpbench/stats/redact.hpp"

namespace httpbench {

namespace {

using Out = std::back_insert_iterator<fmt::memory_buffer>;
using svg::escape;

// One line on the charts: a run of the report or of the baseline file, labelled "async" or
// "baseline async".
struct Series : chart::Line {
  const RunResult* run = nullptr;
};

// The charts' lines of `series`, for their legends.
std::vector<chart::Line> lines_of(const std::vector<Series>& series) {
  return {series.begin(), series.end()};
}

std::vector<Series> series_of(const Report& report) {
  std::vector<Series> out;
  // "async", or "async:h2" when some run (of the report or of the baseline) is HTTP/2.
  const bool p =
      labels_protocol(report.runs) || (report.baseline && report.baseline->labels_protocol);
  for (std::size_t i = 0; i < report.runs.size(); ++i) {
    const RunResult& r = report.runs[i];
    // A sweep's runs are its levels: "async c=4".
    if (report.sweep && i < report.sweep->levels.size()) {
      out.push_back(
          {{fmt::format("{} c={}", run_label(r, p), report.sweep->levels[i].concurrency), {}}, &r});
    } else {
      out.push_back({{run_label(r, p), {}}, &r});
    }
  }
  if (report.baseline && report.baseline->runs) {
    for (const RunResult& r : *report.baseline->runs)
      out.push_back({{fmt::format("baseline {}", run_label(r, p)), {}}, &r});
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].style = svg::series_style(i);
    // Several runs of one mode (a --sweep): numbered, so every label names one line.
    std::size_t same = 0;
    for (std::size_t j = 0; j < i; ++j)
      same += out[j].run->mode == out[i].run->mode &&
              out[j].run->protocol == out[i].run->protocol &&
              out[j].label.rfind(out[i].label, 0) == 0;
    if (same != 0) out[i].label += fmt::format(" ({})", same + 1);
  }
  return out;
}

// ---- charts ----------------------------------------------------------------------------------

double ms_of(std::uint64_t ns) {
  return static_cast<double>(ns) / 1e6;
}

// Latency distribution: each series' histogram in log-spaced bins, as the share of its requests.
void write_distribution(Out out, const std::vector<Series>& series) {
  constexpr int kBins = 48;
  const chart::Frame f;
  double lo = 0;
  double hi = 0;
  for (const Series& s : series) {
    const Histogram& h = s.run->histogram;
    if (h.count() == 0) continue;
    const double mn = std::max(ms_of(h.min()), 1e-3);
    const double mx = std::max(ms_of(h.max()), mn);
    lo = lo == 0 ? mn : std::min(lo, mn);
    hi = std::max(hi, mx);
  }
  const bool empty = hi == 0;
  if (empty) {
    lo = 1;
    hi = 100;
  }
  lo /= 1.25;
  hi *= 1.25;
  // At least a factor of 4, so a narrow distribution still gets a few ticks.
  if (hi / lo < 4) {
    const double centre = std::sqrt(lo * hi);
    lo = centre / 2;
    hi = centre * 2;
  }
  const double llo = std::log10(lo);
  const double lhi = std::log10(hi);
  auto bin_of = [&](double ms) {
    const int b = static_cast<int>((std::log10(std::max(ms, lo)) - llo) / (lhi - llo) * kBins);
    return std::clamp(b, 0, kBins - 1);
  };
  auto edge = [&](int b) { return std::pow(10.0, llo + (lhi - llo) * b / kBins); };

  std::vector<std::vector<double>> shares;
  double top = 0;
  for (const Series& s : series) {
    std::vector<double> share(kBins, 0.0);
    const Histogram& h = s.run->histogram;
    h.for_each_bucket([&](std::uint64_t low, std::uint64_t high, std::uint64_t n) {
      const double mid = std::clamp((static_cast<double>(low) + static_cast<double>(high)) / 2,
                                    static_cast<double>(h.min()), static_cast<double>(h.max()));
      share[static_cast<std::size_t>(bin_of(mid / 1e6))] += static_cast<double>(n);
    });
    for (double& v : share) {
      v = h.count() ? v / static_cast<double>(h.count()) * 100.0 : 0.0;
      top = std::max(top, v);
    }
    shares.push_back(std::move(share));
  }
  chart::Axes a;
  a.x = {lo, hi, f.left, f.plot_right(), true};
  a.x_ticks = svg::log_ticks(lo, hi);
  a.y_ticks = svg::linear_ticks(0, std::max(top * 1.05, 1.0), 5, "%");
  a.y = {0, a.y_ticks.back().value, f.plot_bottom(), f.top, false};
  a.x_label = "latency (ms, log scale)";
  a.y_label = "share of requests (%)";
  chart::open_chart(out, "latency-distribution", "Latency distribution per mode", f, a);
  chart::write_legend(out, lines_of(series), f, false);
  if (empty) chart::write_no_data(out, f);
  for (std::size_t i = 0; i < series.size(); ++i) {
    const Series& s = series[i];
    const RunResult& r = *s.run;
    if (r.histogram.count() == 0) continue;
    chart::open_series(
        out, "latency-distribution", s,
        fmt::format(R"( data-count="{}" data-p50="{}" data-p99="{}")", r.histogram.count(),
                    format_exact(r.latency.p50), format_exact(r.latency.p99)));
    const auto& share = shares[i];
    int first = kBins;
    int last = -1;
    for (int b = 0; b < kBins; ++b) {
      if (share[static_cast<std::size_t>(b)] > 0) {
        first = std::min(first, b);
        last = b;
      }
    }
    std::vector<std::pair<double, double>> pts;
    pts.emplace_back(a.x(edge(first)), a.y(0));
    for (int b = first; b <= last; ++b) {
      const double y = a.y(share[static_cast<std::size_t>(b)]);
      pts.emplace_back(a.x(edge(b)), y);
      pts.emplace_back(a.x(edge(b + 1)), y);
    }
    pts.emplace_back(a.x(edge(last + 1)), a.y(0));
    chart::write_polyline(out, s, pts);
    for (const auto& [q, ms] :
         {std::pair<std::string_view, double>{"50", r.latency.p50}, {"99", r.latency.p99}}) {
      const double y = a.y(share[static_cast<std::size_t>(bin_of(ms))]);
      fmt::format_to(out, "{}\n",
                     svg::marker(s.style, a.x(ms), y, 5,
                                 fmt::format(R"(data-q="{}" data-ms="{}")", q, format_exact(ms))));
    }
    fmt::format_to(out, "</g>\n");
  }
  fmt::format_to(out, "</svg>\n");
}

// The percentile spectrum (HdrHistogram's plot): latency against the percentile, the x axis
// stretched as log10(1 / (1 - q)) so the tail gets the room.
void write_spectrum(Out out, const std::vector<Series>& series) {
  const chart::Frame f;
  constexpr double kMaxNines = 4;  // 99.99%
  double top = 0;
  for (const Series& s : series)
    top = std::max(top, s.run->latency.p9999);
  chart::Axes a;
  a.x = {0, kMaxNines, f.left, f.plot_right(), false};
  a.x_ticks = {{0, "0%"}, {1, "90%"}, {2, "99%"}, {3, "99.9%"}, {4, "99.99%"}};
  a.y_ticks = svg::linear_ticks(0, top > 0 ? top * 1.05 : 1.0, 6);
  a.y = {0, a.y_ticks.back().value, f.plot_bottom(), f.top, false};
  a.x_label = "percentile (log scale of 1/(1-q))";
  a.y_label = "latency (ms)";
  chart::open_chart(out, "percentile-spectrum", "Percentile spectrum per mode", f, a);
  chart::write_legend(out, lines_of(series), f, false);
  if (top == 0) chart::write_no_data(out, f);
  for (const Series& s : series) {
    const RunResult& r = *s.run;
    if (r.histogram.count() == 0) continue;
    const LatencySummary& l = r.latency;
    chart::open_series(out, "percentile-spectrum", s,
                       fmt::format(R"( data-p50="{}" data-p90="{}" data-p99="{}" data-p99_9="{}" )"
                                   R"(data-p99_99="{}")",
                                   format_exact(l.p50), format_exact(l.p90), format_exact(l.p99),
                                   format_exact(l.p999), format_exact(l.p9999)));
    std::vector<std::pair<double, double>> pts;
    for (int k = 0; k <= 80; ++k) {
      const double nines = kMaxNines * k / 80;
      const double q = 1 - std::pow(10.0, -nines);
      pts.emplace_back(a.x(nines), a.y(ms_of(r.histogram.value_at_quantile(q))));
    }
    chart::write_polyline(out, s, pts);
    const std::pair<std::string_view, double> marks[] = {
        {"50", l.p50}, {"90", l.p90}, {"99", l.p99}, {"99.9", l.p999}, {"99.99", l.p9999}};
    for (const auto& [q, ms] : marks) {
      const double nines = -std::log10(1 - std::stod(std::string(q)) / 100);
      fmt::format_to(out, "{}\n",
                     svg::marker(s.style, a.x(nines), a.y(ms), 4.5,
                                 fmt::format(R"(data-q="{}" data-ms="{}")", q, format_exact(ms))));
    }
    fmt::format_to(out, "</g>\n");
  }
  fmt::format_to(out, "</svg>\n");
}

// Requests per second of a slot: requests that ended in it over the time it covers.
double slot_rps(const Timeline::Slot& s) {
  if (s.span_ns == 0) return 0;
  return static_cast<double>(s.completed + s.errors) / (static_cast<double>(s.span_ns) / 1e9);
}

double slot_p99_ms(const Timeline::Slot& s) {
  return ms_of(s.latency_at_quantile(0.99));
}

enum class TimeFigure { throughput, p99 };

// Slots too short to give a rate (the last few milliseconds of a run, when the requests still in
// flight end) are left off the charts over time; the JSON keeps them.
bool drawn(const Timeline::Slot& s, const Timeline& t) {
  return s.span_ns != 0 &&
         static_cast<double>(s.span_ns) * 4 >= static_cast<double>(t.interval().count());
}

// Throughput or p99 per interval against time from the start of each run; intervals with errors
// get a red x (at the point on the throughput chart, on the bottom edge of the p99 chart).
void write_over_time(Out out, const std::vector<Series>& series, TimeFigure figure, bool trials) {
  const chart::Frame f;
  const bool rps = figure == TimeFigure::throughput;
  const std::string id = rps ? "throughput" : "p99-over-time";
  double t_end = 0;
  double top = 0;
  bool any_errors = false;
  for (const Series& s : series) {
    const Timeline& t = s.run->timeline;
    const double interval_s = static_cast<double>(t.interval().count()) / 1e9;
    t_end = std::max(t_end, static_cast<double>(t.slots().size()) * interval_s);
    for (const Timeline::Slot& slot : t.slots()) {
      if (!drawn(slot, t)) continue;
      any_errors = any_errors || slot.errors != 0;
      if (rps) {
        top = std::max(top, slot_rps(slot));
      } else if (slot.completed != 0) {
        top = std::max(top, slot_p99_ms(slot));
      }
    }
  }
  chart::Axes a;
  a.x_ticks = svg::linear_ticks(0, t_end > 0 ? t_end : 1.0, 8);
  a.x = {0, a.x_ticks.back().value, f.left, f.plot_right(), false};
  a.y_ticks = svg::linear_ticks(0, top > 0 ? top * 1.05 : 1.0, 5);
  a.y = {0, a.y_ticks.back().value, f.plot_bottom(), f.top, false};
  a.x_label = trials ? "time measuring the mode, its trials one after another (s)"
                     : "time since the start of the run (s)";
  a.y_label = rps ? "throughput (requests/s)" : "p99 latency (ms)";
  chart::open_chart(out, id,
                    rps ? "Throughput over time per mode" : "p99 latency over time per mode", f, a);
  chart::write_legend(out, lines_of(series), f, any_errors);
  if (top == 0) chart::write_no_data(out, f);
  for (std::size_t k = 0; k < series.size(); ++k) {
    const Series& s = series[k];
    const Timeline& t = s.run->timeline;
    if (t.slots().empty()) continue;
    // Errors go in a row of red x per series along the bottom, the series' marker at its right
    // end, so they show whatever the line does.
    const double error_row = f.plot_bottom() - 8 - 12 * static_cast<double>(k);
    const double interval_s = static_cast<double>(t.interval().count()) / 1e9;
    chart::open_series(out, id, s,
                       fmt::format(R"( data-interval-s="{}")", format_exact(interval_s)));
    std::vector<std::pair<double, double>> pts;
    std::string marks;
    std::string errors;
    for (std::size_t i = 0; i < t.slots().size(); ++i) {
      const Timeline::Slot& slot = t.slots()[i];
      if (!drawn(slot, t)) continue;
      const double t_s = static_cast<double>(i) * interval_s;
      const double x = a.x(t_s + static_cast<double>(slot.span_ns) / 2e9);
      const double value = rps ? slot_rps(slot) : slot_p99_ms(slot);
      const bool has_point = rps || slot.completed != 0;
      const double y = has_point ? a.y(value) : f.plot_bottom();
      if (has_point) {
        pts.emplace_back(x, y);
        const std::string data =
            rps ? fmt::format(R"(data-t="{}" data-rps="{}" data-errors="{}")", format_exact(t_s),
                              format_exact(value), slot.errors)
                : fmt::format(R"(data-t="{}" data-p99="{}" data-p50="{}")", format_exact(t_s),
                              format_exact(value),
                              format_exact(ms_of(slot.latency_at_quantile(0.5))));
        marks += svg::marker(s.style, x, y, 3.5, data) + "\n";
      }
      if (slot.errors != 0) {
        if (errors.empty()) {
          std::string key = svg::marker(s.style, f.plot_right() + 11, error_row, 3.5, "");
          key.replace(key.find("class=\"mark\""), 12, "class=\"legend-mark\"");
          errors += key + "\n";
        }
        errors +=
            chart::error_mark(
                x, error_row,
                fmt::format(R"(data-t="{}" data-errors="{}")", format_exact(t_s), slot.errors),
                fmt::format("{}: {} errors at {:g} s", s.label, slot.errors, t_s)) +
            "\n";
      }
    }
    chart::write_polyline(out, s, pts);
    fmt::format_to(out, "{}{}</g>\n", marks, errors);
  }
  fmt::format_to(out, "</svg>\n");
}

// The sweep's curve: measured throughput per level (markers) and the USL fit (dashed), over a log
// concurrency axis.
void write_sweep_chart(Out out, const SweepSummary& sweep) {
  const chart::Frame f;
  double lo = 1;
  double hi = 2;
  double top = 0;
  for (const SweepLevel& l : sweep.levels) {
    hi = std::max(hi, static_cast<double>(l.concurrency));
    top = std::max(top, l.rps);
  }
  if (!sweep.levels.empty())
    lo = std::max(1.0, static_cast<double>(sweep.levels.front().concurrency));
  if (hi <= lo) hi = lo * 2;
  const int kSteps = 60;
  if (sweep.usl) {
    for (int k = 0; k <= kSteps; ++k) {
      const double n = lo * std::pow(hi / lo, static_cast<double>(k) / kSteps);
      top = std::max(top, sweep.usl->predict(n));
    }
  }
  chart::Axes a;
  a.x = {lo / 1.2, hi * 1.2, f.left, f.plot_right(), true};
  a.x_ticks = svg::log_ticks(lo / 1.2, hi * 1.2);
  a.y_ticks = svg::linear_ticks(0, top > 0 ? top * 1.05 : 1.0, 6);
  a.y = {0, a.y_ticks.back().value, f.plot_bottom(), f.top, false};
  a.x_label = "concurrency (log scale)";
  a.y_label = "throughput (requests/s)";
  chart::open_chart(out, "sweep", "Throughput per concurrency level, with the USL fit", f, a);
  const chart::Line measured{"measured", svg::series_style(0)};
  const chart::Line fitted{"USL fit", svg::series_style(1)};
  if (sweep.levels.empty()) chart::write_no_data(out, f);
  chart::open_series(out, "sweep", measured, "");
  std::vector<std::pair<double, double>> pts;
  std::string marks;
  for (const SweepLevel& l : sweep.levels) {
    const double x = a.x(static_cast<double>(l.concurrency));
    pts.emplace_back(x, a.y(l.rps));
    marks += svg::marker(measured.style, x, a.y(l.rps), 4.5,
                         fmt::format(R"(data-concurrency="{}" data-rps="{}")", l.concurrency,
                                     format_exact(l.rps))) +
             "\n";
  }
  chart::write_polyline(out, measured, pts);
  fmt::format_to(out, "{}</g>\n", marks);
  if (sweep.usl) {
    chart::open_series(out, "sweep", fitted, "");
    pts.clear();
    for (int k = 0; k <= kSteps; ++k) {
      const double n = lo * std::pow(hi / lo, static_cast<double>(k) / kSteps);
      pts.emplace_back(a.x(n), a.y(sweep.usl->predict(n)));
    }
    chart::write_polyline(out, fitted, pts);
    fmt::format_to(out, "</g>\n");
  }
  fmt::format_to(out, "</svg>\n");
}

// --sweep: the table of levels, the USL fit and the knee, as the text report gives them.
void write_sweep(Out out, const SweepSummary& s) {
  fmt::format_to(out,
                 "<section id=\"sweep\">\n<h2>Concurrency sweep</h2>\n"
                 "<p class=\"note\">The async mode at each level, one level after another.</p>\n"
                 "<table class=\"sweep\">\n<tr><th>concurrency</th><th>req/s</th><th>p50</th>"
                 "<th>p99</th><th>errors</th><th>USL req/s</th><th></th></tr>\n");
  for (const SweepLevel& l : s.levels) {
    const bool latency = l.requests > l.errors;
    const bool knee = s.knee && *s.knee == l.concurrency;
    fmt::format_to(
        out,
        "<tr data-concurrency=\"{}\" data-rps=\"{}\" data-p99=\"{}\"{}><td>{}</td><td>{:.2f}"
        "</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        l.concurrency, format_exact(l.rps), format_exact(l.p99_ms), knee ? " class=\"knee\"" : "",
        l.concurrency, l.rps, latency ? format_ms_spaced(l.p50_ms) : "-",
        latency ? format_ms_spaced(l.p99_ms) : "-", l.errors,
        s.usl ? fmt::format("{:.2f}", s.usl->predict(static_cast<double>(l.concurrency))) : "-",
        knee ? "knee" : "");
  }
  fmt::format_to(out, "</table>\n");
  if (s.usl) {
    const UslFit& f = *s.usl;
    fmt::format_to(out,
                   "<p class=\"usl\" data-lambda=\"{}\" data-sigma=\"{}\" data-kappa=\"{}\" "
                   "data-r2=\"{}\">USL fit: lambda {:.2f} req/s, sigma {:.4g} (contention), kappa "
                   "{:.4g} (coherency), R\u00b2 {:.3f}; ",
                   format_exact(f.lambda), format_exact(f.sigma), format_exact(f.kappa),
                   format_exact(f.r2), f.lambda, f.sigma, f.kappa, f.r2);
    if (const auto peak = f.peak_concurrency()) {
      fmt::format_to(out, "predicted peak {:.2f} req/s at concurrency {:.1f}</p>\n",
                     f.predict(*peak), *peak);
    } else {
      fmt::format_to(out, "no peak (kappa 0): throughput levels off at {:.2f} req/s</p>\n",
                     f.sigma > 0 ? f.lambda / f.sigma : f.lambda);
    }
  } else {
    fmt::format_to(out,
                   "<p class=\"usl\">USL fit: needs at least three levels with throughput</p>\n");
  }
  if (s.knee) {
    fmt::format_to(out,
                   "<p class=\"knee\" data-knee=\"{0}\">Knee: concurrency {0} (the next level "
                   "gains less than 5% throughput while p99 grows)</p>\n",
                   *s.knee);
  } else {
    fmt::format_to(out,
                   "<p class=\"knee\">Knee: none found (throughput kept growing by 5% or more "
                   "per level)</p>\n");
  }
  if (s.stopped_early) {
    fmt::format_to(out,
                   "<p class=\"note\">The sweep stopped two levels past the knee (--sweep "
                   "auto).</p>\n");
  }
  write_sweep_chart(out, s);
  fmt::format_to(out, "</section>\n");
}

// ---- tables and text -------------------------------------------------------------------------

// "75%", "96.8%": the confidence an interval really has, rounded down.
std::string confidence_pct(const Interval& iv) {
  return fmt::format("{:g}%", std::floor(iv.confidence * 1000) / 10);
}

void write_headline(Out out, const Report& report) {
  fmt::format_to(out, "<section id=\"headline\">\n<h2>Result</h2>\n");
  const bool p = labels_protocol(report.runs);
  const auto label = [p](Mode mode, Protocol protocol) {
    return run_label(RunKind{mode, protocol}, p);
  };
  const TrialStats* trials =
      report.trial_stats && report.trial_stats->count >= 2 && report.trial_stats->baseline
          ? &*report.trial_stats
          : nullptr;
  if (trials && !trials->speedups.empty()) {
    for (const SpeedupTrialStats& s : trials->speedups) {
      const Interval& f = s.factor;
      if (f.n == 0) {
        fmt::format_to(out, "<p class=\"headline\">{}: n/a (no requests ended)</p>\n",
                       label(s.mode, s.protocol));
        continue;
      }
      const bool faster = f.median >= 1;
      const double mid = faster ? f.median : 1 / f.median;
      const double lo = faster ? f.low : 1 / f.high;
      const double hi = faster ? f.high : 1 / f.low;
      fmt::format_to(
          out,
          "<p class=\"headline\" data-mode=\"{}\" data-speedup=\"{}\" data-low=\"{}\" "
          "data-high=\"{}\">{} {:.2f}\u00d7 {} than {} ({} CI {:.2f}\u00d7\u2013{:.2f}"
          "\u00d7, {} trials){}</p>\n",
          label(s.mode, s.protocol), format_exact(f.median), format_exact(f.low),
          format_exact(f.high), label(s.mode, s.protocol), mid, faster ? "faster" : "slower",
          label(*trials->baseline, trials->baseline_protocol), confidence_pct(f), lo, hi, f.n,
          s.significant ? "" : ": not significant (the interval includes 1.0\u00d7)");
    }
  } else if (report.comparison) {
    const Comparison& c = *report.comparison;
    for (const Speedup& s : c.speedups) {
      if (s.factor <= 0) {
        fmt::format_to(out, "<p class=\"headline\">{}: n/a (no requests ended)</p>\n",
                       label(s.mode, s.protocol));
        continue;
      }
      const bool faster = s.factor >= 1;
      fmt::format_to(out,
                     "<p class=\"headline\" data-mode=\"{}\" data-speedup=\"{}\">{} {:.2f}\u00d7 "
                     "{} than {}</p>\n",
                     label(s.mode, s.protocol), format_exact(s.factor), label(s.mode, s.protocol),
                     faster ? s.factor : 1 / s.factor, faster ? "faster" : "slower",
                     label(c.baseline, c.baseline_protocol));
    }
    fmt::format_to(out,
                   "<p class=\"note\">One trial per mode, so no interval: run with --trials 6 "
                   "or more for a 95% confidence interval of each speedup.</p>\n");
  } else {
    for (const RunResult& r : report.runs) {
      fmt::format_to(out,
                     "<p class=\"headline\" data-mode=\"{}\">{}: {:.2f} requests/s, p99 {}, "
                     "{} of {} failed</p>\n",
                     run_label(r, p), run_label(r, p), r.rps, format_ms_spaced(r.latency.p99),
                     r.failed, r.requests);
    }
  }
  if (report.interrupted) {
    fmt::format_to(out, "<p class=\"warning\">Interrupted: these are partial results.</p>\n");
  }
}

void write_summary_table(Out out, const std::vector<Series>& series) {
  fmt::format_to(out,
                 "<table class=\"summary\">\n<tr><th>run</th><th>requests</th><th>failed</th>"
                 "<th>wall time</th><th>requests/s</th><th>p50</th><th>p90</th><th>p99</th>"
                 "<th>p99.9</th><th>max</th></tr>\n");
  for (const Series& s : series) {
    const RunResult& r = *s.run;
    fmt::format_to(out,
                   "<tr data-series=\"{}\" data-rps=\"{}\" data-p50=\"{}\" data-p99=\"{}\">"
                   "<td><span class=\"swatch\" style=\"border-color:{}\"></span>{}</td>"
                   "<td>{}</td><td>{}</td><td>{:.3f} s</td><td>{:.2f}</td><td>{}</td><td>{}</td>"
                   "<td>{}</td><td>{}</td><td>{}</td></tr>\n",
                   escape(s.label), format_exact(r.rps), format_exact(r.latency.p50),
                   format_exact(r.latency.p99), s.style.colour, escape(s.label), r.requests,
                   r.failed, r.elapsed_s, r.rps, format_ms_spaced(r.latency.p50),
                   format_ms_spaced(r.latency.p90), format_ms_spaced(r.latency.p99),
                   format_ms_spaced(r.latency.p999), format_ms_spaced(r.latency.max));
  }
  fmt::format_to(out, "</table>\n");
}

void write_baseline_changes(Out out, const BaselineComparison& b) {
  fmt::format_to(out,
                 "<h3>Against the baseline {}</h3>\n<table class=\"baseline\">\n<tr><th>mode</th>"
                 "<th>figure</th><th>baseline</th><th>current</th><th>change</th><th>verdict</th>"
                 "</tr>\n",
                 escape(b.path));
  for (const FigureChange& c : b.changes) {
    const bool latency = c.figure != BaselineFigure::rps;
    auto value = [&](double v) {
      return latency ? format_ms_spaced(v) : fmt::format("{:.2f} req/s", v);
    };
    fmt::format_to(out,
                   "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:+.1f}%</td>"
                   "<td>{}</td></tr>\n",
                   change_label(c, b.labels_protocol), figure_name(c.figure), value(c.baseline),
                   value(c.current), c.change_pct, verdict_name(c.verdict));
  }
  fmt::format_to(out, "</table>\n");
}

void write_status_codes(Out out, const std::vector<Series>& series) {
  fmt::format_to(out, "<section id=\"status-codes\">\n<h2>Status codes</h2>\n");
  std::set<unsigned> codes;
  for (const Series& s : series) {
    for (const auto& [code, n] : s.run->status_codes)
      codes.insert(code);
  }
  if (codes.empty()) {
    fmt::format_to(out, "<p>No response was received.</p>\n</section>\n");
    return;
  }
  fmt::format_to(out, "<table class=\"status-codes\">\n<tr><th>status</th>");
  for (const Series& s : series)
    fmt::format_to(out, "<th>{}</th>", escape(s.label));
  fmt::format_to(out, "</tr>\n");
  for (unsigned code : codes) {
    fmt::format_to(out, "<tr><td>{}</td>", code);
    for (const Series& s : series) {
      const auto it = s.run->status_codes.find(code);
      fmt::format_to(out, "<td>{}</td>", it == s.run->status_codes.end() ? 0 : it->second);
    }
    fmt::format_to(out, "</tr>\n");
  }
  fmt::format_to(out, "</table>\n</section>\n");
}

void write_errors(Out out, const std::vector<Series>& series) {
  fmt::format_to(out, "<section id=\"errors\">\n<h2>Errors</h2>\n");
  const bool any =
      std::any_of(series.begin(), series.end(), [](const Series& s) { return s.run->failed != 0; });
  if (!any) {
    fmt::format_to(out, "<p>No request failed.</p>\n</section>\n");
    return;
  }
  fmt::format_to(out, "<table class=\"errors\">\n<tr><th>category</th>");
  for (const Series& s : series)
    fmt::format_to(out, "<th>{}</th>", escape(s.label));
  fmt::format_to(out, "<th>first message</th></tr>\n");
  for (ErrorKind k : kAllErrorKinds) {
    std::string example;
    bool seen = false;
    for (const Series& s : series) {
      seen = seen || s.run->error_count(k) != 0;
      const std::string& e = s.run->error_examples[static_cast<std::size_t>(k)];
      if (example.empty() && !e.empty()) example = e;
    }
    if (!seen) continue;
    fmt::format_to(out, "<tr><td>{}</td>", kind_name(k));
    for (const Series& s : series)
      fmt::format_to(out, "<td>{}</td>", s.run->error_count(k));
    fmt::format_to(out, "<td class=\"message\">{}</td></tr>\n", escape(example));
  }
  fmt::format_to(out,
                 "</table>\n<p class=\"note\">Where they happened: the red \u00d7 marks on the "
                 "charts over time.</p>\n</section>\n");
}

// "Where the time went": the insight figures side by side (phases, concurrency, client load,
// cost) and the notes that read them. Each cell carries its value for the tests.
void write_insight(Out out, const Report& report, const std::vector<Series>& series) {
  fmt::format_to(out,
                 "<section id=\"why\">\n<h2>Where the time went</h2>\n"
                 "<p class=\"note\">Mean and p99 of each phase of the successful requests; "
                 "requests in flight beside Little's law; what the client spent.</p>\n"
                 "<table class=\"why\">\n<tr><th>figure</th>");
  for (const Series& s : series)
    fmt::format_to(out, "<th>{}</th>", escape(s.label));
  fmt::format_to(out, "</tr>\n");
  const auto phase = [&](const char* name, const LatencySummary& (*get)(const RunResult&),
                         const Histogram& (*hist)(const RunResult&)) {
    // The cells carry their own unit (format_ms: "45.2 us", "1.20 ms"), so the label names none.
    fmt::format_to(out, "<tr><td>{} (mean / p99)</td>", name);
    for (const Series& s : series) {
      if (hist(*s.run).count() == 0) {
        fmt::format_to(out, "<td>-</td>");
        continue;
      }
      const LatencySummary& l = get(*s.run);
      fmt::format_to(out, "<td data-{}-mean=\"{}\">{} / {}</td>", name, format_exact(l.mean),
                     format_ms_spaced(l.mean), format_ms_spaced(l.p99));
    }
    fmt::format_to(out, "</tr>\n");
  };
  phase(
      "connect", [](const RunResult& r) -> const LatencySummary& { return r.connect_time; },
      [](const RunResult& r) -> const Histogram& { return r.connect_histogram; });
  phase(
      "tls", [](const RunResult& r) -> const LatencySummary& { return r.tls_handshake_time; },
      [](const RunResult& r) -> const Histogram& { return r.tls_handshake_histogram; });
  phase(
      "ttfb", [](const RunResult& r) -> const LatencySummary& { return r.ttfb_time; },
      [](const RunResult& r) -> const Histogram& { return r.ttfb_histogram; });
  phase(
      "body", [](const RunResult& r) -> const LatencySummary& { return r.body_time; },
      [](const RunResult& r) -> const Histogram& { return r.body_histogram; });
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  fmt::format_to(out, "<tr><td>in flight (mean, peak of asked)</td>");
  for (const Series& s : series) {
    const RunResult& r = *s.run;
    fmt::format_to(out, "<td data-in-flight=\"{}\">{:.1f} ({} of {}); Little's law {:.1f}</td>",
                   format_exact(r.concurrency_mean), r.concurrency_mean, r.concurrency_peak,
                   r.concurrency_requested, littles_law_in_flight(r));
  }
  fmt::format_to(out, "</tr>\n<tr><td>connections opened / reused</td>");
  for (const Series& s : series)
    fmt::format_to(out, "<td>{} / {}</td>", s.run->connections, s.run->connections_reused);
  fmt::format_to(out, "</tr>\n<tr><td>client CPU</td>");
  for (const Series& s : series) {
    const ClientLoad load = assess_client(*s.run, cores);
    fmt::format_to(out, "<td data-bound=\"{}\">{:.0f}% of {} thread{}{}</td>", load.bound,
                   load.cpu_utilisation * 100, s.run->client_threads,
                   s.run->client_threads == 1 ? "" : "s", load.bound ? " (client-bound)" : "");
  }
  fmt::format_to(out, "</tr>\n<tr><td>CPU per request (us)</td>");
  for (const Series& s : series) {
    const double us =
        s.run->requests ? s.run->cpu_s * 1e6 / static_cast<double>(s.run->requests) : 0.0;
    fmt::format_to(out, "<td>{:.1f}</td>", us);
  }
  fmt::format_to(out, "</tr>\n</table>\n");
  const std::vector<std::string> notes = insight_notes(report, cores);
  if (!notes.empty()) {
    fmt::format_to(out, "<ul class=\"notes\">\n");
    for (const std::string& n : notes)
      fmt::format_to(out, "<li>{}</li>\n", escape(n));
    fmt::format_to(out, "</ul>\n");
  }
  fmt::format_to(out, "</section>\n");
}

void option_row(Out out, std::string_view name, std::string_view value) {
  fmt::format_to(out, "<tr><th>{}</th><td>{}</td></tr>\n", escape(name), escape(value));
}

void write_options(Out out, const Report& report) {
  const RunDescription& o = report.description;
  fmt::format_to(out,
                 "<section id=\"options\">\n<h2>Options and reproducibility</h2>\n"
                 "<table class=\"options\">\n");
  option_row(out, "httpbench version", report.version);
  double started = 0;
  for (const RunResult& r : report.runs) {
    if (r.started_at > 0) started = started > 0 ? std::min(started, r.started_at) : r.started_at;
  }
  option_row(out, "date", format_utc_date(started));
  option_row(out, "target", redact_for_display(o.url));
  if (!report.merged_from.empty()) {
    std::string files;
    for (const std::string& f : report.merged_from)
      files += (files.empty() ? "" : ", ") + f;
    option_row(out, "merged from", files);
    if (report.merge) {
      // The options as the files record them ("A | B" where they differ), not this process's
      // defaults.
      const MergeSummary& m = *report.merge;
      option_row(out, "runs overlap",
                 m.overlap ? fmt::format("{:.0f}% of the merged wall time", *m.overlap * 100)
                           : std::string("unknown (a file has no timestamps)"));
      for (const auto& [name, value] : m.options)
        option_row(out, name, value);
      fmt::format_to(out, "</table>\n</section>\n");
      return;
    }
  } else {
    option_row(out, "command (equivalent)", equivalent_command(o));
    std::string request = fmt::format("{} {} HTTP/{}", o.method.value_or("GET"), o.request_target,
                                      o.http_version.value_or("1.1"));
    if (o.body_bytes) request += fmt::format(" with a {}-byte body", *o.body_bytes);
    option_row(out, "request", request);
    std::string headers;
    if (o.headers) {
      for (const std::string& h : *o.headers)
        headers += (headers.empty() ? "" : "\n") + h;
    }
    fmt::format_to(out, "<tr><th>headers sent</th><td><pre>{}</pre></td></tr>\n", escape(headers));
  }
  std::string modes;
  const bool p = std::any_of(o.protocols.begin(), o.protocols.end(),
                             [](Protocol pr) { return pr == Protocol::http2; });
  for (std::size_t i = 0; i < o.modes.size(); ++i) {
    modes += fmt::format("{}{}", modes.empty() ? "" : ", ",
                         run_label(RunKind{o.modes[i], o.protocol_of(i)}, p));
  }
  option_row(out, "modes", modes);
  if (o.streams) option_row(out, "HTTP/2 streams per connection", std::to_string(*o.streams));
  option_row(out, "requests per mode", o.requests ? std::to_string(*o.requests) : "unlimited");
  if (o.duration) option_row(out, "duration per mode", format_duration_option(*o.duration));
  option_row(out, "rate",
             o.rate > 0 ? fmt::format("{:g} requests/s (open loop)", o.rate) : "closed loop");
  if (o.concurrency) option_row(out, "concurrency", std::to_string(*o.concurrency));
  if (o.io_threads && *o.io_threads != defaults::kIoThreads) {
    option_row(out, "event loops (async)", std::to_string(*o.io_threads));
  }
  if (o.keep_alive) option_row(out, "keep-alive", *o.keep_alive ? "on" : "off");
  if (o.unix_socket) option_row(out, "unix socket", *o.unix_socket);
  // The proxy's address only: its credentials are never printed.
  if (o.proxy_address) option_row(out, "proxy", *o.proxy_address);
  if (o.timeout) option_row(out, "timeout", format_duration_option(*o.timeout));
  if (o.connect_timeout)
    option_row(out, "connect timeout", format_duration_option(*o.connect_timeout));
  if (o.trials) option_row(out, "trials", std::to_string(*o.trials));
  if (o.interval) option_row(out, "timeline interval", format_duration_option(*o.interval));
  if (const auto& why = o.no_dns_lookup) {
    option_row(out, "DNS resolution", fmt::format("no lookup ({})", *why));
  } else if (report.dns_ms > 0) {
    option_row(out, "DNS resolution", format_ms_spaced(report.dns_ms));
  }
  if (report.baseline) option_row(out, "baseline file", report.baseline->path);
  fmt::format_to(out, "</table>\n</section>\n");
}

constexpr std::string_view kStyle = R"(
body { font-family: sans-serif; color: #111; background: #fff; margin: 24px auto; max-width: 1100px; padding: 0 16px; }
h1 { font-size: 24px; margin-bottom: 4px; }
h2 { font-size: 18px; margin-top: 28px; border-bottom: 1px solid #bbb; padding-bottom: 3px; }
h3 { font-size: 15px; }
.meta { color: #444; margin-top: 0; }
.headline { font-size: 20px; font-weight: bold; margin: 6px 0; }
.note { color: #444; font-size: 13px; }
.warning { color: #B00020; font-weight: bold; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; vertical-align: top; }
th:first-child, td:first-child, table.options td, td.message { text-align: left; }
table.options th { text-align: left; font-weight: normal; color: #444; }
pre { margin: 0; font-size: 12px; }
.swatch { display: inline-block; width: 18px; margin-right: 6px; border-top: 3px solid; vertical-align: middle; }
svg.chart { display: block; max-width: 100%; height: auto; }
@media print { section { break-inside: avoid; } body { margin: 0; } }
)";

}  // namespace

std::string format_html(const Report& report) {
  fmt::memory_buffer buf;
  Out out(buf);
  const std::vector<Series> series = series_of(report);
  const std::string url = redact_for_display(report.description.url);
  fmt::format_to(out,
                 "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n"
                 "<head>\n<meta charset=\"utf-8\"/>\n"
                 "<meta name=\"generator\" content=\"httpbench {}\"/>\n"
                 "<title>httpbench report: {}</title>\n<style>{}</style>\n</head>\n<body>\n",
                 escape(report.version), escape(url), kStyle);
  double started = 0;
  for (const RunResult& r : report.runs) {
    if (r.started_at > 0) started = started > 0 ? std::min(started, r.started_at) : r.started_at;
  }
  fmt::format_to(out,
                 "<header>\n<h1>httpbench report</h1>\n<p class=\"meta\">{} \u00b7 {} \u00b7 "
                 "httpbench {}</p>\n</header>\n",
                 escape(url), format_utc_date(started), escape(report.version));
  write_headline(out, report);
  write_summary_table(out, series);
  if (report.baseline) write_baseline_changes(out, *report.baseline);
  fmt::format_to(out, "</section>\n");
  if (report.sweep) write_sweep(out, *report.sweep);

  fmt::format_to(out,
                 "<section id=\"latency-distribution\">\n<h2>Latency distribution</h2>\n"
                 "<p class=\"note\">Share of each mode's successful requests per latency bin "
                 "(log-spaced bins); the markers are p50 and p99.</p>\n");
  write_distribution(out, series);
  fmt::format_to(out, "</section>\n");

  fmt::format_to(out,
                 "<section id=\"percentile-spectrum\">\n<h2>Percentile spectrum</h2>\n"
                 "<p class=\"note\">Latency at each percentile from p0 to p99.99, from the full "
                 "histogram (0.1% precision); markers at p50, p90, p99, p99.9 and p99.99.</p>\n");
  write_spectrum(out, series);
  fmt::format_to(out, "</section>\n");

  fmt::format_to(out,
                 "<section id=\"throughput\">\n<h2>Throughput over time</h2>\n"
                 "<p class=\"note\">Requests that ended in each interval (succeeded or failed) "
                 "per second; a last interval shorter than a quarter of the others is left "
                 "out (its rate would be noise).</p>\n");
  write_over_time(out, series, TimeFigure::throughput, report.description.trials.value_or(1) > 1);
  fmt::format_to(out, "</section>\n");

  fmt::format_to(out,
                 "<section id=\"latency-over-time\">\n<h2>p99 latency over time</h2>\n"
                 "<p class=\"note\">p99 of the requests completed in each interval, from a "
                 "coarse per-interval histogram (within 6.25%).</p>\n");
  write_over_time(out, series, TimeFigure::p99, report.description.trials.value_or(1) > 1);
  fmt::format_to(out, "</section>\n");

  write_insight(out, report, series);
  write_status_codes(out, series);
  write_errors(out, series);
  write_options(out, report);
  fmt::format_to(out, "</body>\n</html>\n");
  return fmt::to_string(buf);
}

}  // namespace httpbench
