#include "httpbench/stats/units.hpp"

#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "httpbench/stats/error.hpp"

namespace httpbench {

namespace {

// Splits "12.5ms" into 12.5 and "ms"; throws when there is no number or it is negative.
std::pair<double, std::string_view> split_number(std::string_view text) {
  if (!text.empty() && text.front() == '-') {
    throw UsageError(fmt::format("invalid duration '{}': must not be negative", text));
  }
  double value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, value, std::chars_format::fixed);
  if (text.empty() || ec != std::errc{} || !std::isfinite(value) || value < 0) {
    throw UsageError(fmt::format("invalid duration '{}': use {}", text, kDurationForm));
  }
  return {value, std::string_view(ptr, static_cast<std::size_t>(end - ptr))};
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// The multiplier of a count's or rate's suffix (k, K, M), removed from `number`; 1 without one.
std::uint64_t take_count_suffix(std::string_view text, std::string_view& number,
                                std::string_view what) {
  if (text.empty()) return 1;
  switch (text.back()) {
    case 'k':
    case 'K':
      number.remove_suffix(1);
      return 1000;
    case 'M':
      number.remove_suffix(1);
      return 1000 * 1000;
    case 'm':
      throw UsageError(
          fmt::format("invalid {} '{}': use M for millions (m means minutes)", what, text));
    default:
      return 1;
  }
}

}  // namespace

std::chrono::nanoseconds parse_duration(std::string_view text) {
  auto [value, unit] = split_number(text);
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
    throw UsageError(fmt::format("invalid duration '{}': use {}", text, kDurationForm));
  }
  const double ns = value * scale;
  if (ns > 1e18) throw UsageError(fmt::format("invalid duration '{}': too long", text));
  return std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(ns)));
}

std::uint64_t parse_count(std::string_view text) {
  const auto invalid = [&] {
    return UsageError(fmt::format("invalid number '{}': expected {}", text, kCountForm));
  };
  const auto too_large = [&] {
    return UsageError(fmt::format("invalid number '{}': too large", text));
  };
  if (!text.empty() && text.front() == '-') {
    throw UsageError(fmt::format("invalid number '{}': must not be negative", text));
  }
  std::string_view number = text;
  const std::uint64_t scale = take_count_suffix(text, number, "number");
  // Exact decimal arithmetic: "1.5k" is 15 * 1000 / 10, and must come out whole.
  const std::size_t point = number.find('.');
  const std::string_view whole = number.substr(0, point);
  std::string_view fraction =
      point == std::string_view::npos ? std::string_view() : number.substr(point + 1);
  if (!all_digits(whole) || (point != std::string_view::npos && !all_digits(fraction))) {
    throw invalid();
  }
  while (!fraction.empty() && fraction.back() == '0')
    fraction.remove_suffix(1);
  // A fraction with more digits than the suffix has zeros cannot give a whole number.
  if (fraction.size() > 6) throw invalid();
  std::uint64_t digits = 0;
  std::uint64_t divisor = 1;
  for (std::string_view part : {whole, fraction}) {
    for (char c : part) {
      if (__builtin_mul_overflow(digits, std::uint64_t{10}, &digits) ||
          __builtin_add_overflow(digits, static_cast<std::uint64_t>(c - '0'), &digits)) {
        throw too_large();
      }
    }
  }
  for (std::size_t i = 0; i < fraction.size(); ++i)
    divisor *= 10;
  std::uint64_t scaled = 0;
  if (__builtin_mul_overflow(digits, scale, &scaled)) throw too_large();
  if (scaled % divisor != 0) throw invalid();
  return scaled / divisor;
}

double parse_rate(std::string_view text) {
  if (!text.empty() && text.front() == '-') {
    throw UsageError(fmt::format("invalid rate '{}': must not be negative", text));
  }
  std::string_view number = text;
  const std::uint64_t scale = take_count_suffix(text, number, "rate");
  double value = 0;
  const char* end = number.data() + number.size();
  auto [ptr, ec] = std::from_chars(number.data(), end, value, std::chars_format::fixed);
  if (number.empty() || ec != std::errc{} || ptr != end || !std::isfinite(value) || value < 0) {
    throw UsageError(fmt::format(
        "invalid rate '{}': expected requests per second such as 500, 2.5k or 1M", text));
  }
  return value * static_cast<double>(scale);
}

std::uint64_t parse_size(std::string_view text) {
  const auto invalid = [&] {
    return UsageError(fmt::format(
        "invalid size '{}': expected bytes as a whole number with an optional k, m or g (KiB, "
        "MiB, GiB), e.g. 64k",
        text));
  };
  std::string_view number = text;
  std::uint64_t scale = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 'k':
      case 'K':
        scale = 1024;
        break;
      case 'm':
      case 'M':
        scale = 1024 * 1024;
        break;
      case 'g':
      case 'G':
        scale = 1024 * 1024 * 1024;
        break;
      default:
        break;
    }
  }
  if (scale != 1) number.remove_suffix(1);
  if (!all_digits(number)) throw invalid();
  std::uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec == std::errc::result_out_of_range ||
      value > std::numeric_limits<std::uint64_t>::max() / scale) {
    throw UsageError(fmt::format("invalid size '{}': too large", text));
  }
  if (ec != std::errc{}) throw invalid();
  return value * scale;
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    std::string_view item = text.substr(pos, comma - pos);
    const auto first = item.find_first_not_of(" \t");
    item = first == std::string_view::npos
               ? std::string_view()
               : item.substr(first, item.find_last_not_of(" \t") - first + 1);
    if (item.empty()) {
      throw UsageError(
          fmt::format("empty item in the list '{}': separate items with commas, e.g. a,b", text));
    }
    items.emplace_back(item);
    pos = comma + 1;
  }
  return items;
}

}  // namespace httpbench
