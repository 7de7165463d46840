// The command line that repeats a run, rebuilt from its description: the inverse of the command
// line's parsing, for the HTML report's "command (equivalent)" row.
#pragma once

#include <string>

#include "httpbench/stats/run_description.hpp"

namespace httpbench {

// "httpbench --mode async -n 200 -c 100 http://host/": every option that shapes the requests,
// their schedule or their route, defaults (defaults.hpp) left out, credentials redacted. Outputs
// (-o, --report, --json) and the verdicts on the results (--check, --baseline) are not part of
// the run and are left out.
std::string equivalent_command(const RunDescription& run);

}  // namespace httpbench
