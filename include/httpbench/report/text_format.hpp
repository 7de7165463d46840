// Numbers for people: the units the text reports print durations and sizes in.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace httpbench {

// "1.50 MiB", "12.00 KiB", "512 B".
std::string format_bytes(std::uint64_t bytes);

// Milliseconds as "1.23s", "45.60ms" or "789.0us".
std::string format_ms(double ms);

// Seconds as "1.23s" or "45.6ms".
std::string format_seconds(double s);

// A duration as "1.50s", "2.50ms", "789.00us" or "999ns": the largest unit that keeps at least
// one digit before the point.
std::string format_duration(std::chrono::nanoseconds d);

}  // namespace httpbench
