#include "httpbench/report/report_urls.hpp"

#include <iterator>

#include <fmt/format.h>
#include <boost/json/object.hpp>

namespace httpbench {

namespace json = boost::json;

namespace {

constexpr const char* kClassNames[] = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};

std::string classes_text(const UrlResult& u) {
  std::string text;
  for (std::size_t c = 1; c <= 5; ++c) {
    if (u.status_classes[c] != 0) {
      text += fmt::format("{}{} {}", text.empty() ? "" : " ", kClassNames[c], u.status_classes[c]);
    }
  }
  if (u.status_classes[0] != 0) text += fmt::format(" other {}", u.status_classes[0]);
  return text.empty() ? "-" : text;
}

}  // namespace

std::string format_urls_text(const RunResult& run) {
  if (run.urls.empty()) return {};
  fmt::memory_buffer buf;
  auto out = std::back_inserter(buf);
  fmt::format_to(out, "  per request line (latency within 6.25%):\n");
  fmt::format_to(out, "    {:>8} {:>8} {:>10} {:>9} {:>9} {:>9}  {:<20} {}\n", "requests", "failed",
                 "req/s", "p50 ms", "p90 ms", "p99 ms", "statuses", "request");
  for (const UrlResult& u : run.urls) {
    fmt::format_to(out, "    {:>8} {:>8} {:>10.1f} {:>9.2f} {:>9.2f} {:>9.2f}  {:<20} {}\n",
                   u.requests, u.failed, u.rps, u.p50, u.p90, u.p99, classes_text(u), u.label);
  }
  return fmt::to_string(buf);
}

json::array urls_json(const RunResult& run) {
  json::array lines;
  for (const UrlResult& u : run.urls) {
    json::object classes;
    for (std::size_t c = 0; c < u.status_classes.size(); ++c) {
      if (u.status_classes[c] != 0) classes[kClassNames[c]] = u.status_classes[c];
    }
    lines.push_back(json::object{
        {"request", u.label},
        {"requests", u.requests},
        {"responses", u.responses},
        {"failed", u.failed},
        {"rps", u.rps},
        {"status_classes", std::move(classes)},
        {"latency_ms",
         json::object{
             {"min", u.min}, {"p50", u.p50}, {"p90", u.p90}, {"p99", u.p99}, {"max", u.max}}}});
  }
  return lines;
}

}  // namespace httpbench
