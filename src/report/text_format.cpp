#include "httpbench/report/text_format.hpp"

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

}  // namespace httpbench
