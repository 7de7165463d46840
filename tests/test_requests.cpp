// Methods, headers, bodies, basic auth and HTTP/1.0: the exact request bytes, the command-line
// checks, credentials kept out of every output, and every mode end to end against the built-in
// server.
#include "httpbench/cli/request_options.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>

#include "hostile_server.hpp"
#include "httpbench/cli/cli.hpp"
#include "httpbench/serve/serve.hpp"
#include "httpbench/stats/error.hpp"
#include "httpbench/version.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;

namespace {

Options options_for(const std::string& url) {
  Options o;
  o.target = parse_target(url);
  return o;
}

const std::string kUserAgent = std::string("User-Agent: httpbench/") + kVersion + "\r\n";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST(SerializeRequest, DefaultGetIsExact) {
  Options o = options_for("http://127.0.0.1:8080/path?q=1");
  EXPECT_EQ(serialize_request(o),
            "GET /path?q=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n" + kUserAgent + "\r\n");
  o.keep_alive = false;
  EXPECT_EQ(serialize_request(o), "GET /path?q=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n" +
                                      kUserAgent + "Connection: close\r\n\r\n");
}

TEST(SerializeRequest, PostWithABodyHasTypeLengthAndTheBytes) {
  Options o = options_for("http://h/submit");
  o.method = "POST";
  o.body = "hello";
  EXPECT_EQ(serialize_request(o), "POST /submit HTTP/1.1\r\nHost: h\r\n" + kUserAgent +
                                      "Content-Type: application/octet-stream\r\n"
                                      "Content-Length: 5\r\n\r\nhello");
  o.content_type = "application/json";
  EXPECT_NE(
      serialize_request(o).find("\r\nContent-Type: application/json\r\nContent-Length: 5\r\n"),
      std::string::npos);
}

TEST(SerializeRequest, HeaderContentTypeWinsOverTheOption) {
  Options o = options_for("http://h/");
  o.method = "PUT";
  o.body = "{}";
  o.content_type = "text/plain";
  o.headers = {{"content-type", "application/json"}};
  const std::string req = serialize_request(o);
  EXPECT_NE(req.find("\r\ncontent-type: application/json\r\nContent-Length: 2\r\n"),
            std::string::npos)
      << req;
  EXPECT_EQ(req.find("text/plain"), std::string::npos) << req;
}

TEST(SerializeRequest, UserHostAndUserAgentReplaceTheDefaultsInPlace) {
  Options o = options_for("http://127.0.0.1:8080/");
  o.headers = {
      {"X-Trace", "1"}, {"host", "example.test"}, {"User-Agent", "curl/8.0"}, {"X-Trace", "2"}};
  EXPECT_EQ(serialize_request(o),
            "GET / HTTP/1.1\r\nhost: example.test\r\nUser-Agent: curl/8.0\r\n"
            "X-Trace: 1\r\nX-Trace: 2\r\n\r\n");
}

TEST(SerializeRequest, AnEmptyValueLeavesADefaultHeaderOut) {
  Options o = options_for("http://h/");
  o.headers = {{"User-Agent", ""}, {"X-Empty", ""}};
  // As in curl: `-H 'User-Agent:'` removes the default; another header is sent with its empty
  // value.
  EXPECT_EQ(serialize_request(o), "GET / HTTP/1.1\r\nHost: h\r\nX-Empty: \r\n\r\n");
  o.http10 = true;
  o.keep_alive = false;
  o.headers = {{"host", ""}, {"user-agent", ""}};
  EXPECT_EQ(serialize_request(o), "GET / HTTP/1.0\r\n\r\n");
}

TEST(SerializeRequest, PostWithoutABodySendsContentLengthZero) {
  Options o = options_for("http://h/");
  o.method = "POST";
  EXPECT_EQ(serialize_request(o),
            "POST / HTTP/1.1\r\nHost: h\r\n" + kUserAgent + "Content-Length: 0\r\n\r\n");
  o.method = "DELETE";
  EXPECT_EQ(serialize_request(o).find("Content-Length"), std::string::npos);
}

TEST(SerializeRequest, Http10AsksForKeepAliveOnlyWhenWanted) {
  Options o = options_for("http://h/");
  o.http10 = true;
  EXPECT_EQ(serialize_request(o),
            "GET / HTTP/1.0\r\nHost: h\r\n" + kUserAgent + "Connection: keep-alive\r\n\r\n");
  o.keep_alive = false;
  EXPECT_EQ(serialize_request(o), "GET / HTTP/1.0\r\nHost: h\r\n" + kUserAgent + "\r\n");
}

TEST(SerializeRequest, BasicAuthIsBase64OfUserColonPassword) {
  Options o = options_for("http://h/");
  o.method = "HEAD";
  o.basic_auth = "Aladdin:open sesame";  // the example of RFC 7617
  EXPECT_EQ(serialize_request(o), "HEAD / HTTP/1.1\r\nHost: h\r\n" + kUserAgent +
                                      "Authorization: Basic "
                                      "QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n");
  // An explicit -H Authorization wins.
  o.headers = {{"Authorization", "Bearer t"}};
  EXPECT_NE(serialize_request(o).find("\r\nAuthorization: Bearer t\r\n"), std::string::npos);
  EXPECT_EQ(serialize_request(o).find("Basic"), std::string::npos);
}

TEST(Base64, Rfc4648TestVectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(std::string("\xff\xfe\x00", 3)), "//4A");
}

