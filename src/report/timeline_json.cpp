#include "httpbench/report/timeline_json.hpp"

#include <cmath>
#include <string_view>

#include <fmt/format.h>

#include "httpbench/stats/error.hpp"

namespace httpbench {

namespace json = boost::json;

namespace {

double ms(std::uint64_t ns) {
  return static_cast<double>(ns) / 1e6;
}

[[noreturn]] void bad(std::string_view key, std::string_view why) {
  throw UsageError(fmt::format("key 'timeline' ({}) {}", key, why));
}

double number(const json::value& v, std::string_view key) {
  if (v.is_double()) return v.get_double();
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  bad(key, "is not a number");
}

std::uint64_t count(const json::value& v, std::string_view key) {
  if (v.is_uint64()) return v.get_uint64();
  if (v.is_int64() && v.get_int64() >= 0) return static_cast<std::uint64_t>(v.get_int64());
  bad(key, "is not a count");
}

std::uint64_t count_or_zero(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v ? count(*v, key) : 0;
}

// Milliseconds back to nanoseconds, exactly for values written by timeline_json.
std::uint64_t ns_or_zero(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return 0;
  const double value = number(*v, key);
  if (!(value >= 0)) bad(key, "is negative");
  return static_cast<std::uint64_t>(std::llround(value * 1e6));
}

}  // namespace

json::array timeline_json(const Timeline& timeline) {
  json::array out;
  const double interval_s = static_cast<double>(timeline.interval().count()) / 1e9;
  const auto& slots = timeline.slots();
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const Timeline::Slot& s = slots[i];
    json::array buckets;
    for (std::size_t b = 0; b < Timeline::kBuckets; ++b) {
      if (s.latency[b] != 0) {
        buckets.push_back(json::array{Timeline::bucket_low_ns(b) / 1000, s.latency[b]});
      }
    }
    auto latency = [&](std::uint64_t ns) -> json::value {
      if (s.completed == 0) return nullptr;
      return ms(ns);
    };
    out.push_back(json::object{{"t_s", static_cast<double>(i) * interval_s},
                               {"span_s", static_cast<double>(s.span_ns) / 1e9},
                               {"completed", s.completed},
                               {"errors", s.errors},
                               {"bytes", s.bytes},
                               {"p50_ms", latency(s.latency_at_quantile(0.50))},
                               {"p99_ms", latency(s.latency_at_quantile(0.99))},
                               {"min_ms", latency(s.min_ns)},
                               {"max_ms", latency(s.max_ns)},
                               {"latency_us", std::move(buckets)}});
  }
  return out;
}

Timeline timeline_from_json(const json::object& run) {
  const json::value* v = run.if_contains("timeline");
  const json::value* interval = run.if_contains("timeline_interval_s");
  if (!v || !interval) return Timeline{};
  if (!v->is_array()) bad("timeline", "is not an array");
  const double interval_s = number(*interval, "timeline_interval_s");
  if (!(interval_s > 0) || interval_s > 1e6) bad("timeline_interval_s", "is out of range");
  std::vector<Timeline::Slot> slots;
  for (const json::value& entry : v->get_array()) {
    if (!entry.is_object()) bad("timeline", "holds an entry that is not an object");
    const json::object& o = entry.get_object();
    const json::value* t = o.if_contains("t_s");
    if (!t) bad("t_s", "is missing");
    const double t_s = number(*t, "t_s");
    if (!(t_s >= 0)) bad("t_s", "is negative");
    const auto index = static_cast<std::size_t>(std::llround(t_s / interval_s));
    if (index >= Timeline::kMaxSlots * 4) bad("t_s", "is past the end of the run");
    if (index >= slots.size()) slots.resize(index + 1);
    Timeline::Slot s;
    s.completed = count_or_zero(o, "completed");
    s.errors = count_or_zero(o, "errors");
    s.bytes = count_or_zero(o, "bytes");
    if (const json::value* span = o.if_contains("span_s"); span) {
      const double span_s = number(*span, "span_s");
      if (!(span_s >= 0)) bad("span_s", "is negative");
      s.span_ns = static_cast<std::uint64_t>(std::llround(span_s * 1e9));
    }
    s.min_ns = ns_or_zero(o, "min_ms");
    s.max_ns = ns_or_zero(o, "max_ms");
    if (const json::value* b = o.if_contains("latency_us"); b) {
      if (!b->is_array()) bad("latency_us", "is not an array");
      for (const json::value& bucket : b->get_array()) {
        if (!bucket.is_array() || bucket.get_array().size() != 2) {
          bad("latency_us", "holds an entry that is not [lower_bound_us, count]");
        }
        const double low_us = number(bucket.get_array()[0], "latency_us");
        if (!(low_us >= 0) || low_us > 1e12) bad("latency_us", "holds a bound out of range");
        const auto low_ns = static_cast<std::uint64_t>(std::llround(low_us)) * 1000;
        std::uint32_t& n = s.latency[Timeline::bucket_of(low_ns)];
        n = static_cast<std::uint32_t>(
            std::min<std::uint64_t>(n + count(bucket.get_array()[1], "latency_us"), UINT32_MAX));
      }
    }
    slots[index].add(s);
  }
  return Timeline::from_slots(
      std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(interval_s * 1e9))),
      std::move(slots));
}

}  // namespace httpbench
