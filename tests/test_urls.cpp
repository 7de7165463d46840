// --urls FILE: parsing the request lines, and runs in every mode that send them round-robin with
// results per line.
#include "httpbench/cli/url_list.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include <boost/json/parse.hpp>

#include "httpbench/serve/serve.hpp"
#include "httpbench/stats/error.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;

namespace {

std::string write_file(const std::string& name, const std::string& content) {
  const std::string path = private_temp_path(name);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
  return path;
}

}  // namespace

TEST(UrlList, ParsesMethodsUrlsAndBodies) {
  write_file("urls_body.json", R"({"x":1})");
  const auto lines = parse_request_lines(
      "# a comment\n"
      "http://127.0.0.1:8080/a\n"
      "\n"
      "post http://127.0.0.1:8080/b httpbench_" +
          std::to_string(::getpid()) +
          "_urls_body.json\r\n"
          "HEAD   http://127.0.0.1:8080/c?x=1  \n",
      ::testing::TempDir());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].method, "GET");
  EXPECT_EQ(lines[0].target.target, "/a");
  EXPECT_FALSE(lines[0].body);
  EXPECT_EQ(lines[1].method, "POST");
  ASSERT_TRUE(lines[1].body);
  EXPECT_EQ(*lines[1].body, R"({"x":1})");
  EXPECT_EQ(lines[2].method, "HEAD");
  EXPECT_EQ(lines[2].target.target, "/c?x=1");
  EXPECT_EQ(lines[2].label(), "HEAD http://127.0.0.1:8080/c?x=1");
}

TEST(UrlList, RejectsWhatCannotBeSentNamingTheLine) {
  const std::string dir = ::testing::TempDir();
  auto message = [&](const std::string& text) {
    try {
      parse_request_lines(text, dir);
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("http://127.0.0.1:1/\nhttp://127.0.0.1:2/\n").find("line 2"),
            std::string::npos);
  EXPECT_NE(message("http://127.0.0.1:1/\nhttp://127.0.0.1:2/\n").find("origin"),
            std::string::npos);
  EXPECT_NE(message("http://a:1/\nhttps://a:1/\n").find("origin"), std::string::npos);
  EXPECT_NE(message("FETCH http://a/\n").find("line 1"), std::string::npos);
  EXPECT_NE(message("GET\n").find("missing URL"), std::string::npos);
  EXPECT_NE(message("GET http://a/ body extra\n").find("line 1"), std::string::npos);
  EXPECT_NE(message("POST http://a/ /nonexistent/body\n").find("line 1"), std::string::npos);
  EXPECT_NE(message("# only a comment\n\n").find("no requests"), std::string::npos);
}

TEST(UrlList, CommandLineMistakesAreUsageErrors) {
  const std::string file = write_file("urls_cli.txt", "http://127.0.0.1:9/\n");
  expect_usage_error({"--urls", file, "http://127.0.0.1:9/"}, "not on the command line");
  expect_usage_error({"--urls", file, "-X", "POST"}, "drop -X");
  expect_usage_error({"--urls", file, "--body", "x"}, "drop --body");
  expect_usage_error({"--urls", file, "--follow", "2"}, "--follow");
  expect_usage_error({"--urls", "/nonexistent/urls.txt"}, "cannot read");
}

class UrlsInEveryMode : public ::testing::TestWithParam<const char*> {};

INSTANTIATE_TEST_SUITE_P(Modes, UrlsInEveryMode, ::testing::Values("sync", "threads", "async"),
                         [](const auto& info) { return std::string(info.param); });

// Three lines, 30 requests: each line is sent 10 times, round-robin, and reported on its own.
TEST_P(UrlsInEveryMode, RoundRobinWithResultsPerLine) {
  auto server = start_server();
  const std::string body = write_file("urls_post.bin", std::string(1000, 'b'));
  const std::string u = server->url();
  const std::string file =
      write_file("urls_mix.txt", "GET " + u + "a\nPOST " + u + "b " + body + "\nHEAD " + u +
                                     "c?size=5000\nGET " + u + "?status=404\n");
  Outcome o = run_inprocess(for_mode({"--urls", file, "--mode", GetParam(), "-n", "40", "-c", "4",
                                      "--json", "--ok-status", "2xx, 404"}));
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_EQ(server->requests_received(), 40u);
  EXPECT_EQ(server->request_body_bytes(), 10u * 1000);
  const auto run = first_run(o);
  EXPECT_EQ(run.at("succeeded").as_int64(), 40);
  EXPECT_EQ(run.at("status_codes").at("200").as_int64(), 30);
  EXPECT_EQ(run.at("status_codes").at("404").as_int64(), 10);
  const auto& lines = run.at("urls").as_array();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].at("request").as_string(), "GET " + u + "a");
  EXPECT_EQ(lines[2].at("request").as_string(), "HEAD " + u + "c?size=5000");
  for (const auto& line : lines) {
    EXPECT_EQ(line.at("requests").as_int64(), 10);
    EXPECT_EQ(line.at("responses").as_int64(), 10);
    EXPECT_EQ(line.at("failed").as_int64(), 0);
    EXPECT_LE(line.at("latency_ms").at("p50").to_number<double>(),
              line.at("latency_ms").at("p99").to_number<double>());
  }
  EXPECT_EQ(lines[0].at("status_classes").at("2xx").as_int64(), 10);
  EXPECT_EQ(lines[3].at("status_classes").at("4xx").as_int64(), 10);
  // HEAD announced 5000 bytes but none were read: no line received anywhere near 50000.
  EXPECT_LT(run.at("bytes_received").as_int64(), 20000);
  const auto doc = boost::json::parse(o.out).as_object();
  EXPECT_EQ(doc.at("options").at("urls").as_array().size(), 4u);
}

// GET and HEAD of one URL get the same header bytes, and only the GET has a body. On one
// connection, in turns: a client that reused the GET's parse of those bytes for the HEAD would
// wait for a body that never comes; one that did the reverse would read the next header as body.
TEST_P(UrlsInEveryMode, HeadAndGetWithTheSameHeaderAlternateOnOneConnection) {
  auto server = start_server();
  const std::string u = server->url() + "same?size=5000";
  const std::string file = write_file("urls_head_get.txt", "GET " + u + "\nHEAD " + u + "\n");
  Outcome o = run_inprocess(for_mode(
      {"--urls", file, "--mode", GetParam(), "-n", "20", "-c", "1", "--timeout", "2s", "--json"}));
  ASSERT_EQ(o.code, kExitOk) << o.err;
  const auto run = first_run(o);
  EXPECT_EQ(run.at("succeeded").as_int64(), 20);
  EXPECT_EQ(run.at("connections").as_int64(), 1);
  // 20 equal headers and 10 bodies of 5000 bytes, to the byte.
  const std::int64_t headers = run.at("bytes_received").as_int64() - 10 * 5000;
  EXPECT_EQ(headers % 20, 0) << headers;
  EXPECT_GT(headers / 20, 40);
  EXPECT_LT(headers / 20, 400);
}

TEST(Urls, TextReportHasATableOfLines) {
  auto server = start_server();
  const std::string u = server->url();
  const std::string file = write_file("urls_text.txt", u + "x\n" + u + "y\n");
  Outcome o = run_inprocess({"--urls", file, "-n", "6", "-c", "2"});
  ASSERT_EQ(o.code, kExitOk) << o.err;
  EXPECT_NE(o.out.find("per request line"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("GET " + u + "y"), std::string::npos) << o.out;
}
