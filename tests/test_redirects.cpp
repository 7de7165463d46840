// --follow: same-origin redirects followed in every mode, counted, and bounded; and with
// --follow-cross-origin, redirects to other origins.
#include "httpbench/connection/redirect.hpp"

#include <gtest/gtest.h>

#include <cctype>

#include <fmt/format.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json/parse.hpp>

#include "closed_first.hpp"
#include "hostile_server.hpp"
#include "httpbench/cli/client_setup.hpp"
#include "httpbench/cli/request_options.hpp"
#include "httpbench/codec/url.hpp"
#include "httpbench/serve/serve.hpp"
#include "test_pki.hpp"
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
      } else if (head.rfind("GET /loop ", 0) == 0) {
        reply = http_response(302, "", "Location: /loop\r\n");
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
    return run_inprocess(for_mode(args));
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

TEST_P(Redirects, ARedirectPastTheLimitIsARedirectFailure) {
  HostileServer server(redirect_chain());
  Outcome o = run(server.url() + "start", {"-n", "4", "--follow", "1"});
  ASSERT_EQ(o.code, kExitFailures) << o.err;
  auto r = first_run(o);
  EXPECT_EQ(r.at("succeeded").as_int64(), 0);
  EXPECT_EQ(r.at("failed").as_int64(), 4);
  EXPECT_EQ(r.at("errors").as_object().at("redirect").as_int64(), 4);
  EXPECT_NE(
      std::string(r.at("error_examples").at("redirect").as_string()).find("too many redirects"),
      std::string::npos);
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
  EXPECT_EQ(r.at("unfollowed_cross_origin_redirects").as_int64(), 3);
  // The text names the flag that would follow them.
  Outcome text = run_inprocess(for_mode({"--mode", GetParam(), "-n", "3", "-c", "2", "--follow",
                                         "3", server.url() + "other-origin"}));
  ASSERT_EQ(text.code, kExitOk) << text.err;
  EXPECT_NE(text.out.find("3 responses redirected to another origin and were not followed"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("--follow-cross-origin"), std::string::npos) << text.out;
}

TEST_P(Redirects, ALoopEndsAsATooManyRedirectsFailure) {
  HostileServer server(redirect_chain());
  // /loop redirects to itself, forever.
  Outcome o = run(server.url() + "loop", {"-n", "3", "--follow", "3"});
  ASSERT_EQ(o.code, kExitFailures) << o.err;
  auto r = first_run(o);
  EXPECT_EQ(r.at("errors").as_object().at("redirect").as_int64(), 3);
  EXPECT_EQ(r.at("succeeded").as_int64() + r.at("failed").as_int64(), 3);
}

INSTANTIATE_TEST_SUITE_P(Modes, Redirects, ::testing::Values("sync", "threads", "async"));

// --follow-cross-origin: two built-in servers on 127.0.0.1 are two origins (different ports); A
// answers ?redirect=URL with that Location.
namespace {

// `text` percent-encoded for a query value: everything but unreserved characters.
std::string query_value(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned>(u));
    }
  }
  return out;
}

// `server`'s URL that redirects to `location` (with `status`, 302 by default).
std::string redirect_url(const Server& server, std::string_view location,
                         std::string_view status = "") {
  std::string url = server.url() + "from?redirect=" + query_value(location);
  if (!status.empty()) url += fmt::format("&status={}", status);
  return url;
}

class CrossOrigin : public ::testing::TestWithParam<const char*> {
 protected:
  Outcome run(const std::string& url, std::vector<std::string> extra, bool json = true) {
    std::vector<std::string> args{"--mode", GetParam(), "-c", "3"};
    if (json) args.push_back("--json");
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(url);
    return run_inprocess(for_mode(args));
  }
};

}  // namespace

TEST_P(CrossOrigin, WithoutTheFlagTheRedirectIsTheResult) {
  auto a = start_server();
  auto b = start_server();
  Outcome o = run(redirect_url(*a, b->url() + "landed"), {"-n", "9", "--follow", "3"});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  auto r = first_run(o);
  EXPECT_EQ(r.at("status_codes").as_object().at("302").as_int64(), 9);
  EXPECT_EQ(r.at("redirects").as_int64(), 0);
  EXPECT_EQ(r.at("cross_origin_redirects").as_int64(), 0);
  EXPECT_EQ(a->requests_received(), 9u);
  EXPECT_EQ(b->requests_received(), 0u);
}

