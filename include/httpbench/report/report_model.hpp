// The report model: everything a reporter prints about a run or a merge of result files. Built by
// the run (cli) or by merge (scale), read by the reporters; it holds results and the run's
// description, never the command line's Options.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "httpbench/report/baseline.hpp"
#include "httpbench/report/checks.hpp"
#include "httpbench/stats/manifest.hpp"
#include "httpbench/stats/merge_summary.hpp"
#include "httpbench/stats/results.hpp"
#include "httpbench/stats/run_description.hpp"
#include "httpbench/stats/run_kind.hpp"
#include "httpbench/stats/scalability.hpp"
#include "httpbench/stats/trials.hpp"

namespace httpbench {

// httpbench merge of shard files: one file's run of one mode.
struct ShardRow {
  std::string file;
  // The file's shard: `shard_index` of `shard_count`.
  std::uint64_t shard_index = 0;
  std::uint64_t shard_count = 1;
  Mode mode = Mode::async;
  Protocol protocol = Protocol::http1;
  std::uint64_t requests = 0;
  std::uint64_t failed = 0;
  double rps = 0;
  // How late the shard began sending after --start-at, milliseconds; nullopt without --start-at.
  std::optional<double> start_skew_ms;
};

// Everything a reporter prints.
struct Report {
  std::string version;
  // What was run and sent (for a merge: what the files record); `description.shard` is this
  // process's part when it ran one shard.
  RunDescription description;
  std::vector<RunResult> runs;
  std::optional<Comparison> comparison;
  bool interrupted = false;
  // Time to resolve the host name before the run, milliseconds.
  double dns_ms = 0;
  // Every trial of each mode, in the order of `runs`; each run in `runs` is the combination of its
  // trials. Empty for merged files.
  std::vector<std::vector<RunResult>> trials;
  // Medians and intervals over the trials.
  std::optional<TrialStats> trial_stats;
  // --baseline: the change of each figure against the saved run.
  std::optional<BaselineComparison> baseline;
  // --check outcomes, in the order given.
  std::vector<CheckOutcome> checks;
  // httpbench merge: the files merged into `runs`, how their runs lay in time and which options
  // differ between them.
  std::vector<std::string> merged_from;
  std::optional<MergeSummary> merge;
  // --sweep: the curve over the levels, whose runs are `runs` in the same order.
  std::optional<SweepSummary> sweep;
  // Versions, machine, target facts and command line; set for every run and merge.
  std::optional<Manifest> manifest;
  // --start-at: the instant asked for, Unix seconds, and how late sending began, milliseconds.
  std::optional<double> start_at;
  double start_skew_ms = 0;
  // httpbench merge of shard files: the shard count, and a row per file and mode.
  std::uint64_t shard_count = 0;
  std::vector<ShardRow> shard_rows;

  // Runs (mode and protocol) whose failures an errors check (--check errors<1%) judges instead of
  // the rule that any failure fails the run.
  std::vector<RunKind> error_budget_runs;

  bool any_failed() const;
  // Some mode without an error budget had a failure.
  bool any_failed_beyond_budget() const;
  bool any_check_failed() const;
};

}  // namespace httpbench
