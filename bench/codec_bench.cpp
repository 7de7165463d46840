// The client's CPU work per response in the HTTP/1.1 codec, without sockets: a kept-alive
// response read out of the connection's buffer (the header memo's path, as against a real server
// under load), the first response of a connection (a full parse), and a chunked response. Run it
// before and after a change to the request path: bench/README.md.
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>

#include "httpbench/codec/http1_codec.hpp"

using namespace httpbench;

namespace {

// nginx's answer to a GET of its default page, byte for byte but for the date.
const std::string kResponse =
    "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Mon, 07 Dec 2026 20:00:00 GMT\r\n"
    "Content-Type: text/html\r\nContent-Length: 615\r\nLast-Modified: Mon, 07 Dec 2026 "
    "19:00:00 GMT\r\nConnection: keep-alive\r\nETag: \"6938a1b0-267\"\r\nAccept-Ranges: "
    "bytes\r\n\r\n" +
    std::string(615, 'x');
const std::string kChunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n100\r\n" +
                             std::string(256, 'y') + "\r\n100\r\n" + std::string(256, 'y') +
                             "\r\n0\r\n\r\n";

PreparedRequest request() {
  RequestSpec spec;
  spec.target.scheme = "http";
  spec.target.host = "127.0.0.1";
  spec.target.port = 8080;
  return PreparedRequest(std::move(spec));
}

void read_one(Http1Codec& codec, boost::beast::flat_buffer& buffer, const PreparedRequest& r,
              std::string_view wire, benchmark::State& state) {
  benchmark::DoNotOptimize(codec.begin(r, Clock::now()));
  buffer.commit(boost::asio::buffer_copy(buffer.prepare(wire.size()),
                                         boost::asio::buffer(wire.data(), wire.size())));
  Transfer t;
  if (codec.on_read(buffer, t)) state.SkipWithError("response not complete");
  benchmark::DoNotOptimize(t);
}

void KeptAliveResponse(benchmark::State& state) {
  const PreparedRequest r = request();
  Http1Codec codec(ResponseSettings{});
  boost::beast::flat_buffer buffer;
  for (auto _ : state)
    read_one(codec, buffer, r, kResponse, state);
}
BENCHMARK(KeptAliveResponse);

void FirstResponseOfAConnection(benchmark::State& state) {
  const PreparedRequest r = request();
  boost::beast::flat_buffer buffer;
  for (auto _ : state) {
    Http1Codec codec(ResponseSettings{});
    read_one(codec, buffer, r, kResponse, state);
  }
}
BENCHMARK(FirstResponseOfAConnection);

void ChunkedResponse(benchmark::State& state) {
  const PreparedRequest r = request();
  Http1Codec codec(ResponseSettings{});
  boost::beast::flat_buffer buffer;
  for (auto _ : state)
    read_one(codec, buffer, r, kChunked, state);
}
BENCHMARK(ChunkedResponse);

}  // namespace

BENCHMARK_MAIN();
