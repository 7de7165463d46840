// A run's kind: its mode and its protocol, as --compare entries and --check scopes spell it
// ("async", "async:h2"), and the label the reports give it.
#pragma once

#include <string>
#include <string_view>

#include "httpbench/stats/mode.hpp"
#include "httpbench/stats/protocol.hpp"

namespace httpbench {

struct RunKind {
  Mode mode = Mode::async;
  Protocol protocol = Protocol::http1;

  friend bool operator==(const RunKind&, const RunKind&) = default;
};

// "async", or "async:h2" when `with_protocol` (reports label every run so when some run of them
// is HTTP/2, and keep the plain mode names of HTTP/1.x-only output as they were).
inline std::string run_label(RunKind kind, bool with_protocol) {
  std::string label(mode_name(kind.mode));
  if (with_protocol) {
    label += ':';
    label += protocol_name(kind.protocol);
  }
  return label;
}

// "MODE[:PROTOCOL]" ("async", "async:h2"); an entry without a protocol takes `protocol`. Throws
// UsageError for an unknown mode or protocol.
inline RunKind parse_run_kind(std::string_view text, Protocol protocol) {
  const auto colon = text.find(':');
  RunKind kind;
  kind.mode = parse_mode(text.substr(0, colon));
  kind.protocol =
      colon == std::string_view::npos ? protocol : parse_protocol(text.substr(colon + 1));
  return kind;
}

}  // namespace httpbench
