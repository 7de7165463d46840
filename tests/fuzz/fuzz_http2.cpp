// libFuzzer target: the HTTP/2 codec reading what a server sends. Three requests (one with a
// body) are in flight; the input is fed in chunks whose sizes its first byte picks, with the
// codec's output drained between them, then the connection ends. Any crash, leak or sanitizer
// report is a bug, and so is a stream that does not end exactly once.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "httpbench/codec/http1.hpp"
#include "httpbench/codec/http2_codec.hpp"
#include "httpbench/codec/http2_error.hpp"

namespace {

struct Requests {
  Requests() {
    httpbench::RequestSpec get;
    get.target.scheme = "http";
    get.target.host = "127.0.0.1";
    get.target.port = 8080;
    get.target.target = "/x?y=1";
    httpbench::RequestSpec post = get;
    post.method = "POST";
    post.body = std::make_shared<const std::string>(70000, 'b');
    this->get = httpbench::PreparedRequest(get);
    this->post = httpbench::PreparedRequest(post);
  }
  httpbench::PreparedRequest get;
  httpbench::PreparedRequest post;
};

int ends[3];

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Requests requests;
  httpbench::ResponseSettings settings;
  settings.max_header_size = 4096;
  settings.keep_location = true;
  httpbench::Http2Codec codec(settings, 8, [](httpbench::Http2Stream& s) {
    ++ends[reinterpret_cast<std::uintptr_t>(s.owner)];
  });
  codec.start();
  httpbench::Http2Stream streams[3];
  for (int i = 0; i < 3; ++i) {
    ends[i] = 0;
    streams[i].owner = reinterpret_cast<void*>(static_cast<std::uintptr_t>(i));
  }
  int submitted = 0;
  auto submit_all = [&] {
    while (submitted < 3 && codec.can_submit()) {
      const auto& r = submitted == 1 ? requests.post : requests.get;
      if (codec.submit(r, streams[submitted], httpbench::Clock::now())) break;
      ++submitted;
    }
  };
  submit_all();
  std::size_t chunk = size > 0 ? 1 + data[0] % 64 : 1;
  std::size_t at = size > 0 ? 1 : 0;
  bool alive = true;
  while (alive && at < size) {
    while (!codec.output().empty())
      codec.consumed(codec.output().size());
    const std::size_t n = std::min(chunk, size - at);
    if (codec.on_read(data + at, n)) alive = false;
    at += n;
    submit_all();
    if (submitted == 3 && streams[0].open) codec.cancel(streams[0]);
  }
  codec.fail_all(httpbench::Http2Error::connection_closed);
  for (int i = 0; i < submitted; ++i) {
    const bool cancelled = i == 0 && ends[0] == 0 && !streams[0].open;
    if (ends[i] != 1 && !cancelled) std::abort();
  }
  return 0;
}
