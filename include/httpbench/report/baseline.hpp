// --baseline: a saved JSON result compared with the current run mode by mode, and the
// --max-regression gate over that comparison.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "httpbench/stats/mode.hpp"
#include "httpbench/stats/protocol.hpp"
#include "httpbench/stats/run_kind.hpp"
#include "httpbench/stats/trials.hpp"

namespace httpbench {

struct Report;
struct RunResult;

// Without intervals on both sides, a change of at most this many percent is within noise.
inline constexpr double kNoiseBandPct = 5.0;

// The figures compared, in report order.
enum class BaselineFigure { rps, p50, p99 };
inline constexpr BaselineFigure kBaselineFigures[] = {BaselineFigure::rps, BaselineFigure::p50,
                                                      BaselineFigure::p99};
// "rps", "p50", "p99": the names in JSON and in --check.
std::string_view figure_name(BaselineFigure figure);

// One figure of one mode: the median over trials (the value itself with one trial), and its
// interval when there were at least 2 trials.
struct FigureValue {
  double value = 0;
  std::optional<Interval> interval;
};

struct BaselineMode {
  Mode mode = Mode::async;
  Protocol protocol = Protocol::http1;
  // Requests per second.
  FigureValue rps;
  // Latency, milliseconds.
  FigureValue p50;
  FigureValue p99;

  const FigureValue& figure(BaselineFigure f) const;
};

// What the saved run was: the options that decide what a figure means, as the file records them
// (nullopt: the file does not record it, which never matches).
struct SavedRunShape {
  std::optional<std::string> url;
  std::optional<std::string> method;
  std::vector<Mode> modes;
  std::optional<std::uint64_t> concurrency;
  // Requests per second asked for; 0 for a closed loop.
  std::optional<double> rate;
  // "1.1" or "1.0".
  std::optional<std::string> http_version;
  std::optional<bool> keep_alive;
  // The protocol of each entry of `modes` (h1 for files written before HTTP/2), and the HTTP/2
  // streams per connection asked for (nullopt without an HTTP/2 run).
  std::vector<Protocol> protocols;
  std::optional<std::uint32_t> streams;
};

// What the current run measures, in the terms of SavedRunShape: filled by the command line.
struct RunShape {
  // The target URL.
  std::string url;
  std::string method = "GET";
  // The modes run, in order.
  std::vector<Mode> modes;
  // Requests in flight asked for (-c).
  std::uint64_t concurrency = 0;
  // Requests per second asked for; 0 for a closed loop.
  double rate = 0;
  // "1.1" or "1.0".
  std::string http_version = "1.1";
  bool keep_alive = true;
  // The protocol of each entry of `modes` (an entry past its end: h1), and the HTTP/2 streams per
  // connection asked for (nullopt without an HTTP/2 run).
  std::vector<Protocol> protocols;
  std::optional<std::uint32_t> streams;
};

struct Baseline {
  std::string path;
  std::string url;
  SavedRunShape shape;
  std::vector<BaselineMode> modes;
  // The saved runs themselves (histograms and timelines included), for the HTML report; shared
  // (and declared with RunResult incomplete here) so copies are cheap.
  std::shared_ptr<const std::vector<RunResult>> runs;
};

// Reads a file written by --save-baseline, -o or --json. Throws UsageError when it cannot be read
// or is not an httpbench result.
Baseline load_baseline(const std::string& path);

// The differences between the saved run and the one `current` describes, as "concurrency 2 vs 8"
// (saved first), in a fixed order: target, method, mode, concurrency, rate, http version,
// keep-alive, protocol, streams. Empty when they measure the same thing. Concurrency is not
// compared when every mode is sync (one request at a time whatever -c says).
std::vector<std::string> baseline_differences(const Baseline& baseline, const RunShape& current);

// Throws UsageError ("--baseline: saved run differs: ... (use --baseline-any to compare anyway)")
// unless the saved run is like the current one (--baseline-any: the caller does not ask).
void require_like_baseline(const Baseline& baseline, const RunShape& current);

// The current run's figures, in the same form.
std::vector<BaselineMode> figures_of(const Report& report);

enum class Verdict { faster, slower, within_noise };
std::string_view verdict_name(Verdict verdict);

struct FigureChange {
  Mode mode = Mode::async;
  Protocol protocol = Protocol::http1;
  BaselineFigure figure = BaselineFigure::rps;
  // Baseline and current value (requests/s, or milliseconds for latency).
  double baseline = 0;
  double current = 0;
  // (current - baseline) / baseline, percent.
  double change_pct = 0;
  // Worse means fewer requests/s or more latency.
  bool worse = false;
  // Intervals on both sides that do not overlap; without them, a change beyond kNoiseBandPct.
  bool significant = false;
  // True when both sides had intervals.
  bool by_interval = false;
  Verdict verdict = Verdict::within_noise;
};

struct BaselineComparison {
  std::string path;
  std::vector<FigureChange> changes;
  // Modes (with their protocol) run now but not in the baseline file.
  std::vector<RunKind> missing;
  // Some run, now or saved, is HTTP/2: the modes are labelled with their protocol ("async:h2").
  bool labels_protocol = false;
  // The baseline's saved runs, drawn beside the current ones by the HTML report; may be null.
  std::shared_ptr<const std::vector<RunResult>> runs;
};

BaselineComparison compare_with_baseline(const Baseline& baseline,
                                         const std::vector<BaselineMode>& current);

// The significant changes worse than the baseline by more than `max_pct` percent.
std::vector<FigureChange> regressions(const BaselineComparison& comparison, double max_pct);

// "async p99 latency 61.20ms vs baseline 50.10ms (+22.2%)" ("async:h2 ..." for an HTTP/2 run).
std::string describe_change(const FigureChange& change);
// The mode of `change` as the reports print it ("async", "async:h2").
std::string change_label(const FigureChange& change, bool with_protocol);

}  // namespace httpbench
