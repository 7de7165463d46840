// The async client over HTTP/2: request slots ("lanes") share a connection as streams, up to
// --streams of them (and never more than the server's SETTINGS_MAX_CONCURRENT_STREAMS). Each
// lane is one request in flight, as an HTTP/1.1 lane is, so the run loop, the schedule and -c
// mean the same for both protocols; only how a lane's request travels differs.
//
// A group of lanes has one current connection. A reader coroutine feeds what it reads to the
// connection's codec, which ends streams and wakes their lanes; a writer coroutine writes what
// the codec has to send (a lane writes its own request directly when the writer is idle, over
// plain TCP). When the server sends GOAWAY, the group opens a new connection for new streams
// while the old one finishes its own.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "httpbench/codec/http2_codec.hpp"
#include "httpbench/engine/async_transport.hpp"

namespace httpbench::async {

struct Http2Connection;
struct Http2Lane;

// The lanes that share connections, and the connection new streams go to.
struct Http2Group {
  Http2Group(const ClientConfig& config, std::uint32_t streams);

  // Wakes the lanes waiting for the connection to open or for a free stream.
  void notify();
  // The run is over: closes the connections still open (the current one, and one draining after
  // a GOAWAY whose server keeps it open), so their readers and writers end.
  void close();

  const ClientConfig& config;
  std::uint32_t streams;
  std::shared_ptr<Http2Connection> current;
  // Every connection opened, to close at the end (a few per group: one per GOAWAY).
  std::vector<std::weak_ptr<Http2Connection>> opened;
  // Lanes waiting; at most one per lane, so its capacity is reserved once.
  std::vector<Http2Lane*> waiting;
};

struct Http2Lane {
  Http2Lane(const AsyncExecutor& executor, Http2Group& group);

  // Request number `number`, as the HTTP/1.1 lane's exchange: on a stream of the group's
  // connection, opened first when needed; a refused stream is sent again once on a new
  // connection; its own deadline cancels only its stream.
  Task<ExchangeEnd> exchange(Recorder& recorder, Clock::time_point intended, std::uint64_t number,
                             Clock::time_point start);

  Http2Group& group;
  // Open-loop waits.
  AsyncTimer timer;
  // Woken when the stream ends or the group changes; its expiry is the request's deadline.
  AsyncTimer wake;
  Http2Stream stream;

 private:
  // A connection that can take a new stream now, opened when there is none (null: the request
  // failed and `x` recorded why). `reused`: streams went out on it before.
  Task<std::shared_ptr<Http2Connection>> acquire(Exchange& x, bool& reused);
  Task<std::shared_ptr<Http2Connection>> connect_new(Exchange& x);
  // Waits on `wake` until it is cancelled or `deadline` passes; false when it passed.
  Task<bool> wait_until(Clock::time_point deadline);
};

}  // namespace httpbench::async
