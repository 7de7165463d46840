#include "httpbench/stats/units.hpp"

#include <gtest/gtest.h>

#include "httpbench/report/text_format.hpp"
#include "httpbench/stats/error.hpp"

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
  EXPECT_EQ(parse_count("1K"), 1000u);
  EXPECT_EQ(parse_count("2M"), 2000000u);
  EXPECT_EQ(parse_count("1.5k"), 1500u);
  EXPECT_EQ(parse_count("1.25M"), 1250000u);
  EXPECT_EQ(parse_count("2.000"), 2u);
  EXPECT_EQ(parse_size("1k"), 1024u);
  EXPECT_EQ(parse_size("1K"), 1024u);
  EXPECT_EQ(parse_size("1m"), 1024u * 1024u);
  for (const char* bad : {"", "-5", "+5", "1.5", "1.2345k", ".5k", "k", "abc", "5x", "1e3",
                          "99999999999999999999999"}) {
    EXPECT_THROW(parse_count(bad), UsageError) << bad;
  }
  EXPECT_THROW(parse_count("18446744073709551615k"), UsageError);
}

TEST(Units, LowercaseMIsMinutesNotMillionsInACount) {
  try {
    parse_count("2m");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("use M for millions"), std::string::npos) << e.what();
  }
}

TEST(Units, RatesTakeTheSuffixesOfCountsAndFractions) {
  EXPECT_DOUBLE_EQ(parse_rate("500"), 500);
  EXPECT_DOUBLE_EQ(parse_rate("1k"), 1000);
  EXPECT_DOUBLE_EQ(parse_rate("2.5K"), 2500);
  EXPECT_DOUBLE_EQ(parse_rate("1M"), 1e6);
  EXPECT_DOUBLE_EQ(parse_rate("0.5"), 0.5);
  for (const char* bad : {"", "-1", "abc", "1e3", "inf", "nan", "5x", "1m", "k"}) {
    EXPECT_THROW(parse_rate(bad), UsageError) << bad;
  }
}

TEST(Units, ListsAreTrimmedAndRefuseEmptyItems) {
  EXPECT_EQ(split_list("sync, async"), (std::vector<std::string>{"sync", "async"}));
  EXPECT_EQ(split_list(" 1 ,2,\t4 "), (std::vector<std::string>{"1", "2", "4"}));
  EXPECT_EQ(split_list("one"), (std::vector<std::string>{"one"}));
  for (const char* bad : {"", " ", "1,,2", "1,", ",1"}) {
    EXPECT_THROW(split_list(bad), UsageError) << bad;
  }
}

TEST(Units, ErrorsSayTheExpectedForm) {
  try {
    parse_duration("5x");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("ns, us, ms, s, m or h"), std::string::npos) << e.what();
  }
  try {
    parse_count("abc");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("10k"), std::string::npos) << e.what();
  }
}

TEST(Units, FormatDurationPicksAReadableUnit) {
  EXPECT_EQ(format_duration(1500ms), "1.50s");
  EXPECT_EQ(format_duration(2500us), "2.50ms");
  EXPECT_EQ(format_duration(999ns), "999ns");
}