TEST(ParseHeader, SplitsAtTheFirstColonAndTrimsTheValue) {
  Header h = parse_header("X-Forwarded-For:  10.0.0.1, 10.0.0.2 \t");
  EXPECT_EQ(h.name, "X-Forwarded-For");
  EXPECT_EQ(h.value, "10.0.0.1, 10.0.0.2");
  h = parse_header("X-Url: http://a:8080/");
  EXPECT_EQ(h.value, "http://a:8080/");
  EXPECT_EQ(parse_header("X-Empty:").value, "");
}

TEST(RequestCli, MethodIsCaseInsensitiveAndOptionsArrive) {
  EXPECT_EQ(parse_command_line({"-X", "post", "http://h/"}).options.method, "POST");
  EXPECT_EQ(parse_command_line({"--method", "Head", "http://h/"}).options.method, "HEAD");
  EXPECT_EQ(parse_command_line({"-Xoptions", "http://h/"}).options.method, "OPTIONS");
  EXPECT_EQ(parse_command_line({"http://h/"}).options.method, "GET");
  const Options o = parse_command_line({"-X", "patch", "-H", "X-A: 1", "-H", "X-B:2", "--body",
                                        "{}", "--content-type", "application/json", "--basic-auth",
                                        "u:p:w", "--http1.0", "http://h/"})
                        .options;
  ASSERT_EQ(o.headers.size(), 2u);
  EXPECT_EQ(o.headers[1].name, "X-B");
  EXPECT_EQ(o.headers[1].value, "2");
  EXPECT_EQ(o.body, "{}");
  EXPECT_EQ(o.content_type, "application/json");
  EXPECT_EQ(o.basic_auth, "u:p:w");
  EXPECT_TRUE(o.http10);
}

namespace {

struct BadRequestArgs {
  std::vector<std::string> args;
  const char* expected;  // a fragment of the message
};

void PrintTo(const BadRequestArgs& b, std::ostream* os) {
  for (const auto& a : b.args)
    *os << a << ' ';
}

class RejectsBadRequestInput : public ::testing::TestWithParam<BadRequestArgs> {};

const std::string kUrl = "http://127.0.0.1:9/";

}  // namespace

