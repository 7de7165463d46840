// Numbers for people: the units the reports print durations, sizes and dates in, shared by the
// text and HTML reports (each form once; a form only one report uses says why in its name).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "httpbench/stats/run_description.hpp"

namespace httpbench {

// "1.50 MiB", "12.00 KiB", "512 B".
std::string format_bytes(std::uint64_t bytes);

// Milliseconds as "1.23s", "45.60ms" or "789.0us".
std::string format_ms(double ms);

// Milliseconds as "1.23 s", "45.60 ms" or "789.0 us": the HTML report's cells and prose, where a
// proportional font runs a number and its unit together; the terminal's columns use format_ms.
std::string format_ms_spaced(double ms);

// A duration the way the command line takes it back: "30s", "1.5s", "250ms".
std::string format_duration_option(std::chrono::nanoseconds d);

// Unix seconds as "2026-12-07 20:05:00 UTC"; "unknown" for 0 or less.
std::string format_utc_date(double unix_seconds);

// The shortest text that reads back as the same double ("0.1", "1e-07"); 0 for NaN and infinity.
// For values that scripts and tests read back exactly (the HTML report's data-* attributes).
std::string format_exact(double v);

// Seconds as "1.23s" or "45.6ms".
std::string format_seconds(double s);

// A duration as "1.50s", "2.50ms", "789.00us" or "999ns": the largest unit that keeps at least
// one digit before the point.
std::string format_duration(std::chrono::nanoseconds d);

// The work of each mode as the text reports state it: "200 requests", "10.00s" or
// "200 requests or 10.00s"; empty when the description records neither.
std::string run_amount(const RunDescription& d);

}  // namespace httpbench
