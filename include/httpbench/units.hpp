// Parsing of human-friendly durations ("50ms", "10s", "2m") and counts ("200", "10k").
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace httpbench {

// Parses a non-negative duration; a bare number means seconds. Throws UsageError.
std::chrono::nanoseconds parse_duration(std::string_view text);

// Parses a positive-or-zero integer count with an optional k/m suffix (x1000). Throws UsageError.
std::uint64_t parse_count(std::string_view text);

// Parses a byte size with an optional k/m/g suffix (x1024). Throws UsageError.
std::uint64_t parse_size(std::string_view text);

// "1.23s", "45.6ms", "789us": the shortest unit that keeps at least one digit before the point.
std::string format_duration(std::chrono::nanoseconds d);

}  // namespace httpbench
