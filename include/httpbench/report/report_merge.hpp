// httpbench merge in the output formats: how the files' runs lay in time (the overlap) and the
// options that differ between the files.
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "httpbench/stats/merge_summary.hpp"

namespace httpbench {

// "runs overlap 0% (one after another: throughput over the time they ran)" and, when options
// differ, "options that differ between the files: concurrency 4 | 8"; each line ends in '\n'.
std::string format_merge_text(const MergeSummary& merge);

// {"overlap": 0..1 or null, "overlap_rule": "...", "modes": {MODE: {runs, busy_s, overlapped_s}},
//  "differing_options": {NAME: [value per file]}}
boost::json::object merge_json(const MergeSummary& merge);

}  // namespace httpbench
