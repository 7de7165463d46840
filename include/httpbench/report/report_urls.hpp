// --urls: the per-request-line part of the reports.
#pragma once

#include <string>

#include <boost/json/array.hpp>

#include "httpbench/stats/results.hpp"

namespace httpbench {

// A table with a row per request line of `run`; empty without --urls.
std::string format_urls_text(const RunResult& run);

// [{"request", "requests", "responses", "failed", "rps", "status_classes", "latency_ms"}, ...]
boost::json::array urls_json(const RunResult& run);

}  // namespace httpbench
