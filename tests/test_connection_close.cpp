// A connection the server says it will close is closed by the client only once the server's FIN
// is in: the TIME_WAIT then stays on the server's side, and a long run without keep-alive does
// not hold a local port per connection for a minute.
#include <gtest/gtest.h>

#include "closed_first.hpp"
#include "httpbench/serve/serve.hpp"
#include "test_support.hpp"

using namespace httpbench;
using namespace httpbench::test;

namespace {

class ClosesAfterTheServer : public ::testing::TestWithParam<const char*> {};

}  // namespace

TEST_P(ClosesAfterTheServer, LeavesNoTimeWaitOnTheClientsSide) {
  auto server = start_server();
  // A test that ran before may have had a server on this port number and left client-side
  // TIME_WAITs toward it (idle keep-alive connections closed by the client at the end of a run):
  // they may expire during this run, but none may be added.
  const int before = closed_first(server->port(), true);
  Outcome o = run_inprocess(for_mode(
      {"--mode", GetParam(), "-n", "300", "-c", "1", "--no-keep-alive", "--json", server->url()}));
  ASSERT_EQ(o.code, 0) << o.err;
  auto run = first_run(o);
  EXPECT_EQ(run.at("succeeded").as_int64(), 300);
  EXPECT_EQ(run.at("connections").as_int64(), 300);
  // The client's sockets (remote port = the server's) closed after the server's FIN, passively.
  EXPECT_LE(closed_first(server->port(), true), before);
  // The server closed first: its side holds them.
  EXPECT_GT(closed_first(server->port(), false), 0);
}

INSTANTIATE_TEST_SUITE_P(Modes, ClosesAfterTheServer,
                         ::testing::Values("sync", "threads", "async"));
