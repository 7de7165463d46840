#include "httpbench/report/report_merge.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

#include <fmt/format.h>
#include <boost/json/array.hpp>

#include "httpbench/stats/run_kind.hpp"

namespace httpbench {

namespace json = boost::json;

namespace {

constexpr const char* kOverlapRule =
    "share of the merged wall time during which two or more files' runs of a mode were running; "
    "the wall time is the union of the runs' [started_at, ended_at]";

std::string percent(double share) {
  // Rounded, but never to 0% or 100% when it is not exactly that.
  double pct = std::round(share * 100);
  if (pct == 0 && share > 0) pct = 1;
  if (pct == 100 && share < 1) pct = 99;
  return fmt::format("{:g}%", pct);
}

}  // namespace

std::string format_merge_text(const MergeSummary& merge) {
  fmt::memory_buffer buf;
  auto out = std::back_inserter(buf);
  if (!merge.overlap) {
    fmt::format_to(out,
                   "runs overlap unknown (a file has no timestamps): taken as side by side, wall "
                   "time the longest run's\n");
  } else if (*merge.overlap == 0) {
    fmt::format_to(out,
                   "runs overlap 0% (one after another): throughput over the time they ran, not "
                   "the gaps between them\n");
  } else {
    fmt::format_to(out, "runs overlap {} (side by side: their requests add up)\n",
                   percent(*merge.overlap));
  }
  if (!merge.differing.empty()) {
    fmt::format_to(out, "options that differ between the files:");
    const char* sep = " ";
    for (const DifferingOption& d : merge.differing) {
      std::string values;
      for (const std::string& v : d.values)
        values += (values.empty() ? "" : " | ") + v;
      fmt::format_to(out, "{}{} {}", sep, d.name, values);
      sep = "; ";
    }
    fmt::format_to(out, "\n");
  }
  return fmt::to_string(buf);
}

json::object merge_json(const MergeSummary& merge) {
  // Keyed by mode, or mode:protocol ("async:h2") when some merged run is HTTP/2.
  const bool p = std::any_of(merge.modes.begin(), merge.modes.end(),
                             [](const MergeModeSpan& m) { return m.protocol == Protocol::http2; });
  json::object modes;
  for (const MergeModeSpan& m : merge.modes) {
    modes[run_label(RunKind{m.mode, m.protocol}, p)] = json::object{
        {"runs", m.runs},
        {"busy_s", m.busy_s},
        {"overlapped_s", m.stamped ? json::value(m.overlapped_s) : json::value(nullptr)}};
  }
  json::object differing;
  for (const DifferingOption& d : merge.differing)
    differing[d.name] = json::array(d.values.begin(), d.values.end());
  return {{"overlap", merge.overlap ? json::value(*merge.overlap) : json::value(nullptr)},
          {"overlap_rule", kOverlapRule},
          {"modes", std::move(modes)},
          {"differing_options", std::move(differing)}};
}

}  // namespace httpbench