TEST_P(RejectsBadRequestInput, ExitsTwoWithOneLine) {
  expect_usage_error(GetParam().args, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Requests, RejectsBadRequestInput,
    ::testing::Values(
        BadRequestArgs{{"-X", "FETCH", kUrl}, "--method: unknown method 'FETCH'"},
        BadRequestArgs{{"-X", "", kUrl}, "--method: unknown method"},
        BadRequestArgs{{"-X", "GET\nX", kUrl}, "--method: unknown method:"},
        BadRequestArgs{{"-H", "NoColon", kUrl}, "--header: malformed header: expected"},
        BadRequestArgs{{"-H", ": value", kUrl}, "empty name"},
        BadRequestArgs{{"-H", "Bad Name: v", kUrl}, "malformed header name"},
        BadRequestArgs{{"-H", "X-A: a\r\nX-Injected: 1", kUrl}, "--header 'X-A': the value"},
        BadRequestArgs{{"-H", "X-A: a\nb", kUrl}, "control character"},
        BadRequestArgs{{"-H", "Content-Length: 5", kUrl}, "frames the body"},
        BadRequestArgs{{"-H", "Host:", kUrl}, "--header 'Host:': HTTP/1.1 requires a Host header"},
        BadRequestArgs{{"-H", "transfer-encoding: chunked", kUrl}, "frames the body"},
        BadRequestArgs{{"--content-type", "text/plain\r\nX: y", kUrl}, "--content-type"},
        BadRequestArgs{{"--basic-auth", "alice", kUrl}, "--basic-auth: expected user:password"},
        BadRequestArgs{{"--body", "x", "--body-file", "/etc/hostname", kUrl},
                       "--body and --body-file exclude each other"},
        BadRequestArgs{{"--body-file", "/nonexistent/body.bin", kUrl},
                       "cannot read --body-file '/nonexistent/body.bin': No such file"},
        BadRequestArgs{{"--body-file", "/", kUrl}, "cannot read --body-file '/'"}));

TEST(RequestCli, CredentialsAreNeverEchoedInErrors) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"-H", "Authorization Bearer s3cret", kUrl},
           {"-H", "Authorization: Bearer s3cret\r\nX: 1", kUrl},
           {"-H", "Cookie s3cret=1: x", kUrl},
           {"--basic-auth", "s3cret", kUrl},
           {"-H", "Authorization:", "Bearer", "s3cret", kUrl},  // unquoted
           {"--bogus=s3cret", kUrl},
           {"--basic-auth", "alice:s3cret", "-X", "BOGUS", kUrl},
           {"--basic-auth", "alice:s3cret", "-H", "Authorization: s3cret", "http://"}}) {
    Outcome o = run_inprocess(args);
    EXPECT_EQ(o.code, kExitUsage) << args[1];
    EXPECT_EQ(o.err.find("s3cret"), std::string::npos) << o.err;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
  }
}

TEST(RequestCli, UnexpectedArgumentsAreCountedAndOptionsNamed) {
  Outcome o = run_inprocess({"-H", "Authorization:", "Bearer", "s3cret", kUrl});
  EXPECT_NE(o.err.find("2 unexpected arguments (not shown"), std::string::npos) << o.err;
  o = run_inprocess({"--bogus=s3cret", kUrl});
  EXPECT_NE(o.err.find("unknown option --bogus"), std::string::npos) << o.err;
}

