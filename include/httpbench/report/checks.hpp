// --check thresholds such as `p99<200ms`, `rps>5000`, `errors<1%`, `speedup>2`: parsed before the
// run by the command line (cli/check_parser.hpp), so a malformed one is a usage error before any
// request, and evaluated here on the Report.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "httpbench/stats/mode.hpp"
#include "httpbench/stats/protocol.hpp"
#include "httpbench/stats/run_kind.hpp"

namespace httpbench {

struct Report;

// What a check measures.
enum class CheckFigure {
  rps,  // requests per second
  p50,  // latency percentiles, milliseconds
  p75,
  p90,
  p95,
  p99,
  p999,
  p9999,
  mean,        // mean latency, milliseconds
  min,         // fastest response, milliseconds
  max,         // slowest response, milliseconds
  errors,      // failed requests, a count
  errors_pct,  // failed requests, percent of the requests that ended
  speedup,     // compare mode: requests/s over the baseline's
};

enum class CheckOp { less, less_equal, greater, greater_equal };

struct Check {
  // The expression as given, for the report.
  std::string text;
  // `MODE:figure...` checks one mode; otherwise every mode (every compared mode for speedup).
  std::optional<Mode> mode;
  // `MODE:PROTOCOL:figure...` (async:h2:p99<20ms) checks the runs of that mode over that protocol;
  // a scope without a protocol takes the run's (h2 with --http2, else h1) once parse_checks has
  // read it; nullopt: any protocol.
  std::optional<Protocol> protocol;
  CheckFigure figure = CheckFigure::rps;
  CheckOp op = CheckOp::less;
  // The threshold in the figure's unit (milliseconds for latency).
  double threshold = 0;
};

// True for the latency figures, whose unit is milliseconds.
bool is_latency_figure(CheckFigure figure);

struct CheckOutcome {
  std::string expression;
  bool passed = false;
  // The value compared for each run it applied to, by the run's label ("async", or "async:h2"
  // when some run is HTTP/2), in the figure's unit.
  std::vector<std::pair<std::string, double>> values;
  // The values as printed: "sync 50.40ms, async 51.20ms".
  std::string detail;
};

// Each figure is the median over the trials of each mode (the value itself with one trial);
// errors add up over the trials; speedup is the median of the per-trial speedups. A check holds
// when it holds for every mode it applies to; with no value to compare it fails.
std::vector<CheckOutcome> evaluate_checks(const std::vector<Check>& checks, const Report& report);

// True when `check` applies to the runs of `kind` (its scope names their mode and protocol, or it
// has none).
bool check_applies(const Check& check, RunKind kind);

// The modes of `modes` that an errors check applies to: their failures are judged by that budget.
std::vector<Mode> error_budget_modes(const std::vector<Check>& checks,
                                     const std::vector<Mode>& modes);
// The same for runs of several protocols: the kinds of `runs` an errors check applies to.
std::vector<RunKind> error_budget_runs(const std::vector<Check>& checks,
                                       const std::vector<RunKind>& runs);

}  // namespace httpbench
