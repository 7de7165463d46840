// Layer report/: turns results into text, JSON, CSV and HTML, and the verdicts (checks,
// baselines) over them. It reads stats only, never a socket, a clock or the command line.
//
// Reporters: turn a Report into text, JSON or CSV. They never touch sockets or clocks.
#pragma once

#include <string>

#include "httpbench/report/report_model.hpp"
#include "httpbench/report/result_json.hpp"

namespace httpbench {

struct TextStyle {
  // Columns available for the latency distribution bars.
  int width = 80;
};

// The human-readable report: one block per mode, then the comparison table when there is one.
std::string format_text(const Report& report, const TextStyle& style = {});

// The report as one JSON document (see README for the keys), with a trailing newline.
std::string format_json(const Report& report);

// One CSV row per mode and trial, after a header line; for spreadsheets and plotting.
std::string format_csv(const Report& report);

}  // namespace httpbench