TEST(Redaction, CredentialsNeverAppearInTextOrJson) {
  auto server = start_server();
  const std::string file = private_temp_path("redaction.json");
  std::remove(file.c_str());
  const std::vector<std::string> secrets = {"s3cret", base64_encode("alice:s3cret")};
  auto expect_clean = [&](const std::string& text) {
    for (const std::string& s : secrets)
      EXPECT_EQ(text.find(s), std::string::npos) << s << " in " << text;
  };
  const std::vector<std::string> common = {"--mode",       "sync",
                                           "-n",           "3",
                                           "--basic-auth", "alice:s3cret",
                                           "-H",           "cookie: id=s3cret",
                                           "-H",           "Proxy-Authorization: Basic s3cret",
                                           "-H",           "X-Visible: shown"};

  std::vector<std::string> args = common;
  args.push_back(server->url());
  Outcome text = run_inprocess(args);
  ASSERT_EQ(text.code, kExitOk) << text.err;
  expect_clean(text.out + text.err);
  EXPECT_NE(text.out.find("request    GET / HTTP/1.1\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  Authorization: ***\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  cookie: ***\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  Proxy-Authorization: ***\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  X-Visible: shown\n"), std::string::npos) << text.out;

  args = common;
  for (const char* a : {"--json", "-o"})
    args.emplace_back(a);
  args.push_back(file);
  args.push_back(server->url());
  Outcome json = run_inprocess(args);
  ASSERT_EQ(json.code, kExitOk) << json.err;
  expect_clean(json.out + json.err);
  const std::string written = read_file(file);
  expect_clean(written);
  EXPECT_EQ(written, json.out);
  const auto options = boost::json::parse(json.out).at("options").as_object();
  EXPECT_EQ(options.at("method").as_string(), "GET");
  EXPECT_EQ(options.at("body_bytes").as_int64(), 0);
  EXPECT_EQ(options.at("http_version").as_string(), "1.1");
  std::vector<std::string> headers;
  for (const auto& h : options.at("headers").as_array())
    headers.emplace_back(h.as_string());
  EXPECT_EQ(headers, (std::vector<std::string>{"Host: " + parse_target(server->url()).host_header(),
                                               std::string("User-Agent: httpbench/") + kVersion,
                                               "Authorization: ***", "cookie: ***",
                                               "Proxy-Authorization: ***", "X-Visible: shown"}));

  // A -H Authorization is redacted the same way.
  Outcome bearer =
      run_inprocess({"-n", "2", "-H", "Authorization: Bearer s3cret", "--json", server->url()});
  ASSERT_EQ(bearer.code, kExitOk) << bearer.err;
  expect_clean(bearer.out + bearer.err);
  EXPECT_NE(bearer.out.find("\"Authorization: ***\""), std::string::npos) << bearer.out;
}

