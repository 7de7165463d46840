// --check expressions read from the command line into the Checks that report/checks.hpp
// evaluates after the run.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "httpbench/report/checks.hpp"
#include "httpbench/stats/mode.hpp"
#include "httpbench/stats/protocol.hpp"
#include "httpbench/stats/run_kind.hpp"

namespace httpbench {

// Throws UsageError naming the expression and what is wrong with it.
Check parse_check(std::string_view text);

// Parses each of `texts` and makes sure each can be evaluated on `modes`, the modes that will run
// (a speedup needs `compare` and a compared mode, not the first). Throws UsageError.
std::vector<Check> parse_checks(const std::vector<std::string>& texts,
                                const std::vector<Mode>& modes, bool compare);
// The same for runs of either protocol (`runs`, the first the baseline); a scope without a
// protocol (async:p99<20ms) takes `run_protocol`, the protocol of entries that name none.
std::vector<Check> parse_checks(const std::vector<std::string>& texts,
                                const std::vector<RunKind>& runs, bool compare,
                                Protocol run_protocol);

}  // namespace httpbench
