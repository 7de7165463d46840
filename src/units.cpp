#include "httpbench/units.hpp"

#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "httpbench/error.hpp"

namespace httpbench {

namespace {

// Splits "12.5ms" into 12.5 and "ms"; throws when there is no number or it is negative.
std::pair<double, std::string_view> split_number(std::string_view text, std::string_view what) {
  double value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (text.empty() || ec != std::errc{} || !std::isfinite(value)) {
    throw UsageError(fmt::format("invalid {} '{}'", what, text));
  }
  if (value < 0) throw UsageError(fmt::format("invalid {} '{}': must not be negative", what, text));
  return {value, std::string_view(ptr, static_cast<std::size_t>(end - ptr))};
}

}  // namespace

std::chrono::nanoseconds parse_duration(std::string_view text) {
  auto [value, unit] = split_number(text, "duration");
  double scale = 0;
  if (unit.empty() || unit == "s") {
    scale = 1e9;
  } else if (unit == "ms") {
    scale = 1e6;
  } else if (unit == "us") {
    scale = 1e3;
  } else if (unit == "ns") {
    scale = 1;
  } else if (unit == "m") {
    scale = 60e9;
  } else if (unit == "h") {
    scale = 3600e9;
  } else {
    throw UsageError(
        fmt::format("invalid duration '{}': unit must be one of ns, us, ms, s, m, h", text));
  }
  const double ns = value * scale;
  if (ns > 1e18) throw UsageError(fmt::format("invalid duration '{}': too long", text));
  return std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(ns)));
}

namespace {

// Splits a trailing unit letter off a whole number and returns the number times the unit's
// scale; `scales` maps suffix letters to multipliers.
std::uint64_t parse_scaled(
    std::string_view text, std::string_view what,
    std::initializer_list<std::pair<std::string_view, std::uint64_t>> scales) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  if (text.empty() || text.front() == '-' || text.front() == '+') {
    throw UsageError(fmt::format("invalid {} '{}': must be a whole number >= 0", what, text));
  }
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec == std::errc::result_out_of_range) {
    throw UsageError(fmt::format("invalid {} '{}': too large", what, text));
  }
  if (ec != std::errc{}) throw UsageError(fmt::format("invalid {} '{}'", what, text));
  std::string_view suffix(ptr, static_cast<std::size_t>(end - ptr));
  std::uint64_t scale = 0;
  if (suffix.empty()) scale = 1;
  for (const auto& [name, factor] : scales) {
    if (suffix == name) scale = factor;
  }
  if (scale == 0) throw UsageError(fmt::format("invalid {} '{}'", what, text));
  if (value > std::numeric_limits<std::uint64_t>::max() / scale) {
    throw UsageError(fmt::format("invalid {} '{}': too large", what, text));
  }
  return value * scale;
}

}  // namespace

std::uint64_t parse_size(std::string_view text) {
  return parse_scaled(text, "size", {{"k", 1024}, {"m", 1024 * 1024}, {"g", 1024 * 1024 * 1024}});
}

std::uint64_t parse_count(std::string_view text) {
  return parse_scaled(text, "number", {{"k", 1000}, {"m", 1000 * 1000}});
}

std::string format_duration(std::chrono::nanoseconds d) {
  const double ns = static_cast<double>(d.count());
  if (ns >= 1e9) return fmt::format("{:.2f}s", ns / 1e9);
  if (ns >= 1e6) return fmt::format("{:.2f}ms", ns / 1e6);
  if (ns >= 1e3) return fmt::format("{:.2f}us", ns / 1e3);
  return fmt::format("{}ns", d.count());
}

}  // namespace httpbench
