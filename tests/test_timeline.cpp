// The timeline: slots by time from a common origin, the coarse per-slot histogram and its
// precision, bounded memory (pairs merged past kMaxSlots), merges aligned by origin, trials
// appended, the JSON round trip, and "timeline" in the JSON of a real run.
#include "httpbench/stats/timeline.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "httpbench/report/timeline_json.hpp"
#include "httpbench/stats/recorder.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;
using namespace std::chrono_literals;

namespace {

std::uint64_t total_completed(const Timeline& t) {
  std::uint64_t n = 0;
  for (const Timeline::Slot& s : t.slots())
    n += s.completed;
  return n;
}

std::uint64_t total_errors(const Timeline& t) {
  std::uint64_t n = 0;
  for (const Timeline::Slot& s : t.slots())
    n += s.errors;
  return n;
}

}  // namespace

TEST(Timeline, BucketsCoverEveryValueWithinAnEighth) {
  for (std::size_t i = 0; i < Timeline::kBuckets; ++i) {
    const std::uint64_t low = Timeline::bucket_low_ns(i);
    const std::uint64_t high = Timeline::bucket_high_ns(i);
    ASSERT_LT(low, high);
    EXPECT_EQ(Timeline::bucket_of(low), i);
    EXPECT_EQ(Timeline::bucket_of(high - 1), i);
    if (i + 1 < Timeline::kBuckets) {
      EXPECT_EQ(Timeline::bucket_low_ns(i + 1), high);
    }
    if (low >= 8000) {
      EXPECT_LE(static_cast<double>(high - low), static_cast<double>(low) / 8);
    }
  }
  EXPECT_EQ(Timeline::bucket_of(0), 0u);
  EXPECT_EQ(Timeline::bucket_of(999), 0u);
  EXPECT_EQ(Timeline::bucket_of(std::uint64_t{1} << 62), Timeline::kBuckets - 1);
}

TEST(Timeline, SlotPercentilesWithinTheDocumentedPrecision) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> latency(std::log(20e6), 0.6);
  for (int round = 0; round < 20; ++round) {
    Timeline::Slot s;
    std::vector<std::uint64_t> values;
    for (int i = 0; i < 500; ++i) {
      const auto v = static_cast<std::uint64_t>(latency(rng));
      values.push_back(v);
      Timeline::Slot one;
      one.completed = 1;
      one.min_ns = one.max_ns = v;
      one.latency[Timeline::bucket_of(v)] = 1;
      s.add(one);
    }
    std::sort(values.begin(), values.end());
    for (double q : {0.0, 0.5, 0.9, 0.99, 1.0}) {
      const auto rank = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(q * 500)));
      const double exact = static_cast<double>(values[rank - 1]);
      const double got = static_cast<double>(s.latency_at_quantile(q));
      EXPECT_LE(std::abs(got - exact) / exact, 0.0625) << "q " << q;
    }
    EXPECT_EQ(s.latency_at_quantile(0), values.front());
    EXPECT_EQ(s.latency_at_quantile(1), values.back());
  }
}

TEST(Timeline, RecordsIntoSlotsCountedFromTheOrigin) {
  Timeline t;
  const auto origin = Clock::now();
  t.record_success(origin, 1'000'000, 10);  // not started: ignored
  EXPECT_TRUE(t.slots().empty());
  t.start(origin, 100ms);
  t.record_success(origin + 10ms, 2'000'000, 100);
  t.record_success(origin + 99ms, 4'000'000, 100);
  t.record_success(origin + 250ms, 8'000'000, 50);
  t.record_failure(origin + 260ms);
  t.record_failure(origin - 5ms);  // before the origin: the first slot
  ASSERT_EQ(t.slots().size(), 3u);
  EXPECT_EQ(t.slots()[0].completed, 2u);
  EXPECT_EQ(t.slots()[0].errors, 1u);
  EXPECT_EQ(t.slots()[0].bytes, 200u);
  EXPECT_EQ(t.slots()[0].min_ns, 2'000'000u);
  EXPECT_EQ(t.slots()[0].max_ns, 4'000'000u);
  EXPECT_EQ(t.slots()[1].completed, 0u);
  EXPECT_EQ(t.slots()[2].completed, 1u);
  EXPECT_EQ(t.slots()[2].errors, 1u);
  t.finish(330ms);
  ASSERT_EQ(t.slots().size(), 4u);
  EXPECT_EQ(t.slots()[0].span_ns, 100'000'000u);
  EXPECT_EQ(t.slots()[3].span_ns, 30'000'000u);
}

