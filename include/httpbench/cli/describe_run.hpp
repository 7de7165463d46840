// The run description captured from the validated options before a run: what the reporters
// print about the run (the request as sent, the schedule, the route), so that they never read
// Options.
#pragma once

#include "httpbench/cli/options.hpp"
#include "httpbench/stats/run_description.hpp"

namespace httpbench {

// Describes the run of `options` (the whole run); `shard_part`, when this process runs one shard,
// is its part (options_for_shard). The body, when there is one, must have been read already.
RunDescription describe_run(const Options& options, const Options* shard_part = nullptr);

}  // namespace httpbench
