#include "httpbench/codec/url.hpp"

#include <gtest/gtest.h>

#include <optional>

#include "httpbench/stats/error.hpp"

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

TEST(Url, CommandLineUrlAssumesHttpAndTakesTheUserinfoOut) {
  std::optional<std::string> credentials;
  Target t = parse_target_argument("127.0.0.1:18080", credentials);
  EXPECT_EQ(t.url(), "http://127.0.0.1:18080/");
  EXPECT_FALSE(credentials);
  t = parse_target_argument("host/path", credentials);
  EXPECT_EQ(t.url(), "http://host/path");
  t = parse_target_argument("https://u%20x:p%40ss@host:8443/", credentials);
  EXPECT_EQ(t.url(), "https://host:8443/");
  EXPECT_EQ(credentials.value_or(""), "u x:p@ss");
  // A Location header or a --urls line with credentials is still refused.
  EXPECT_THROW(parse_target("http://user:pw@host/"), UsageError);
  for (const char* bad : {"http:/host", "https:host", "ftp://host/", "http://", "host:0/"}) {
    EXPECT_THROW(parse_target_argument(bad, credentials), UsageError) << bad;
  }
}

TEST(Url, CredentialsAreRedactedWithOrWithoutAScheme) {
  EXPECT_EQ(redact_for_display("http://al:pw@h/x"), "http://***@h/x");
  EXPECT_EQ(redact_for_display("al:pw@h:80/x@y"), "***@h:80/x@y");
  EXPECT_EQ(redact_for_display("/tmp/a@b"), "/tmp/a@b");
  EXPECT_EQ(redact_for_display("--opt@x"), "--opt@x");
}