TEST(Timeline, LongRunsMergePairsAndDoubleTheInterval) {
  Timeline t;
  const auto origin = Clock::now();
  t.start(origin, 1ms);
  const std::size_t capacity = t.slots().capacity();
  // 5000 intervals of 1 ms: far past kMaxSlots.
  for (int i = 0; i < 5000; ++i)
    t.record_success(origin + std::chrono::microseconds(i * 1000 + 500), 1'000'000, 1);
  EXPECT_LE(t.slots().size(), Timeline::kMaxSlots);
  EXPECT_EQ(t.interval(), 16ms);  // 1 -> 2 -> 4 -> 8 -> 16 ms: 5000 / 16 = 313 slots
  EXPECT_EQ(t.slots().size(), 313u);
  EXPECT_EQ(t.slots().capacity(), capacity) << "recording reallocated";
  EXPECT_EQ(total_completed(t), 5000u);
  EXPECT_EQ(t.slots()[0].completed, 16u);
  t.finish(5000ms);
  EXPECT_LE(t.slots().size(), Timeline::kMaxSlots);
  EXPECT_EQ(total_completed(t), 5000u);
}

TEST(Timeline, WorkersMergeAlignedByTheirOrigin) {
  const auto origin = Clock::now();
  Timeline a;
  Timeline b;
  a.start(origin, 100ms);
  b.start(origin, 100ms);
  a.record_success(origin + 50ms, 1'000'000, 1);
  b.record_success(origin + 150ms, 3'000'000, 1);
  b.record_failure(origin + 160ms);
  a.merge(b);
  ASSERT_EQ(a.slots().size(), 2u);
  EXPECT_EQ(a.slots()[0].completed, 1u);
  EXPECT_EQ(a.slots()[1].completed, 1u);
  EXPECT_EQ(a.slots()[1].errors, 1u);

  // A worker whose phase began one interval later lands one slot later.
  Timeline late;
  late.start(origin + 100ms, 100ms);
  late.record_success(origin + 120ms, 1'000'000, 1);
  Timeline early;
  early.start(origin, 100ms);
  early.record_success(origin + 10ms, 1'000'000, 1);
  late.merge(early);
  ASSERT_EQ(late.slots().size(), 2u);
  EXPECT_EQ(late.slots()[0].completed, 1u);
  EXPECT_EQ(late.slots()[1].completed, 1u);

  // Merging into a recorder never started adopts the other.
  Timeline empty;
  empty.merge(a);
  EXPECT_EQ(total_completed(empty), 2u);
}

