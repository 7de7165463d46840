// The insight part of the reports: per-phase times side by side across modes, achieved
// concurrency, client load, resource cost per mode, and the notes of insight.hpp.
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "httpbench/report/report_model.hpp"

namespace httpbench {

// "Where the time went" table, one column per mode, and the notes; empty for no runs.
std::string format_insight_text(const Report& report);

// Adds "phases_ms", "concurrency", "connection_use", "client" and "resources" to the JSON
// object of `run`.
void add_insight_json(const Report& report, const RunResult& run, boost::json::object& out);

// Adds "notes" (and, in compare mode, "comparison.phase_deltas_ms") to the JSON document.
void add_report_insight_json(const Report& report, boost::json::object& doc);

}  // namespace httpbench
