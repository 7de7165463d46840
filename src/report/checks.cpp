#include "httpbench/report/checks.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "httpbench/cli/units.hpp"
#include "httpbench/report/report_model.hpp"
#include "httpbench/stats/error.hpp"

namespace httpbench {

namespace {

struct FigureName {
  std::string_view name;
  CheckFigure figure;
};

// Longer names first where one is a prefix of another (p99.99 before p99.9 before p99).
constexpr FigureName kFigures[] = {
    {"rps", CheckFigure::rps},         {"p50", CheckFigure::p50}, {"p75", CheckFigure::p75},
    {"p90", CheckFigure::p90},         {"p95", CheckFigure::p95}, {"p99.99", CheckFigure::p9999},
    {"p99.9", CheckFigure::p999},      {"p99", CheckFigure::p99}, {"mean", CheckFigure::mean},
    {"min", CheckFigure::min},         {"max", CheckFigure::max}, {"errors", CheckFigure::errors},
    {"speedup", CheckFigure::speedup},
};

bool is_latency(CheckFigure f) {
  return f != CheckFigure::rps && f != CheckFigure::errors && f != CheckFigure::errors_pct &&
         f != CheckFigure::speedup;
}

[[noreturn]] void malformed(std::string_view text, std::string_view why) {
  throw UsageError(fmt::format("--check '{}': {}", text, why));
}

// A plain non-negative number, all of `text`.
std::optional<double> parse_number(std::string_view text) {
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size() ||
      !std::isfinite(value) || value < 0) {
    return std::nullopt;
  }
  return value;
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

double parse_threshold(std::string_view text, std::string_view value, Check& check) {
  if (value.empty()) malformed(text, "missing value after the comparison");
  if (is_latency(check.figure)) {
    // A bare number could mean milliseconds (the unit latency is printed in) or seconds (the
    // unit of every other duration option): ambiguous, so refused.
    if (parse_number(value)) {
      malformed(text, fmt::format("a latency needs a unit: write {}ms (or s, us)", value));
    }
    try {
      return static_cast<double>(parse_duration(value).count()) / 1e6;
    } catch (const UsageError&) {
      malformed(text, "latency must be a duration such as 200ms, 1.5s or 800us");
    }
  }
  switch (check.figure) {
    case CheckFigure::rps: {
      try {
        return parse_rate(value);
      } catch (const UsageError&) {
        malformed(text, "requests/s must be a number such as 5000, 5k or 1.5M");
      }
    }
    case CheckFigure::errors: {
      if (value.back() == '%') {
        check.figure = CheckFigure::errors_pct;
        if (auto pct = parse_number(trim(value.substr(0, value.size() - 1))); pct && *pct <= 100) {
          return *pct;
        }
        malformed(text, "errors must be a percentage such as 1% or a count such as 5");
      }
      try {
        return parse_rate(value);
      } catch (const UsageError&) {
        malformed(text, "errors must be a percentage such as 1% or a count such as 5");
      }
    }
    case CheckFigure::speedup: {
      const bool x = value.back() == 'x';
      if (auto n = parse_number(trim(x ? value.substr(0, value.size() - 1) : value))) return *n;
      malformed(text, "speedup must be a factor such as 2 or 2.5x");
    }
    default:
      break;
  }
  malformed(text, "unsupported figure");
}

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
          if (s.mode == run.mode && s.factor.n > 0) return s.factor.median;
        }
      }
      if (report.comparison) {
        for (const Speedup& s : report.comparison->speedups) {
          if (s.mode == run.mode && s.factor > 0) return s.factor;
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
  if (is_latency(f)) return format_duration(std::chrono::nanoseconds(std::llround(v * 1e6)));
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

Check parse_check(std::string_view text) {
  Check check;
  check.text = std::string(text);
  // Blanks around each part are allowed: 'p99 < 50ms', 'async: p50 <= 20ms'.
  std::string_view rest = text;
  if (const auto colon = rest.find(':'); colon != std::string_view::npos) {
    try {
      check.mode = parse_mode(trim(rest.substr(0, colon)));
    } catch (const UsageError& e) {
      malformed(text, e.what());
    }
    rest.remove_prefix(colon + 1);
  }
  const auto op_pos = rest.find_first_of("<>");
  if (op_pos == std::string_view::npos) {
    malformed(text, "expected FIGURE<VALUE or FIGURE>VALUE, e.g. p99<200ms");
  }
  const std::string_view name = trim(rest.substr(0, op_pos));
  const auto figure = std::find_if(std::begin(kFigures), std::end(kFigures),
                                   [&](const FigureName& f) { return f.name == name; });
  if (figure == std::end(kFigures)) {
    malformed(text,
              fmt::format("unknown figure '{}': use rps, p50, p75, p90, p95, p99, p99.9, p99.99, "
                          "mean, min, max, errors or speedup",
                          name));
  }
  check.figure = figure->figure;
  const bool less = rest[op_pos] == '<';
  const bool or_equal = op_pos + 1 < rest.size() && rest[op_pos + 1] == '=';
  check.op = less ? (or_equal ? CheckOp::less_equal : CheckOp::less)
                  : (or_equal ? CheckOp::greater_equal : CheckOp::greater);
  check.threshold = parse_threshold(text, trim(rest.substr(op_pos + (or_equal ? 2 : 1))), check);
  return check;
}

std::vector<Check> parse_checks(const Options& options) {
  std::vector<Check> checks;
  for (const std::string& text : options.checks) {
    Check check = parse_check(text);
    if (check.mode &&
        std::find(options.modes.begin(), options.modes.end(), *check.mode) == options.modes.end()) {
      malformed(text, fmt::format("mode '{}' is not run", mode_name(*check.mode)));
    }
    if (check.figure == CheckFigure::speedup) {
      if (!options.compare) malformed(text, "speedup needs --mode compare");
      if (check.mode && *check.mode == options.modes.front()) {
        malformed(text,
                  fmt::format("'{}' is the baseline of the comparison", mode_name(*check.mode)));
      }
    }
    checks.push_back(std::move(check));
  }
  return checks;
}

std::vector<CheckOutcome> evaluate_checks(const std::vector<Check>& checks, const Report& report) {
  std::vector<CheckOutcome> outcomes;
  for (const Check& check : checks) {
    CheckOutcome outcome;
    outcome.expression = check.text;
    bool all = true;
    for (std::size_t i = 0; i < report.runs.size(); ++i) {
      const Mode mode = report.runs[i].mode;
      if (check.mode && *check.mode != mode) continue;
      // The baseline has no speedup over itself.
      if (check.figure == CheckFigure::speedup && i == 0) continue;
      const std::optional<double> value = mode_value(check, report, i);
      if (!value) {
        all = false;
        outcome.detail +=
            fmt::format("{}{} no value", outcome.detail.empty() ? "" : ", ", mode_name(mode));
        continue;
      }
      outcome.values.emplace_back(mode, *value);
      all = all && holds(check.op, *value, check.threshold);
      outcome.detail += fmt::format("{}{} {}", outcome.detail.empty() ? "" : ", ", mode_name(mode),
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