TEST(Timeline, TrialsFollowEachOtherAndFilesAddSideBySide) {
  const auto origin = Clock::now();
  Timeline a;
  a.start(origin, 1s);
  a.record_success(origin + 500ms, 1'000'000, 1);
  a.record_success(origin + 1500ms, 1'000'000, 1);
  a.finish(1500ms);
  Timeline b = a;
  Timeline trials = a;
  trials.append(b);
  ASSERT_EQ(trials.slots().size(), 4u);
  EXPECT_EQ(trials.slots()[2].completed, 1u);
  EXPECT_EQ(trials.slots()[1].span_ns, 500'000'000u);
  EXPECT_EQ(trials.slots()[2].span_ns, 1'000'000'000u);

  Timeline files;
  files.add(a, 0s);
  files.add(b, 1s);  // started a second later
  ASSERT_EQ(files.slots().size(), 3u);
  EXPECT_EQ(files.slots()[0].completed, 1u);
  EXPECT_EQ(files.slots()[1].completed, 2u);
  EXPECT_EQ(files.slots()[1].span_ns, 1'000'000'000u);  // side by side: the longer span
  EXPECT_EQ(files.slots()[2].completed, 1u);

  // A coarser timeline makes the result coarser; an offset far away compacts, never explodes.
  Timeline coarse = Timeline::from_slots(2s, {Timeline::Slot{}});
  Timeline fine = a;
  fine.add(coarse, 0s);
  EXPECT_EQ(fine.interval(), 2s);
  EXPECT_EQ(total_completed(fine), 2u);
  Timeline far = a;
  far.add(b, std::chrono::hours(24 * 365));
  EXPECT_LE(far.slots().size(), Timeline::kMaxSlots);
  EXPECT_EQ(total_completed(far), 4u);
}

TEST(Timeline, RecorderKeepsItAndMergesIt) {
  const auto origin = Clock::now();
  Recorder warmup;
  warmup.record_success(200, 1'000'000, 1'000'000, 10, origin);
  EXPECT_FALSE(warmup.timeline().started());
  std::vector<Recorder> workers(3);
  for (Recorder& r : workers)
    r.start_timeline(origin, 10ms);
  workers[0].record_success(200, 1'000'000, 1'000'000, 10, origin + 1ms);
  workers[1].record_success(200, 2'000'000, 2'000'000, 10, origin + 15ms);
  workers[2].record_failure(ErrorKind::timeout, "timed out");
  Recorder total;
  for (const Recorder& r : workers)
    total.merge(r);
  EXPECT_EQ(total_completed(total.timeline()), 2u);
  EXPECT_EQ(total_errors(total.timeline()), 1u);
}

TEST(Timeline, JsonRoundTripKeepsEverySlot) {
  const auto origin = Clock::now();
  Timeline t;
  t.start(origin, 250ms);
  std::mt19937_64 rng(3);
  for (int i = 0; i < 2000; ++i) {
    const auto at = std::chrono::microseconds(rng() % 2'000'000);
    if (i % 50 == 0) {
      t.record_failure(origin + at);
    } else {
      t.record_success(origin + at, 1000 + rng() % 90'000'000, 100);
    }
  }
  t.finish(2000ms);
  boost::json::object run{{"timeline_interval_s", 0.25}, {"timeline", timeline_json(t)}};
  const boost::json::value reparsed = boost::json::parse(boost::json::serialize(run));
  const Timeline back = timeline_from_json(reparsed.get_object());
  EXPECT_EQ(back.interval(), t.interval());
  ASSERT_EQ(back.slots().size(), t.slots().size());
  for (std::size_t i = 0; i < t.slots().size(); ++i) {
    const Timeline::Slot& a = t.slots()[i];
    const Timeline::Slot& b = back.slots()[i];
    EXPECT_EQ(a.completed, b.completed);
    EXPECT_EQ(a.errors, b.errors);
    EXPECT_EQ(a.bytes, b.bytes);
    EXPECT_EQ(a.span_ns, b.span_ns);
    EXPECT_EQ(a.min_ns, b.min_ns);
    EXPECT_EQ(a.max_ns, b.max_ns);
    EXPECT_EQ(a.latency, b.latency);
  }
  // Older files have none; a malformed one names the key.
  EXPECT_FALSE(timeline_from_json(boost::json::object{}).started());
  EXPECT_THROW(
      timeline_from_json(boost::json::object{{"timeline_interval_s", 1}, {"timeline", "x"}}),
      UsageError);
}

TEST(Timeline, RunJsonHasATimelinePerRunThatAddsUp) {
  auto server = start_server(5ms);
  const std::string json = private_temp_path("timeline-run.json");
  Outcome o = run_inprocess({"--compare", "sync,async", "-d", "600ms", "-c", "4", "--interval",
                             "100ms", "--json", "-o", json, server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const boost::json::value doc = boost::json::parse(o.out);
  for (const boost::json::value& v : doc.at("runs").as_array()) {
    const boost::json::object& run = v.as_object();
    EXPECT_DOUBLE_EQ(run.at("timeline_interval_s").to_number<double>(), 0.1);
    const boost::json::array& slots = run.at("timeline").as_array();
    ASSERT_GE(slots.size(), 6u);
    ASSERT_LE(slots.size(), 8u);
    std::uint64_t completed = 0;
    double last_t = -1;
    for (const boost::json::value& s : slots) {
      const boost::json::object& slot = s.as_object();
      for (const char* key : {"t_s", "completed", "errors", "bytes", "p50_ms", "p99_ms"})
        EXPECT_TRUE(slot.contains(key)) << key;
      EXPECT_GT(slot.at("t_s").to_number<double>(), last_t);
      last_t = slot.at("t_s").to_number<double>();
      completed += slot.at("completed").to_number<std::uint64_t>();
      if (slot.at("completed").to_number<std::uint64_t>() != 0) {
        // 5 ms of server delay: the coarse p50 is near it.
        EXPECT_GE(slot.at("p50_ms").to_number<double>(), 4.5);
        EXPECT_LE(slot.at("p50_ms").to_number<double>(), 50.0);
      }
    }
    EXPECT_EQ(completed, run.at("succeeded").to_number<std::uint64_t>());
  }
}

TEST(Timeline, BadIntervalOrReportPathIsAUsageError) {
  const std::string url = "http://127.0.0.1:9/";
  expect_usage_error({"--interval", "0", url}, "--interval");
  expect_usage_error({"--interval", "soon", url}, "--interval");
  expect_usage_error({"--interval", "2h", url}, "--interval");
  expect_usage_error({"--report", "/nonexistent-dir/report.html", url}, "report.html");
  expect_usage_error({"merge", "--report", "/nonexistent-dir/m.html", "/nonexistent-dir/a.json"},
                     "m.html");
}
