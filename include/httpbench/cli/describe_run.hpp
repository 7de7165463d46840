// The run description captured from the validated options before a run: what the reporters
// print about the run (the request as sent, the schedule, the route), so that they never read
// Options.
#pragma once

#include "httpbench/cli/options.hpp"
#include "httpbench/cli/plan.hpp"
#include "httpbench/stats/run_description.hpp"

namespace httpbench {

// Describes the run of `options` (the whole run) of which this process runs `part` (with --shard,
// its shard's part; the whole run otherwise), sending `request`. The body, when there is one,
// must have been read already.
RunDescription describe_run(const Options& options, const WorkPart& part,
                            const RequestSpec& request);
// The same for a run planned and described from `options` alone.
RunDescription describe_run(const Options& options);

}  // namespace httpbench
