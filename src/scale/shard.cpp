#include "httpbench/scale/shard.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "httpbench/stats/error.hpp"

namespace httpbench {

namespace {

// Parses all of `text` as an unsigned decimal; false on anything else.
bool parse_unsigned(std::string_view text, std::uint64_t& value) {
  if (text.empty() || text.size() > 18) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc{} && ptr == text.data() + text.size();
}

// Reads exactly `digits` decimal digits at `pos` and advances; false when they are not there.
bool fixed_digits(std::string_view text, std::size_t& pos, std::size_t digits, int& value) {
  if (pos + digits > text.size()) return false;
  value = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += digits;
  return true;
}

bool expect_char(std::string_view text, std::size_t& pos, std::string_view allowed) {
  if (pos >= text.size() || allowed.find(text[pos]) == std::string_view::npos) return false;
  ++pos;
  return true;
}

// RFC 3339 date-time: full-date "T" partial-time time-offset. nullopt when malformed.
std::optional<double> parse_rfc3339(std::string_view text) {
  using namespace std::chrono;
  std::size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!fixed_digits(text, pos, 4, y) || !expect_char(text, pos, "-") ||
      !fixed_digits(text, pos, 2, mo) || !expect_char(text, pos, "-") ||
      !fixed_digits(text, pos, 2, d) || !expect_char(text, pos, "Tt ") ||
      !fixed_digits(text, pos, 2, h) || !expect_char(text, pos, ":") ||
      !fixed_digits(text, pos, 2, mi) || !expect_char(text, pos, ":") ||
      !fixed_digits(text, pos, 2, s)) {
    return std::nullopt;
  }
  double fraction = 0;
  if (pos < text.size() && text[pos] == '.') {
    double scale = 0.1;
    std::size_t digits = 0;
    for (++pos; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos, ++digits) {
      fraction += (text[pos] - '0') * scale;
      scale /= 10;
    }
    if (digits == 0) return std::nullopt;
  }
  int offset_minutes = 0;
  if (expect_char(text, pos, "Zz")) {
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int oh = 0, om = 0;
    if (!fixed_digits(text, pos, 2, oh) || !expect_char(text, pos, ":") ||
        !fixed_digits(text, pos, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_minutes = sign * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  const year_month_day date{year{y}, month{static_cast<unsigned>(mo)},
                            day{static_cast<unsigned>(d)}};
  // 60 is a leap second, which Unix time folds into the next second.
  if (!date.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  const auto local = sys_days{date}.time_since_epoch() + hours{h} + minutes{mi} + seconds{s};
  const auto utc = local - minutes{offset_minutes};
  return static_cast<double>(duration_cast<seconds>(utc).count()) + fraction;
}

// Unix seconds with an optional fraction: "1795000000" or "1795000000.25".
std::optional<double> parse_unix_seconds(std::string_view text) {
  if (text.empty() || text.find_first_not_of("0123456789.") != std::string_view::npos) {
    return std::nullopt;
  }
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

Shard parse_shard(std::string_view text) {
  const std::size_t slash = text.find('/');
  Shard shard;
  if (slash == std::string_view::npos || !parse_unsigned(text.substr(0, slash), shard.index) ||
      !parse_unsigned(text.substr(slash + 1), shard.count)) {
    throw UsageError(
        fmt::format("invalid shard '{}': use I/N, e.g. 0/4 for the first of four", text));
  }
  if (shard.count == 0 || shard.count > 100'000) {
    throw UsageError(fmt::format("invalid shard '{}': the shard count must be 1..100000", text));
  }
  if (shard.index >= shard.count) {
    throw UsageError(fmt::format("invalid shard '{}': the index counts from 0, so it must be 0..{}",
                                 text, shard.count - 1));
  }
  return shard;
}

std::optional<Shard> shard_from_environment(const EnvironmentLookup& getenv) {
  if (const char* shard = getenv("HTTPBENCH_SHARD"); shard && *shard) {
    try {
      return parse_shard(shard);
    } catch (const UsageError& e) {
      throw UsageError(fmt::format("HTTPBENCH_SHARD: {}", e.what()));
    }
  }
  const char* index = getenv("JOB_COMPLETION_INDEX");
  const char* count = getenv("HTTPBENCH_SHARDS");
  if (!count || !*count) return std::nullopt;
  if (!index || !*index) {
    throw UsageError(
        "HTTPBENCH_SHARDS is set but JOB_COMPLETION_INDEX is not: set both, or "
        "HTTPBENCH_SHARD=I/N");
  }
  try {
    return parse_shard(fmt::format("{}/{}", index, count));
  } catch (const UsageError& e) {
    throw UsageError(fmt::format("JOB_COMPLETION_INDEX/HTTPBENCH_SHARDS: {}", e.what()));
  }
}

std::uint64_t share_of(std::uint64_t total, const Shard& shard) {
  return total / shard.count + (shard.index < total % shard.count ? 1 : 0);
}

double parse_start_time(std::string_view text) {
  std::optional<double> t = parse_unix_seconds(text);
  if (!t) t = parse_rfc3339(text);
  if (!t) {
    throw UsageError(fmt::format(
        "invalid start time '{}': use RFC 3339 (2026-11-22T03:00:00Z) or Unix seconds", text));
  }
  return *t;
}

}  // namespace httpbench
