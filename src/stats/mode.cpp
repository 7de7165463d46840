#include "httpbench/stats/mode.hpp"

#include <fmt/format.h>

#include "httpbench/stats/error.hpp"

namespace httpbench {

std::string_view mode_name(Mode mode) {
  switch (mode) {
    case Mode::sync:
      return "sync";
    case Mode::threads:
      return "threads";
    case Mode::async:
      return "async";
  }
  return "unknown";
}

Mode parse_mode(std::string_view name) {
  if (name == "sync") return Mode::sync;
  if (name == "threads") return Mode::threads;
  if (name == "async") return Mode::async;
  throw UsageError(fmt::format("unknown mode '{}': use sync, threads or async", name));
}

}  // namespace httpbench
