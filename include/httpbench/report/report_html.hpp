// The HTML report (--report): one self-contained file (inline SVG and CSS, no scripts, nothing
// fetched) with the comparison headline, the latency distribution and percentile spectrum per
// mode, throughput and p99 over time, status codes, errors, and the options used. Like the other
// reporters it only reads the Report: no sockets, no clocks.
#pragma once

#include <string>

#include "httpbench/report/report_model.hpp"

namespace httpbench {

// The whole document, XHTML-compatible (it parses as XML too). With --baseline, the baseline's
// saved runs are drawn beside the current ones, labelled "baseline MODE".
std::string format_html(const Report& report);

}  // namespace httpbench
