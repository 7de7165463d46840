#include "httpbench/cli/check_parser.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <optional>

#include <fmt/format.h>

#include "httpbench/report/run_label.hpp"
#include "httpbench/stats/error.hpp"
#include "httpbench/stats/units.hpp"

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
  if (is_latency_figure(check.figure)) {
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

}  // namespace

Check parse_check(std::string_view text) {
  Check check;
  check.text = std::string(text);
  // Blanks around each part are allowed: 'p99 < 50ms', 'async: p50 <= 20ms'.
  std::string_view rest = text;
  // The scope is what comes before the last ':' ahead of the comparison: MODE or MODE:PROTOCOL.
  if (const auto colon = rest.substr(0, rest.find_first_of("<>")).rfind(':');
      colon != std::string_view::npos) {
    const std::string_view scope = rest.substr(0, colon);
    const auto protocol_colon = scope.find(':');
    try {
      check.mode = parse_mode(trim(scope.substr(0, protocol_colon)));
      if (protocol_colon != std::string_view::npos) {
        check.protocol = parse_protocol(trim(scope.substr(protocol_colon + 1)));
      }
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

std::vector<Check> parse_checks(const std::vector<std::string>& texts,
                                const std::vector<RunKind>& runs, bool compare,
                                Protocol run_protocol) {
  const bool with_protocol = std::any_of(
      runs.begin(), runs.end(), [](const RunKind& k) { return k.protocol == Protocol::http2; });
  std::vector<Check> checks;
  for (const std::string& text : texts) {
    Check check = parse_check(text);
    // A scope spells a run as a --compare entry does: without a protocol, the run's.
    if (check.mode && !check.protocol) check.protocol = run_protocol;
    const auto scoped = [&](const RunKind& k) { return check_applies(check, k); };
    if (check.mode && std::none_of(runs.begin(), runs.end(), scoped)) {
      const RunKind kind{*check.mode, *check.protocol};
      malformed(text,
                fmt::format("mode '{}' is not run",
                            run_label(kind, with_protocol || kind.protocol == Protocol::http2)));
    }
    if (check.figure == CheckFigure::speedup) {
      if (!compare) malformed(text, "speedup needs --mode compare");
      if (check.mode && !runs.empty() && scoped(runs.front()) &&
          std::none_of(runs.begin() + 1, runs.end(), scoped)) {
        malformed(text, fmt::format("'{}' is the baseline of the comparison",
                                    run_label(runs.front(), with_protocol)));
      }
    }
    checks.push_back(std::move(check));
  }
  return checks;
}

std::vector<Check> parse_checks(const std::vector<std::string>& texts,
                                const std::vector<Mode>& modes, bool compare) {
  std::vector<RunKind> runs;
  for (Mode m : modes)
    runs.push_back(RunKind{m, Protocol::http1});
  return parse_checks(texts, runs, compare, Protocol::http1);
}

}  // namespace httpbench
