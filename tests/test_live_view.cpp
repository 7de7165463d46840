// The live view's parts that need no terminal: the Progress counters the workers write (latency
// buckets, statuses and failures copied from the recorder), and the frames the panel draws.
#include "httpbench/cli/live_view.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include "httpbench/engine/schedule.hpp"
#include "httpbench/stats/recorder.hpp"

using namespace httpbench;
using namespace std::chrono_literals;

namespace {

// A moment later than any this thread used before: the copy from the recorder is due.
Clock::time_point later() {
  static Clock::time_point t = Clock::now() + 1h;
  t += 1h;
  return t;
}

LiveFrame sample_frame() {
  LiveFrame f;
  f.label = "async 2/3";
  f.elapsed_s = 2.0;
  f.rps_now = 1900;
  f.rps_history = {100, 900, 1500, 1900, 1800};
  f.total = 8000;
  f.duration_s = 4.0;
  f.rate = 2000;
  f.concurrency = 100;
  f.snap.done = 3866;
  f.snap.failed = 12;
  f.snap.status_classes[2] = 3850;
  f.snap.status_classes[5] = 4;
  f.snap.errors[static_cast<std::size_t>(ErrorKind::timeout)] = 8;
  f.snap.errors[static_cast<std::size_t>(ErrorKind::status)] = 4;
  f.snap.in_flight = 97;
  f.snap.late_starts = 3;
  f.snap.max_ns = 12'000'000;
  f.snap.latency[CoarseLatency::bucket_of(1'200'000)] = 3000;
  f.snap.latency[CoarseLatency::bucket_of(9'000'000)] = 866;
  f.finished.push_back({"sync 1/3", 200, 0, 512, 1.9e6, 4.1e6});
  return f;
}

}  // namespace

TEST(LiveView, CoarseLatencyBucketsAreWithinNinePercent) {
  for (std::uint64_t ns : {0ull, 1ull, 7ull, 8ull, 9ull, 100ull, 1'000ull, 123'456ull, 1'000'000ull,
                           45'000'000ull, 3'000'000'000ull, 600'000'000'000ull}) {
    const double v = CoarseLatency::value_of(CoarseLatency::bucket_of(ns));
    EXPECT_LE(std::abs(v - static_cast<double>(ns)), 0.09 * static_cast<double>(ns) + 1) << ns;
  }
  EXPECT_EQ(CoarseLatency::bucket_of(~0ull), CoarseLatency::kBuckets - 1);
  for (std::uint64_t ns = 1; ns < (1ull << 40); ns = ns * 3 + 1)
    EXPECT_LE(CoarseLatency::bucket_of(ns), CoarseLatency::bucket_of(ns * 2)) << ns;
}

TEST(LiveView, ProgressCountsLatencyStatusesAndFailuresByKind) {
  Progress progress;
  Recorder recorder;
  // 90 requests of 1 ms and 10 of 50 ms; the last one failed with a timeout.
  for (int i = 0; i < 100; ++i) {
    recorder.record_started();
    const std::uint64_t ns = i < 90 ? 1'000'000 : 50'000'000;
    const bool ok = i != 99;
    if (ok) {
      recorder.record_success(i % 10 == 0 ? 404 : 200, ns, ns, 100);
    } else {
      recorder.record_failure(ErrorKind::timeout, "timed out");
    }
    const Clock::time_point intended = later();
    progress.add(ok, intended + std::chrono::nanoseconds(ns), intended, recorder);
  }
  const ProgressSnapshot s = progress.snapshot();
  EXPECT_EQ(s.done, 100u);
  EXPECT_EQ(s.failed, 1u);
  EXPECT_EQ(progress.done(), 100u);
  EXPECT_EQ(progress.failed(), 1u);
  EXPECT_NEAR(s.percentile(0.5), 1e6, 0.09e6);
  EXPECT_NEAR(s.percentile(0.99), 50e6, 4.5e6);
  EXPECT_EQ(s.max_ns, 50'000'000u);
  EXPECT_EQ(s.status_classes[2] + s.status_classes[4], recorder.succeeded());
  EXPECT_EQ(s.status_classes[4], recorder.status_count(404));
  EXPECT_EQ(s.errors[static_cast<std::size_t>(ErrorKind::timeout)], 1u);
  EXPECT_EQ(s.in_flight, 0);
  progress.reset();
  const ProgressSnapshot zero = progress.snapshot();
  EXPECT_EQ(zero.done, 0u);
  EXPECT_EQ(zero.status_classes[2], 0u);
  EXPECT_EQ(zero.percentile(0.99), 0.0);
  // After a reset the next copy counts the recorder of the next mode from zero.
  Recorder next;
  next.record_started();
  next.record_success(200, 1000, 1000, 1);
  const Clock::time_point t = later();
  progress.add(true, t + 1us, t, next);
  EXPECT_EQ(progress.snapshot().status_classes[2], 1u);
}

TEST(LiveView, FrameShowsProgressRatesLatencyStatusesAndModesDone) {
  const std::vector<std::string> lines = render_live_view(sample_frame(), {80, false, true});
  ASSERT_GE(lines.size(), 6u);
  for (const std::string& line : lines) {
    EXPECT_LE(display_width(line), 80u) << line;
    EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
  }
  EXPECT_EQ(lines[0].rfind("async 2/3 \u2588", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find(" 50%  3866/8000  2.0s/4.0s  left 2.0s"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("1900 now  1933 mean  \u2581"), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find("p50 1.25ms  p90 8.91ms  p99 8.91ms  max 12.0ms"), std::string::npos)
      << lines[2];
  EXPECT_NE(lines[3].find("2xx 3850  5xx 4   failed 12: timeout 8, status 4"), std::string::npos)
      << lines[3];
  EXPECT_NE(lines[4].find("in flight 97/100  rate 2000/s target, 1900/s now  lag "),
            std::string::npos)
      << lines[4];
  EXPECT_NE(lines[5].find("sync 1/3   200 req  512 req/s  p50 1.90ms  p99 4.10ms  failed 0"),
            std::string::npos)
      << lines[5];
}

TEST(LiveView, FrameFitsNarrowTerminalsAndColoursOnlyWhenAsked) {
  for (int width : {20, 40, 60, 100}) {
    for (const std::string& line : render_live_view(sample_frame(), {width, true, true}))
      EXPECT_LE(display_width(line), static_cast<std::size_t>(width)) << width << ": " << line;
  }
  const std::vector<std::string> coloured = render_live_view(sample_frame(), {80, true, true});
  EXPECT_NE(coloured[0].find("\x1b[32m"), std::string::npos) << coloured[0];
  EXPECT_NE(coloured[3].find("\x1b[31m"), std::string::npos) << coloured[3];
  // Without a UTF-8 locale, ASCII only.
  for (const std::string& line : render_live_view(sample_frame(), {80, false, false})) {
    for (char c : line)
      EXPECT_LT(static_cast<unsigned char>(c), 0x80u) << line;
  }
}

TEST(LiveView, UnknownTotalShowsCountAndTimeOnly) {
  LiveFrame f = sample_frame();
  f.total = Schedule::kUnlimited;
  f.duration_s.reset();
  f.rate = 0;
  const std::vector<std::string> lines = render_live_view(f, {80, false, true});
  EXPECT_NE(lines[0].find("3866 req  2.0s  left ?"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[4].find("rate"), std::string::npos) << lines[4];
}
