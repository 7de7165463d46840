#include "httpbench/units.hpp"

#include <gtest/gtest.h>

#include "httpbench/error.hpp"

using namespace httpbench;
using namespace std::chrono_literals;

TEST(Units, DurationsAcceptEveryUnit) {
  EXPECT_EQ(parse_duration("50ms"), 50ms);
  EXPECT_EQ(parse_duration("10s"), 10s);
  EXPECT_EQ(parse_duration("10"), 10s);
  EXPECT_EQ(parse_duration("2m"), 120s);
  EXPECT_EQ(parse_duration("1.5s"), 1500ms);
  EXPECT_EQ(parse_duration("250us"), 250us);
  EXPECT_EQ(parse_duration("1h"), 3600s);
  EXPECT_EQ(parse_duration("0"), 0s);
}

TEST(Units, DurationsRejectGarbage) {
  for (const char* bad : {"", "-1s", "abc", "5x", "1e400", "ms", "10 s", "nan"}) {
    EXPECT_THROW(parse_duration(bad), UsageError) << bad;
  }
}

TEST(Units, CountsAndSizes) {
  EXPECT_EQ(parse_count("200"), 200u);
  EXPECT_EQ(parse_count("10k"), 10000u);
  EXPECT_EQ(parse_count("2m"), 2000000u);
  EXPECT_EQ(parse_size("1k"), 1024u);
  EXPECT_EQ(parse_size("1m"), 1024u * 1024u);
  for (const char* bad : {"", "-5", "+5", "1.5", "abc", "5x", "99999999999999999999999"}) {
    EXPECT_THROW(parse_count(bad), UsageError) << bad;
  }
  EXPECT_THROW(parse_count("18446744073709551615k"), UsageError);
}

TEST(Units, FormatDurationPicksAReadableUnit) {
  EXPECT_EQ(format_duration(1500ms), "1.50s");
  EXPECT_EQ(format_duration(2500us), "2.50ms");
  EXPECT_EQ(format_duration(999ns), "999ns");
}
