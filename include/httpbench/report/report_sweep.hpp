// The concurrency sweep in each output format; format_text, format_json and format_csv call these
// when the report has a sweep.
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "httpbench/report/report_model.hpp"

namespace httpbench {

// The header lines, one table row per level, the USL fit and the knee.
std::string format_sweep_text(const Report& report);

// {"levels":[{concurrency, rps, p50_ms, p99_ms, errors, ...}], "usl":{lambda, sigma, kappa, r2,
// ...} or null, "knee": N or null, ...}
boost::json::object sweep_json(const SweepSummary& sweep);

// One row per level after a header line.
std::string format_sweep_csv(const SweepSummary& sweep);

}  // namespace httpbench
