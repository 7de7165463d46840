#include "httpbench/report/text_format.hpp"

#include <time.h>

#include <cmath>

#include <fmt/format.h>

namespace httpbench {

std::string format_bytes(std::uint64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (b >= 1024.0 * 1024 * 1024) return fmt::format("{:.2f} GiB", b / (1024.0 * 1024 * 1024));
  if (b >= 1024.0 * 1024) return fmt::format("{:.2f} MiB", b / (1024.0 * 1024));
  if (b >= 1024.0) return fmt::format("{:.2f} KiB", b / 1024.0);
  return fmt::format("{} B", bytes);
}

std::string format_ms(double ms) {
  if (ms >= 1000) return fmt::format("{:.2f}s", ms / 1000);
  if (ms >= 1) return fmt::format("{:.2f}ms", ms);
  return fmt::format("{:.1f}us", ms * 1000);
}

std::string format_ms_spaced(double ms) {
  if (ms >= 1000) return fmt::format("{:.2f} s", ms / 1000);
  if (ms >= 1) return fmt::format("{:.2f} ms", ms);
  return fmt::format("{:.1f} us", ms * 1000);
}

std::string format_duration_option(std::chrono::nanoseconds d) {
  const double s = static_cast<double>(d.count()) / 1e9;
  if (s >= 1) return fmt::format("{:g}s", s);
  return fmt::format("{:g}ms", s * 1000);
}

std::string format_utc_date(double unix_seconds) {
  if (!(unix_seconds > 0)) return "unknown";
  const auto t = static_cast<time_t>(unix_seconds);
  tm utc{};
  if (!::gmtime_r(&t, &utc)) return "unknown";
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

std::string format_exact(double v) {
  return fmt::format("{}", std::isfinite(v) ? v : 0.0);
}

std::string format_seconds(double s) {
  if (s >= 1) return fmt::format("{:.2f}s", s);
  return fmt::format("{:.1f}ms", s * 1000);
}

std::string format_duration(std::chrono::nanoseconds d) {
  const double ns = static_cast<double>(d.count());
  if (ns >= 1e9) return fmt::format("{:.2f}s", ns / 1e9);
  if (ns >= 1e6) return fmt::format("{:.2f}ms", ns / 1e6);
  if (ns >= 1e3) return fmt::format("{:.2f}us", ns / 1e3);
  return fmt::format("{}ns", d.count());
}

std::string run_amount(const RunDescription& d) {
  std::string amount;
  if (d.requests) amount = fmt::format("{} requests", *d.requests);
  if (d.duration) {
    amount += fmt::format("{}{}", amount.empty() ? "" : " or ",
                          format_seconds(static_cast<double>(d.duration->count()) / 1e9));
  }
  return amount;
}

}  // namespace httpbench