TEST_P(CrossOrigin, FollowedToTheOtherOriginAndCounted) {
  auto a = start_server();
  auto b = start_server();
  Outcome o = run(redirect_url(*a, b->url() + "landed"),
                  {"-n", "12", "--follow", "3", "--follow-cross-origin"});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  auto r = first_run(o);
  EXPECT_EQ(r.at("succeeded").as_int64(), 12);
  EXPECT_EQ(r.at("status_codes").as_object().at("200").as_int64(), 12);
  EXPECT_EQ(r.at("redirects").as_int64(), 12);
  EXPECT_EQ(r.at("cross_origin_redirects").as_int64(), 12);
  EXPECT_EQ(a->requests_received(), 12u);
  EXPECT_EQ(b->requests_received(), 12u);
}

// A hop to another origin has a connection of its own, closed after the response: its request
// says `Connection: close`, so B closes first and keeps the TIME_WAITs, and the client closes
// after B's FIN. Before, the client closed every hop's connection first.
TEST_P(CrossOrigin, TheOtherOriginClosesTheHopsConnectionFirst) {
  auto a = start_server();
  auto b = start_server();
  const int before = closed_first(b->port(), true);
  Outcome o = run(redirect_url(*a, b->url() + "landed"),
                  {"-n", "60", "--follow", "1", "--follow-cross-origin"});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  auto r = first_run(o);
  EXPECT_EQ(r.at("status_codes").as_object().at("200").as_int64(), 60);
  EXPECT_EQ(b->connections_accepted(), 60u);
  EXPECT_LE(closed_first(b->port(), true), before);
  EXPECT_GT(closed_first(b->port(), false), 0);
}

TEST_P(CrossOrigin, ChainsBackToTheTargetOnItsOwnConnection) {
  auto a = start_server();
  auto b = start_server();
  // A -> B -> A: both hops cross an origin; the last one is served on A's connection.
  const std::string back = redirect_url(*b, a->url() + "done");
  Outcome o = run(redirect_url(*a, back), {"-n", "8", "--follow", "2", "--follow-cross-origin"});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  auto r = first_run(o);
  EXPECT_EQ(r.at("status_codes").as_object().at("200").as_int64(), 8);
  EXPECT_EQ(r.at("redirects").as_int64(), 16);
  EXPECT_EQ(r.at("cross_origin_redirects").as_int64(), 16);
  EXPECT_EQ(a->requests_received(), 16u);
  EXPECT_EQ(b->requests_received(), 8u);
  // A's connections are kept alive across the chain; each hop to B has a connection of its own.
  EXPECT_LE(a->connections_accepted(), 3u);
  EXPECT_EQ(b->connections_accepted(), 8u);
}

TEST_P(CrossOrigin, TheHopLimitCountsHopsOnEveryOrigin) {
  auto a = start_server();
  auto b = start_server();
  const std::string back = redirect_url(*b, a->url() + "done");
  Outcome o = run(redirect_url(*a, back), {"-n", "4", "--follow", "1", "--follow-cross-origin"});
  ASSERT_EQ(o.code, kExitFailures) << o.err;
  auto r = first_run(o);
  // B's redirect back is one hop too many.
  EXPECT_EQ(r.at("status_codes").as_object().size(), 0u);
  EXPECT_EQ(r.at("errors").as_object().at("redirect").as_int64(), 4);
  EXPECT_EQ(r.at("redirects").as_int64(), 4);
  EXPECT_EQ(b->requests_received(), 4u);
  EXPECT_EQ(a->requests_received(), 4u);
}

TEST_P(CrossOrigin, TemporaryRedirectKeepsPostAndBody) {
  auto a = start_server();
  auto b = start_server();
  Outcome o =
      run(redirect_url(*a, b->url() + "posted", "307"),
          {"-n", "6", "--follow", "2", "--follow-cross-origin", "-X", "POST", "--body", "data"});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  auto r = first_run(o);
  EXPECT_EQ(r.at("status_codes").as_object().at("200").as_int64(), 6);
  EXPECT_EQ(r.at("cross_origin_redirects").as_int64(), 6);
  EXPECT_EQ(b->requests_received(), 6u);
  // Each request's 4 bytes reached both origins.
  EXPECT_EQ(a->request_body_bytes(), 24u);
  EXPECT_EQ(b->request_body_bytes(), 24u);
}

TEST_P(CrossOrigin, SeeOtherTurnsPostIntoGetWithoutBody) {
  auto a = start_server();
  auto b = start_server();
  Outcome o =
      run(redirect_url(*a, b->url() + "seen", "303"),
          {"-n", "4", "--follow", "2", "--follow-cross-origin", "-X", "POST", "--body", "data"});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_EQ(first_run(o).at("status_codes").as_object().at("200").as_int64(), 4);
  EXPECT_EQ(b->requests_received(), 4u);
  EXPECT_EQ(b->request_body_bytes(), 0u);
}

