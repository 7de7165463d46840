// The Recorder's invariants, without sockets: every started request ends exactly once, as a
// success or a failure with a category (sent = succeeded + failed), status failures still count
// their status and bytes, and merging workers adds every figure and keeps the first messages.
#include "httpbench/stats/recorder.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>

using namespace httpbench;
using std::chrono::milliseconds;

namespace {

FinalResponse response(unsigned status, Clock::time_point end, std::uint64_t bytes = 100) {
  return FinalResponse{status, bytes, 1'000'000, 500'000, end};
}

}  // namespace

TEST(Recorder, EveryStartedRequestEndsAsASuccessOrACategorisedFailure) {
  Recorder r(false, StatusRule::parse("2xx"));
  const auto start = Clock::now();
  for (int i = 0; i < 5; ++i) {
    r.record_started();
    EXPECT_TRUE(r.record_final_response(0, response(200, start + milliseconds(2)), start, start));
  }
  r.record_started();
  EXPECT_FALSE(r.record_final_response(0, response(503, start + milliseconds(1)), start, start));
  r.record_started();
  r.record_failure(ErrorKind::connect, "connection refused");
  r.record_started();
  r.record_failure(ErrorKind::connect, "connection refused again");

  EXPECT_EQ(r.started(), 8u);
  EXPECT_EQ(r.succeeded(), 5u);
  EXPECT_EQ(r.failed(), 3u);
  EXPECT_EQ(r.started(), r.succeeded() + r.failed());
  EXPECT_EQ(r.errors(ErrorKind::status), 1u);
  EXPECT_EQ(r.errors(ErrorKind::connect), 2u);
  // The first message of a kind is what the report keeps.
  EXPECT_EQ(r.first_error(ErrorKind::connect), "connection refused");
  EXPECT_NE(r.first_error(ErrorKind::status).find("status 503"), std::string::npos);
  // A status failure counts its status and bytes, but not its latency.
  EXPECT_EQ(r.status_count(503), 1u);
  EXPECT_EQ(r.status_count(200), 5u);
  EXPECT_EQ(r.bytes_received(), 600u);
  EXPECT_EQ(r.latency().count(), 5u);
  EXPECT_EQ(r.ttfb().count(), 5u);
}

TEST(Recorder, MergeAddsEveryCountAndKeepsTheFirstMessages) {
  const auto start = Clock::now();
  Recorder a;
  Recorder b;
  a.record_started();
  a.record_final_response(0, response(200, start + milliseconds(1)), start, start);
  a.record_connection(10'000);
  a.record_reuse();
  b.record_started();
  b.record_failure(ErrorKind::timeout, "first timeout");
  b.record_started();
  b.record_final_response(0, response(204, start + milliseconds(3), 7), start, start);
  b.record_connection(20'000);
  b.record_reconnect();
  b.record_redirect(true);
  b.record_dropped(4);

  Recorder total;
  total.merge(a);
  total.merge(b);
  EXPECT_EQ(total.started(), 3u);
  EXPECT_EQ(total.succeeded(), 2u);
  EXPECT_EQ(total.failed(), 1u);
  EXPECT_EQ(total.started(), total.succeeded() + total.failed());
  EXPECT_EQ(total.errors(ErrorKind::timeout), 1u);
  EXPECT_EQ(total.first_error(ErrorKind::timeout), "first timeout");
  EXPECT_EQ(total.status_count(200), 1u);
  EXPECT_EQ(total.status_count(204), 1u);
  EXPECT_EQ(total.bytes_received(), 107u);
  EXPECT_EQ(total.connections(), 2u);
  EXPECT_EQ(total.connect_time().count(), 2u);
  EXPECT_EQ(total.reused(), 1u);
  EXPECT_EQ(total.reconnects(), 1u);
  EXPECT_EQ(total.redirects(), 1u);
  EXPECT_EQ(total.cross_origin_redirects(), 1u);
  EXPECT_EQ(total.dropped(), 4u);
  EXPECT_EQ(total.latency().count(), 2u);
  EXPECT_EQ(total.latency().max(), 3'000'000u);
}

TEST(Recorder, InFlightCountsARequestUntilItEnds) {
  Recorder r;
  const auto start = Clock::now();
  {
    Recorder::InFlight first(r, start);
    {
      Recorder::InFlight second(r, start + milliseconds(1));
      second.end(start + milliseconds(2));
    }
    first.end(start + milliseconds(4));
  }
  EXPECT_EQ(r.peak_in_flight(), 2u);
  // 1 ms with one request, 1 ms with two, 2 ms with one: 5 request-milliseconds.
  EXPECT_DOUBLE_EQ(r.in_flight_area_ns(), 5e6);
}

TEST(Recorder, AnEndStampedBeforeTheLastChangeIsNotCountedTwice) {
  // Two HTTP/2 streams that one read ended at 2 ms; the first lane starts its next request at
  // 3 ms before either end is recorded with the read's time. The ends count from 3 ms, the last
  // change counted, so the time-weighted mean can never exceed the peak.
  Recorder r;
  const auto start = Clock::now();
  auto a = std::make_unique<Recorder::InFlight>(r, start);
  auto b = std::make_unique<Recorder::InFlight>(r, start);
  auto next = std::make_unique<Recorder::InFlight>(r, start + milliseconds(3));
  a->end(start + milliseconds(2));
  a.reset();
  b->end(start + milliseconds(2));
  b.reset();
  next->end(start + milliseconds(5));
  next.reset();
  EXPECT_EQ(r.peak_in_flight(), 3u);
  // 2 requests for 3 ms, then 1 for 2 ms.
  EXPECT_DOUBLE_EQ(r.in_flight_area_ns(), 8e6);
}
