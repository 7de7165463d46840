// How the reports name a run: its mode alone ("async") while every run is HTTP/1.x, so that
// output reads as it always has, and mode:protocol ("async:h1", "async:h2") as soon as one run of
// the report is HTTP/2.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "httpbench/stats/results.hpp"
#include "httpbench/stats/run_kind.hpp"

namespace httpbench {

inline RunKind kind_of(const RunResult& run) {
  return RunKind{run.mode, run.protocol};
}

// True when some run of `runs` is HTTP/2: then every run is labelled with its protocol.
inline bool labels_protocol(const std::vector<RunResult>& runs) {
  return std::any_of(runs.begin(), runs.end(),
                     [](const RunResult& r) { return r.protocol == Protocol::http2; });
}

inline std::string run_label(const RunResult& run, bool with_protocol) {
  return run_label(kind_of(run), with_protocol);
}

}  // namespace httpbench