TEST_P(CrossOrigin, AHopToADeadPortIsAConnectFailure) {
  auto a = start_server();
  const std::string dead = fmt::format("http://127.0.0.1:{}/", unused_loopback_port());
  Outcome o =
      run(redirect_url(*a, dead + "gone"), {"-n", "5", "--follow", "2", "--follow-cross-origin"});
  EXPECT_EQ(o.code, kExitFailures) << o.err;
  auto r = first_run(o);
  EXPECT_EQ(r.at("failed").as_int64(), 5);
  EXPECT_EQ(r.at("errors").as_object().at("connect").as_int64(), 5);
  const std::string example(r.at("error_examples").as_object().at("connect").as_string());
  EXPECT_NE(example.find("redirect to " + dead.substr(0, dead.size() - 1)), std::string::npos)
      << example;
  EXPECT_EQ(a->requests_received(), 5u);
}

TEST_P(CrossOrigin, TheTimeoutCoversTheWholeChain) {
  auto a = start_server();
  auto b = start_server();
  Outcome o = run(redirect_url(*a, b->url() + "slow?delay=5s"),
                  {"-n", "2", "--follow", "2", "--follow-cross-origin", "--timeout", "300ms"});
  EXPECT_EQ(o.code, kExitFailures) << o.err;
  EXPECT_EQ(first_run(o).at("errors").as_object().at("timeout").as_int64(), 2);
}

TEST_P(CrossOrigin, HttpsOriginIsVerifiedWithTheCaGiven) {
  auto a = start_server();
  ServeOptions tls;
  tls.port = 0;
  tls.tls_cert = pki().cert();
  tls.tls_key = pki().key();
  Server b(tls);
  b.start();
  ASSERT_EQ(b.url().rfind("https://127.0.0.1:", 0), 0u);
  Outcome o = run(redirect_url(*a, b.url() + "secure"),
                  {"-n", "6", "--follow", "2", "--follow-cross-origin", "--cacert", pki().ca()});
  ASSERT_EQ(o.code, kExitOk) << o.err << o.out;
  auto r = first_run(o);
  EXPECT_EQ(r.at("status_codes").as_object().at("200").as_int64(), 6);
  EXPECT_EQ(r.at("cross_origin_redirects").as_int64(), 6);
  const auto& handshakes = r.at("tls").as_object();
  EXPECT_EQ(
      handshakes.at("full_handshakes").as_int64() + handshakes.at("resumed_handshakes").as_int64(),
      6);
  EXPECT_EQ(b.requests_received(), 6u);
  // The target is http: a hop's handshake is not what the target negotiated.
  const auto manifest = boost::json::parse(o.out).as_object().at("manifest").as_object();
  EXPECT_TRUE(manifest.at("tls_version").is_null()) << manifest.at("tls_version");

  // Without the CA, the certificate is not trusted: a tls failure per request.
  Outcome untrusted = run(redirect_url(*a, b.url() + "secure"),
                          {"-n", "3", "--follow", "2", "--follow-cross-origin"});
  EXPECT_EQ(untrusted.code, kExitFailures);
  EXPECT_EQ(first_run(untrusted).at("errors").as_object().at("tls").as_int64(), 3);
  EXPECT_EQ(b.requests_received(), 6u);
}

TEST_P(CrossOrigin, TheTextReportCountsHopsToOtherOrigins) {
  auto a = start_server();
  auto b = start_server();
  Outcome o = run(redirect_url(*a, b->url() + "landed"),
                  {"-n", "5", "--follow", "1", "--follow-cross-origin"}, false);
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_NE(o.out.find("redirects  5 followed, 5 to other origins"), std::string::npos) << o.out;
}

INSTANTIATE_TEST_SUITE_P(Modes, CrossOrigin, ::testing::Values("sync", "threads", "async"));

TEST(CrossOriginOptions, UsageErrors) {
  expect_usage_error({"--follow-cross-origin", "http://127.0.0.1:9/"}, "needs --follow");
  expect_usage_error({"--follow", "0", "--follow-cross-origin", "http://127.0.0.1:9/"},
                     "needs --follow");
  expect_usage_error({"--follow", "2", "--follow-cross-origin", "--unix-socket", "/tmp/x.sock",
                      "http://127.0.0.1:9/"},
                     "--unix-socket");
  expect_usage_error({"--follow", "2", "--follow-cross-origin", "--proxy", "127.0.0.1:3128",
                      "http://127.0.0.1:9/"},
                     "proxy");
}

