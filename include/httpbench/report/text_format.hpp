// Numbers for people: the units the text reports print durations and sizes in.
#pragma once

#include <cstdint>
#include <string>

#include "httpbench/stats/run_description.hpp"

namespace httpbench {

// "1.50 MiB", "12.00 KiB", "512 B".
std::string format_bytes(std::uint64_t bytes);

// Milliseconds as "1.23s", "45.60ms" or "789.0us".
std::string format_ms(double ms);

// Seconds as "1.23s" or "45.6ms".
std::string format_seconds(double s);

// The work of each mode as the text reports state it: "200 requests", "10.00s" or
// "200 requests or 10.00s"; empty when the description records neither.
std::string run_amount(const RunDescription& d);

}  // namespace httpbench
