// libFuzzer target: bytes from a server, through the client's parsing path, to the recorded
// result. The bytes are fed through Beast's http::read in small, varying pieces, as a socket
// would deliver them; every outcome must be a success or a categorised failure.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>

#include "httpbench/codec/response_parser.hpp"
#include "httpbench/connection/failure.hpp"
#include "httpbench/stats/error.hpp"
#include "httpbench/stats/recorder.hpp"

namespace {

// A SyncReadStream over a fixed byte string, delivering at most `piece` bytes per read.
class MemoryStream {
 public:
  MemoryStream(std::string_view data, std::size_t piece) : data_(data), piece_(piece) {}

  template <class MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers, boost::system::error_code& ec) {
    if (data_.empty()) {
      ec = boost::asio::error::eof;
      return 0;
    }
    const std::size_t n = boost::asio::buffer_copy(
        buffers, boost::asio::buffer(data_.data(), std::min(piece_, data_.size())));
    data_.remove_prefix(n);
    ec = {};
    return n;
  }
  template <class MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers) {
    boost::system::error_code ec;
    const std::size_t n = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

 private:
  std::string_view data_;
  std::size_t piece_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks the delivery piece size and a small header limit, so limits and reads
  // split at awkward places are both explored.
  const std::size_t piece = 1 + data[0] % 64;
  const std::uint32_t header_limit = data[0] & 0x80 ? 1024 : 64 * 1024;
  MemoryStream stream(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), piece);
  boost::beast::flat_buffer buffer;
  httpbench::Recorder recorder;
  // Keep-alive: read responses until the stream ends or fails, as a connection would.
  for (int response = 0; response < 16; ++response) {
    recorder.record_started();
    boost::system::error_code ec;
    std::uint64_t bytes = 0;
    unsigned status = 0;
    do {
      httpbench::ResponseParser parser(header_limit);
      bytes += boost::beast::http::read(stream, buffer, parser, ec);
      status = parser.status();
    } while (!ec && httpbench::is_interim_status(status));
    if (ec) {
      recorder.record_failure(httpbench::classify(ec, httpbench::Phase::read), ec.message());
      break;
    }
    recorder.record_success(status, 1000, 1000, bytes);
  }
  if (recorder.started() != recorder.succeeded() + recorder.failed()) std::abort();
  return 0;
}
