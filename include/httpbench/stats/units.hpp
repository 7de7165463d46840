// The one unit rule of the command line, and of the built-in server's query parameters: durations
// ("50ms", "10s", "2m"; a bare number is seconds), counts and rates ("200", "10k", "1.5M"), byte
// sizes ("64k", "1m") and comma lists.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace httpbench {

// What a duration may look like, for error messages.
inline constexpr std::string_view kDurationForm =
    "a number with a unit: ns, us, ms, s, m or h (e.g. 500ms, 1.5s; a bare number is seconds)";
// What a count may look like, for error messages.
inline constexpr std::string_view kCountForm = "a whole number such as 200, 10k or 1.5M";

// Parses a non-negative duration; a bare number means seconds. Throws UsageError.
std::chrono::nanoseconds parse_duration(std::string_view text);

// Parses a non-negative whole count with an optional suffix k or K (x1000) or M (x1000000); the
// number may have a fraction when the result is whole ("1.5k" is 1500). Lowercase m is refused
// (it means minutes in a duration). Throws UsageError.
std::uint64_t parse_count(std::string_view text);

// Parses a non-negative rate (requests per second), fractions allowed, with the suffixes of
// parse_count ("2.5k" is 2500). Throws UsageError.
double parse_rate(std::string_view text);

// Parses a byte size with an optional k/K, m/M or g/G suffix (x1024). Throws UsageError.
std::uint64_t parse_size(std::string_view text);

// Splits a comma-separated list ("sync, async", "1,2, 4") into its items, blanks around each
// item trimmed. Throws UsageError on an empty item ("1,,2", "" or a trailing comma).
std::vector<std::string> split_list(std::string_view text);

}  // namespace httpbench
