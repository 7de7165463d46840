// httpbench merge: how the merged files' runs lay in time (side by side or one after another)
// and which of their options differ, for the reporters.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "httpbench/stats/mode.hpp"
#include "httpbench/stats/protocol.hpp"

namespace httpbench {

// The runs of one mode across the files.
struct MergeModeSpan {
  Mode mode = Mode::async;
  Protocol protocol = Protocol::http1;
  // Runs merged (one per file that ran the mode).
  std::size_t runs = 0;
  // Seconds during which at least one of the runs was running: the measure of the union of their
  // [started_at, ended_at] intervals, which is the merged run's wall time.
  double busy_s = 0;
  // Seconds during which two or more were running at once.
  double overlapped_s = 0;
  // False when a run has no timestamps: then the runs are taken as side by side (wall time the
  // longest elapsed_s) and the overlap is unknown.
  bool stamped = true;
};

// An option whose value is not the same in every file, with each file's value in file order
// ("(not recorded)" when the file has no such key).
struct DifferingOption {
  std::string name;
  std::vector<std::string> values;
};

struct MergeSummary {
  std::vector<MergeModeSpan> modes;
  // Share of the merged wall time, over all modes, during which two or more files' runs were
  // running: 1 for shards run side by side, 0 for runs made one after another; nullopt when a run
  // has no timestamps.
  std::optional<double> overlap;
  // Options shown rather than refused when they differ (concurrency, rate, requests, ...).
  std::vector<DifferingOption> differing;
  // The options as the files record them, for the HTML report: name, then the value all files
  // share, "A | B" when they differ, or "(not recorded)".
  std::vector<std::pair<std::string, std::string>> options;
};

}  // namespace httpbench
