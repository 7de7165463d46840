// The timeline of a run in JSON ("timeline" and "timeline_interval_s" in each entry of "runs"),
// and read back from it, so merged files and baselines keep their timelines.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "httpbench/stats/timeline.hpp"

namespace httpbench {

// [{t_s, span_s, completed, errors, bytes, p50_ms, p99_ms, min_ms, max_ms, latency_us}, ...]: one
// object per slot; t_s is the slot's start in seconds from the run's start, span_s the measured
// time it covers, p50_ms/p99_ms/min_ms/max_ms are null when no request completed in it, and
// latency_us lists the non-empty latency buckets as [lower_bound_us, count].
boost::json::array timeline_json(const Timeline& timeline);

// The timeline of one entry of "runs"; empty when the entry has none (older files). Throws
// UsageError naming the key when it is malformed.
Timeline timeline_from_json(const boost::json::object& run);

}  // namespace httpbench