TEST(CrossOriginPolicy, TheHopCarriesTheOtherOriginsHostAndNoCredentials) {
  Options o;
  o.target = parse_target("http://a.test:8080/start");
  o.follow_redirects = 3;
  o.follow_cross_origin = true;
  o.basic_auth = "user:secret";
  o.headers = {{"Cookie", "session=1"}, {"X-Trace", "7"}};
  const auto policy = make_redirect_policy(o);
  const RequestSpec original = request_spec(o);

  auto hop = policy->follow(302, "https://B.test/next?x=1", original, original);
  ASSERT_TRUE(hop);
  EXPECT_TRUE(hop->cross_origin);
  EXPECT_FALSE(hop->target_origin);
  const std::string& request = hop->request.http1;
  EXPECT_EQ(hop->request.spec.target.port, 443);
  EXPECT_EQ(request.rfind("GET /next?x=1 HTTP/1.1\r\nHost: B.test\r\n", 0), 0u) << request;
  EXPECT_EQ(request.find("Authorization"), std::string::npos) << request;
  EXPECT_EQ(request.find("Cookie"), std::string::npos) << request;
  EXPECT_NE(request.find("X-Trace: 7\r\n"), std::string::npos) << request;
  // Its connection is closed after the response, and the request says so.
  EXPECT_NE(request.find("Connection: close\r\n"), std::string::npos) << request;

  // Relative to the origin that redirected; host names compare without case.
  auto relative = policy->follow(301, "/again", hop->request.spec, original);
  ASSERT_TRUE(relative);
  EXPECT_FALSE(relative->cross_origin);
  EXPECT_EQ(relative->request.http1.rfind("GET /again HTTP/1.1\r\nHost: B.test\r\n", 0), 0u);
  auto same = policy->follow(301, "https://b.test/x", hop->request.spec, original);
  ASSERT_TRUE(same);
  EXPECT_FALSE(same->cross_origin);

  // Back to the target's origin: its own connection, with its credentials.
  auto back = policy->follow(307, "http://a.test:8080/done", hop->request.spec, original);
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->cross_origin);
  EXPECT_TRUE(back->target_origin);
  EXPECT_NE(back->request.http1.find("Authorization: Basic "), std::string::npos);
  EXPECT_EQ(back->request.http1.find("Connection:"), std::string::npos) << back->request.http1;

  // Without the flag another origin is not followed; the target's own still is.
  o.follow_cross_origin = false;
  const auto same_origin_only = make_redirect_policy(o);
  EXPECT_FALSE(same_origin_only->follow(302, "https://b.test/next", original, original));
  EXPECT_TRUE(same_origin_only->follow(302, "http://A.TEST:8080/next", original, original));
}

TEST(RedirectPolicy, A307AfterA303KeepsTheGetAndSendsNoBody) {
  Options o;
  o.target = parse_target("http://a.test/form");
  o.method = "POST";
  o.body = "x=1";
  o.content_type = "application/x-www-form-urlencoded";
  o.follow_redirects = 3;
  const auto policy = make_redirect_policy(o);
  const RequestSpec original = request_spec(o);

  auto seen = policy->follow(303, "/seen", original, original);
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->request.spec.method, "GET");
  EXPECT_FALSE(seen->request.spec.body);
  // 307 keeps the method of the request it answers: the GET, not the chain's first POST.
  auto moved = policy->follow(307, "/moved", seen->request.spec, original);
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->request.http1.rfind("GET /moved HTTP/1.1\r\n", 0), 0u) << moved->request.http1;
  EXPECT_EQ(moved->request.http1.find("Content-"), std::string::npos) << moved->request.http1;
  // 307 to a POST keeps its body and type.
  auto kept = policy->follow(307, "/kept", original, original);
  ASSERT_TRUE(kept);
  EXPECT_NE(kept->request.http1.find("Content-Type: application/x-www-form-urlencoded\r\n"),
            std::string::npos);
  EXPECT_TRUE(kept->request.http1.ends_with("\r\n\r\nx=1")) << kept->request.http1;
}

TEST(ServeRedirect, AnswersWithTheLocationAndRefusesControlCharacters) {
  auto a = start_server();
  Outcome o = run_inprocess({"--mode", "sync", "-n", "2", "--json",
                             a->url() + "?redirect=http%3A%2F%2Fexample.test%2F&status=308"});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_EQ(first_run(o).at("status_codes").as_object().at("308").as_int64(), 2);
  // A decoded CR LF would add a header of its own: a 400 instead, a failure of category status.
  Outcome bad = run_inprocess(
      {"--mode", "sync", "-n", "2", "--json", a->url() + "?redirect=%2Fx%0D%0AX-Evil%3A%201"});
  ASSERT_EQ(bad.code, kExitFailures) << bad.err;
  EXPECT_EQ(first_run(bad).at("status_codes").as_object().at("400").as_int64(), 2);
  EXPECT_EQ(first_run(bad).at("errors").as_object().at("status").as_int64(), 2);
}
