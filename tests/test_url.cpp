#include "httpbench/url.hpp"

#include <gtest/gtest.h>

#include "httpbench/error.hpp"

using namespace httpbench;

TEST(Url, ParsesHostPortAndTarget) {
  Target t = parse_target("http://127.0.0.1:8080/api/items?id=3&x=y");
  EXPECT_EQ(t.scheme, "http");
  EXPECT_EQ(t.host, "127.0.0.1");
  EXPECT_EQ(t.port, 8080);
  EXPECT_EQ(t.target, "/api/items?id=3&x=y");
  EXPECT_EQ(t.host_header(), "127.0.0.1:8080");
}

TEST(Url, DefaultsPortAndPath) {
  Target t = parse_target("HTTP://example.test");
  EXPECT_EQ(t.scheme, "http");
  EXPECT_EQ(t.port, 80);
  EXPECT_EQ(t.target, "/");
  EXPECT_EQ(t.host_header(), "example.test");
  EXPECT_EQ(t.url(), "http://example.test/");
}

TEST(Url, Ipv6LiteralKeepsBracketsOnlyInHostHeader) {
  Target t = parse_target("http://[::1]:9000/x");
  EXPECT_EQ(t.host, "::1");
  EXPECT_EQ(t.host_header(), "[::1]:9000");
}

TEST(Url, RejectsWhatCannotBeBenchmarked) {
  for (const char* bad :
       {"ftp://127.0.0.1/", "127.0.0.1:8080", "http://", "http://:80/", "http://host:99999/",
        "http://host:0/", "not a url", "", "http://user:pw@host/", "gopher://127.0.0.1/"}) {
    EXPECT_THROW(parse_target(bad), UsageError) << bad;
  }
}

TEST(Url, ErrorNamesTheScheme) {
  try {
    parse_target("ftp://127.0.0.1/");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("ftp"), std::string::npos);
  }
}
