// The memo of the async client's last response header: a hit needs the same bytes, all of them,
// for the same kind of request.
#include "httpbench/codec/header_memo.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace httpbench;

namespace {

const std::string kHeader =
    "HTTP/1.1 200 OK\\r\\nServer: nginx\\r\\nDate: Sun, 22 Nov 2026 07:42:52 GMT\\r\\n"
    "Content-Length: 100\\r\\n\\r\\n";

HeaderMemo remembered() {
  HeaderMemo memo;
  memo.remember(kHeader, false, ResponseHead{200, true, 100, ""});
  return memo;
}

}  // namespace

TEST(HeaderMemo, EmptyMatchesNothing) {
  const HeaderMemo memo;
  EXPECT_EQ(memo.match(kHeader, false), 0u);
}

TEST(HeaderMemo, TheSameBytesMatchWithTheBodyAfterThem) {
  const HeaderMemo memo = remembered();
  EXPECT_EQ(memo.match(kHeader + std::string(100, 'x'), false), kHeader.size());
  EXPECT_EQ(memo.match(kHeader, false), kHeader.size());
  EXPECT_EQ(memo.head().status, 200u);
  EXPECT_EQ(memo.head().body_length, 100u);
  EXPECT_TRUE(memo.head().keep_alive);
}

TEST(HeaderMemo, ADifferentByteOrAPartialHeaderIsAMiss) {
  const HeaderMemo memo = remembered();
  std::string next_second = kHeader;
  next_second[next_second.find("52 GMT")] = '3';
  EXPECT_EQ(memo.match(next_second, false), 0u);
  EXPECT_EQ(memo.match(kHeader.substr(0, kHeader.size() - 1), false), 0u);
  std::string longer_length = kHeader;
  longer_length.insert(longer_length.find("100"), "1");
  EXPECT_EQ(memo.match(longer_length, false), 0u);
}

TEST(HeaderMemo, AHeadRequestNeverReusesAGetsParse) {
  HeaderMemo memo = remembered();
  EXPECT_EQ(memo.match(kHeader, true), 0u);
  memo.remember(kHeader, true, ResponseHead{200, true, 0, ""});
  EXPECT_EQ(memo.match(kHeader, true), kHeader.size());
  EXPECT_EQ(memo.head().body_length, 0u);
  EXPECT_EQ(memo.match(kHeader, false), 0u);
}