TEST(Redaction, PlainGetTextOutputIsUnchanged) {
  auto server = start_server();
  Outcome o = run_inprocess({"-n", "2", server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_EQ(o.out.find("request "), std::string::npos) << o.out;
}

namespace {

class RequestsInEveryMode : public ::testing::TestWithParam<const char*> {};

// The body, written once per test process.
const std::string& body_file() {
  static const std::string path = [] {
    std::string p = private_temp_path("body_1MiB.bin");
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    std::string block(1024, '\0');
    for (std::size_t i = 0; i < block.size(); ++i)
      block[i] = static_cast<char>(i * 7);
    for (int i = 0; i < 1024; ++i)
      out << block;
    return p;
  }();
  return path;
}

}  // namespace

TEST_P(RequestsInEveryMode, PostSendsTheWholeBodyEveryTime) {
  constexpr std::int64_t kMiB = 1024 * 1024;
  auto server = start_server();
  Outcome o =
      run_inprocess(for_mode({"--mode", GetParam(), "-X", "post", "--body-file", body_file(), "-n",
                              "12", "-c", "3", "--timeout", "10s", "--json", server->url()}));
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const auto run = first_run(o);
  EXPECT_EQ(run.at("succeeded").as_int64(), 12);
  EXPECT_EQ(run.at("status_codes").as_object().at("200").as_int64(), 12);
  EXPECT_EQ(server->requests_received(), 12u);
  EXPECT_EQ(server->request_body_bytes(), static_cast<std::uint64_t>(12 * kMiB));
  const auto options = boost::json::parse(o.out).at("options").as_object();
  EXPECT_EQ(options.at("method").as_string(), "POST");
  EXPECT_EQ(options.at("body_bytes").as_int64(), kMiB);
}

TEST_P(RequestsInEveryMode, HeadReadsNoBodyAndKeepsTheConnection) {
  auto server = start_server();
  // The server announces Content-Length: 1000 but sends no body; a client that waited for it
  // would time out, one that read it would see the next response's bytes.
  Outcome o = run_inprocess(for_mode({"--mode", GetParam(), "-X", "HEAD", "-n", "10", "-c", "2",
                                      "--timeout", "2s", "--json", server->url() + "?size=1000"}));
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const auto run = first_run(o);
  EXPECT_EQ(run.at("succeeded").as_int64(), 10);
  EXPECT_EQ(run.at("status_codes").as_object().at("200").as_int64(), 10);
  EXPECT_LT(run.at("bytes_received").as_int64(), 10 * 200);  // headers only, ~90 bytes each
  EXPECT_LE(run.at("connections").as_int64(), 2);
  EXPECT_EQ(server->requests_received(), 10u);
  EXPECT_EQ(server->request_body_bytes(), 0u);
}

TEST_P(RequestsInEveryMode, Http10KeepsAliveOnlyWhenAsked) {
  auto server = start_server();
  Outcome kept = run_inprocess(for_mode(
      {"--mode", GetParam(), "--http1.0", "-n", "10", "-c", "2", "--json", server->url()}));
  ASSERT_EQ(kept.code, kExitOk) << kept.err;
  EXPECT_EQ(first_run(kept).at("succeeded").as_int64(), 10);
  EXPECT_LE(first_run(kept).at("connections").as_int64(), 2);
  EXPECT_EQ(boost::json::parse(kept.out).at("options").at("http_version").as_string(), "1.0");
  Outcome fresh = run_inprocess(for_mode({"--mode", GetParam(), "--http1.0", "--no-keep-alive",
                                          "-n", "10", "-c", "2", "--json", server->url()}));
  ASSERT_EQ(fresh.code, kExitOk) << fresh.err;
  EXPECT_EQ(first_run(fresh).at("succeeded").as_int64(), 10);
  EXPECT_EQ(first_run(fresh).at("connections").as_int64(), 10);
  EXPECT_EQ(server->requests_received(), 20u);
}

TEST_P(RequestsInEveryMode, AnEmptyUserAgentLeavesTheHeaderOut) {
  std::mutex mutex;
  std::vector<std::string> heads;
  HostileServer server([&](HostileConnection& c) {
    while (c.read_request()) {
      {
        std::lock_guard lock(mutex);
        heads.push_back(c.request_head());
      }
      if (!c.send(http_response(200, "ok"))) return;
    }
  });
  Outcome o = run_inprocess(for_mode(
      {"--mode", GetParam(), "-H", "User-Agent:", "-n", "4", "-c", "2", "--json", server.url()}));
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_EQ(first_run(o).at("succeeded").as_int64(), 4);
  std::lock_guard lock(mutex);
  ASSERT_EQ(heads.size(), 4u);
  for (const std::string& head : heads) {
    EXPECT_EQ(head.find("User-Agent"), std::string::npos) << head;
    EXPECT_NE(head.find("\r\nHost: 127.0.0.1:"), std::string::npos) << head;
  }
  const auto sent = boost::json::parse(o.out).at("options").at("headers").as_array();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].as_string().subview().substr(0, 6), "Host: ");
}

INSTANTIATE_TEST_SUITE_P(Modes, RequestsInEveryMode, ::testing::Values("sync", "threads", "async"));

TEST(Requests, PutWithAStringBodyAndCustomHeaders) {
  auto server = start_server();
  Outcome o = run_inprocess({"-X", "PUT", "--body", "hello", "--content-type", "text/plain", "-H",
                             "X-Request-Id: 42", "-n", "7", "-c", "2", server->url()});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_EQ(server->requests_received(), 7u);
  EXPECT_EQ(server->request_body_bytes(), 35u);
  EXPECT_NE(o.out.find("request    PUT / HTTP/1.1 with a 5 B body\n"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("  Content-Type: text/plain\n  Content-Length: 5\n"), std::string::npos)
      << o.out;
}
