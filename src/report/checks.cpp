#include "httpbench/report/checks.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "httpbench/report/report_model.hpp"
#include "httpbench/report/run_label.hpp"
#include "httpbench/report/text_format.hpp"
#include "httpbench/stats/error.hpp"

namespace httpbench {

namespace {

bool holds(CheckOp op, double value, double threshold) {
  switch (op) {
    case CheckOp::less:
      return value < threshold;
    case CheckOp::less_equal:
      return value <= threshold;
    case CheckOp::greater:
      return value > threshold;
    case CheckOp::greater_equal:
      return value >= threshold;
  }
  return false;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double latency_figure(const LatencySummary& l, CheckFigure f) {
  switch (f) {
    case CheckFigure::p50:
      return l.p50;
    case CheckFigure::p75:
      return l.p75;
    case CheckFigure::p90:
      return l.p90;
    case CheckFigure::p95:
      return l.p95;
    case CheckFigure::p99:
      return l.p99;
    case CheckFigure::p999:
      return l.p999;
    case CheckFigure::p9999:
      return l.p9999;
    case CheckFigure::mean:
      return l.mean;
    case CheckFigure::min:
      return l.min;
    case CheckFigure::max:
      return l.max;
    default:
      return 0;
  }
}

// The trials of the run at `index` in report.runs (the run itself when trials were not kept).
std::vector<RunResult> trials_of(const Report& report, std::size_t index) {
  if (index < report.trials.size() && !report.trials[index].empty()) return report.trials[index];
  return {report.runs[index]};
}

std::optional<double> mode_value(const Check& check, const Report& report, std::size_t index) {
  const RunResult& run = report.runs[index];
  switch (check.figure) {
    case CheckFigure::errors:
      return static_cast<double>(run.failed);
    case CheckFigure::errors_pct:
      return run.requests
                 ? 100.0 * static_cast<double>(run.failed) / static_cast<double>(run.requests)
                 : 0.0;
    case CheckFigure::speedup: {
      if (report.trial_stats) {
        for (const SpeedupTrialStats& s : report.trial_stats->speedups) {
          if (s.mode == run.mode && s.protocol == run.protocol && s.factor.n > 0) {
            return s.factor.median;
          }
        }
      }
      if (report.comparison) {
        for (const Speedup& s : report.comparison->speedups) {
          if (s.mode == run.mode && s.protocol == run.protocol && s.factor > 0) return s.factor;
        }
      }
      return std::nullopt;
    }
    default:
      break;
  }
  std::vector<double> samples;
  for (const RunResult& r : trials_of(report, index)) {
    if (check.figure == CheckFigure::rps) {
      samples.push_back(r.rps);
    } else if (r.succeeded != 0) {
      samples.push_back(latency_figure(r.latency, check.figure));
    }
  }
  if (samples.empty()) return std::nullopt;
  return median(std::move(samples));
}

std::string format_value(CheckFigure f, double v) {
  if (is_latency_figure(f)) return format_duration(std::chrono::nanoseconds(std::llround(v * 1e6)));
  switch (f) {
    case CheckFigure::rps:
      return fmt::format("{:.2f} req/s", v);
    case CheckFigure::errors:
      return fmt::format("{:.0f} failed", v);
    case CheckFigure::errors_pct:
      return fmt::format("{:.2f}% failed", v);
    case CheckFigure::speedup:
      return fmt::format("{:.2f}x", v);
    default:
      return fmt::format("{}", v);
  }
}

}  // namespace

bool is_latency_figure(CheckFigure f) {
  return f != CheckFigure::rps && f != CheckFigure::errors && f != CheckFigure::errors_pct &&
         f != CheckFigure::speedup;
}

bool check_applies(const Check& check, RunKind kind) {
  if (check.mode && *check.mode != kind.mode) return false;
  return !check.protocol || *check.protocol == kind.protocol;
}

std::vector<CheckOutcome> evaluate_checks(const std::vector<Check>& checks, const Report& report) {
  std::vector<CheckOutcome> outcomes;
  const bool with_protocol = labels_protocol(report.runs);
  for (const Check& check : checks) {
    CheckOutcome outcome;
    outcome.expression = check.text;
    bool all = true;
    for (std::size_t i = 0; i < report.runs.size(); ++i) {
      const RunKind kind = kind_of(report.runs[i]);
      if (!check_applies(check, kind)) continue;
      const std::string mode = run_label(kind, with_protocol);
      // The baseline has no speedup over itself.
      if (check.figure == CheckFigure::speedup && i == 0) continue;
      const std::optional<double> value = mode_value(check, report, i);
      if (!value) {
        all = false;
        outcome.detail += fmt::format("{}{} no value", outcome.detail.empty() ? "" : ", ", mode);
        continue;
      }
      outcome.values.emplace_back(mode, *value);
      all = all && holds(check.op, *value, check.threshold);
      outcome.detail += fmt::format("{}{} {}", outcome.detail.empty() ? "" : ", ", mode,
                                    format_value(check.figure, *value));
    }
    outcome.passed = all && !outcome.values.empty();
    if (outcome.detail.empty()) outcome.detail = "no value to compare";
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

std::vector<Mode> error_budget_modes(const std::vector<Check>& checks,
                                     const std::vector<Mode>& modes) {
  std::vector<Mode> budgeted;
  for (Mode m : modes) {
    for (const Check& c : checks) {
      const bool errors = c.figure == CheckFigure::errors || c.figure == CheckFigure::errors_pct;
      if (errors && (!c.mode || *c.mode == m)) {
        budgeted.push_back(m);
        break;
      }
    }
  }
  return budgeted;
}

}  // namespace httpbench

namespace httpbench {

std::vector<RunKind> error_budget_runs(const std::vector<Check>& checks,
                                       const std::vector<RunKind>& runs) {
  std::vector<RunKind> budgeted;
  for (const RunKind& kind : runs) {
    for (const Check& c : checks) {
      const bool errors = c.figure == CheckFigure::errors || c.figure == CheckFigure::errors_pct;
      if (errors && check_applies(c, kind)) {
        budgeted.push_back(kind);
        break;
      }
    }
  }
  return budgeted;
}

}  // namespace httpbench
