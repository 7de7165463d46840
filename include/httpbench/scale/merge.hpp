// Layer scale/: runs spread over processes and machines: shards, a common start, and merging
// their result files. It may use stats and report.
//
// Result files read back: the JSON documents of --json, -o and --save-baseline, turned into
// RunResults again, and `httpbench merge` of several such files into one Report.
#pragma once

#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "httpbench/report/report_model.hpp"
#include "httpbench/report/result_json.hpp"

namespace httpbench {

// Merges files of the same target: runs of the same mode add up (counts and histograms exactly),
// the wall time is the span from the earliest start to the latest end (the longest elapsed_s when
// a file has no timestamps), requests/s is recomputed, percentiles come from the merged histogram.
// Shard files (--shard) must all be shards of one run: the same shard count, no index twice, the
// same options; with `require_complete` every index must be there.
// Throws UsageError when the files name different targets or the shard checks fail.
Report merge_result_files(const std::vector<std::string>& paths, bool require_complete = false);

}  // namespace httpbench
