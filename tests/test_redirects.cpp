// --follow: same-origin redirects followed in every mode, counted, and bounded.
#include <gtest/gtest.h>

#include "hostile_server.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;

namespace {

// Redirects /start -> /middle -> /final; /other-origin points elsewhere.
HostileServer::Handler redirect_chain() {
  return [](HostileConnection& c) {
    while (c.read_request()) {
      const std::string& head = c.request_head();
      std::string reply;
      if (head.rfind("GET /start ", 0) == 0) {
        reply = http_response(302, "", "Location: /middle\r\n");
      } else if (head.rfind("GET /middle ", 0) == 0) {
        reply = http_response(301, "", "Location: /final\r\n");
      } else if (head.rfind("GET /final ", 0) == 0) {
        reply = http_response(200, "arrived");
      } else if (head.rfind("POST /keep ", 0) == 0) {
        reply = http_response(307, "", "Location: /posted\r\n");
      } else if (head.rfind("POST /posted ", 0) == 0 &&
                 head.find("Content-Length: 4\r\n") != std::string::npos) {
        reply = http_response(201, "made");
      } else if (head.rfind("GET /other-origin ", 0) == 0) {
        reply = http_response(302, "", "Location: http://127.0.0.2:9/elsewhere\r\n");
      } else {
        reply = http_response(404, "no");
      }
      // A POST body follows its head; the tests send 4 bytes.
      if (head.rfind("POST ", 0) == 0 && !c.read_body(4)) return;
      if (!c.send(reply)) return;
    }
  };
}

class Redirects : public ::testing::TestWithParam<const char*> {
 protected:
  Outcome run(const std::string& url, std::vector<std::string> extra) {
    std::vector<std::string> args{"--mode", GetParam(), "--json", "-c", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(url);
    return run_inprocess(args);
  }
};

}  // namespace

TEST_P(Redirects, AreResultsUnlessFollowed) {
  HostileServer server(redirect_chain());
  Outcome o = run(server.url() + "start", {"-n", "6"});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  auto r = first_run(o);
  EXPECT_EQ(r.at("status_codes").as_object().at("302").as_int64(), 6);
  EXPECT_EQ(r.at("redirects").as_int64(), 0);
}

TEST_P(Redirects, FollowedToTheFinalResponseAndCounted) {
  HostileServer server(redirect_chain());
  Outcome o = run(server.url() + "start", {"-n", "6", "--follow", "5"});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  auto r = first_run(o);
  EXPECT_EQ(r.at("requests").as_int64(), 6);
  EXPECT_EQ(r.at("status_codes").as_object().at("200").as_int64(), 6);
  EXPECT_EQ(r.at("redirects").as_int64(), 12);
}

TEST_P(Redirects, TheLimitLeavesTheLastRedirectAsTheResult) {
  HostileServer server(redirect_chain());
  Outcome o = run(server.url() + "start", {"-n", "4", "--follow", "1"});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  auto r = first_run(o);
  EXPECT_EQ(r.at("status_codes").as_object().at("301").as_int64(), 4);
  EXPECT_EQ(r.at("redirects").as_int64(), 4);
}

TEST_P(Redirects, TemporaryRedirectKeepsMethodAndBody) {
  HostileServer server(redirect_chain());
  Outcome o =
      run(server.url() + "keep", {"-n", "4", "--follow", "2", "-X", "POST", "--body", "data"});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_EQ(first_run(o).at("status_codes").as_object().at("201").as_int64(), 4);
}

TEST_P(Redirects, OtherOriginsAreNotFollowed) {
  HostileServer server(redirect_chain());
  Outcome o = run(server.url() + "other-origin", {"-n", "3", "--follow", "3"});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  auto r = first_run(o);
  EXPECT_EQ(r.at("status_codes").as_object().at("302").as_int64(), 3);
  EXPECT_EQ(r.at("redirects").as_int64(), 0);
}

INSTANTIATE_TEST_SUITE_P(Modes, Redirects, ::testing::Values("sync", "threads", "async"));
