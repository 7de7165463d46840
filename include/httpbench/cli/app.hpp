// Layer cli/: argv -> Options -> the plan, and the program that runs it. The only layer that
// knows the command line (CLI11); it may use every layer below: engine, connection, codec, stats,
// report, serve and scale.
//
// The httpbench program as a library function: what main() calls and what tests drive in-process.
#pragma once

#include <atomic>
#include <ostream>
#include <string>
#include <vector>

#include "httpbench/cli/options.hpp"
#include "httpbench/cli/plan.hpp"

namespace httpbench {

// Exit codes: part of the command-line contract.
inline constexpr int kExitOk = 0;             // every mode ran and no request failed
inline constexpr int kExitFailures = 1;       // the run finished but some request failed
inline constexpr int kExitUsage = 2;          // bad option, URL, host or file
inline constexpr int kExitInterrupted = 130;  // Ctrl-C: partial results were still printed

// Runs httpbench with `args` (argv without argv[0]), printing to `out` and `err`. Setting `stop`
// (Ctrl-C in main) ends the run early with its partial results. Never throws.
int run_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
             const std::atomic<bool>& stop);

// Runs a benchmark: resolve, run each mode of `plan` (make_plan(options)), report. Throws
// UsageError on input errors.
int run_benchmark(Options options, const BenchmarkPlan& plan, std::ostream& out, std::ostream& err,
                  const std::atomic<bool>& stop);

}  // namespace httpbench
