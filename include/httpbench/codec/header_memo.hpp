// The last response header a connection read, byte for byte, with what Beast's parser made of it.
//
// Parsing the header was more than half of the client's instructions per request (5.2k of 9.2k
// against nginx's eight header lines): Beast validates every field and looks each name up. A
// server under load sends the same header again and again, save for a Date line that changes once
// a second; the parser is a function of the bytes (and of the request being HEAD), so when the
// next header is the same bytes, its result is the remembered one, and only a comparison is paid.
// Only headers whose body length the header alone decides (Content-Length, or no body) are
// remembered; chunked bodies and bodies ending with the connection always go through Beast.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace httpbench {

struct ResponseHead {
  unsigned status = 0;
  bool keep_alive = false;
  // Body bytes that follow the header (0 for HEAD, 1xx, 204 and 304 responses).
  std::uint64_t body_length = 0;
  // The Location header, when it was asked for.
  std::string location;
};

class HeaderMemo {
 public:
  // The length of the remembered header when `data` starts with exactly its bytes and it was
  // parsed for the same kind of request; 0 otherwise.
  std::size_t match(std::string_view data, bool head_request) const {
    if (header_.empty() || head_request != head_request_ || data.size() < header_.size()) return 0;
    return data.compare(0, header_.size(), header_) == 0 ? header_.size() : 0;
  }
  const ResponseHead& head() const { return head_; }
  // `header`: the complete header bytes Beast parsed into `head`, for a request that was (or was
  // not) HEAD.
  void remember(std::string_view header, bool head_request, const ResponseHead& head) {
    header_.assign(header.data(), header.size());
    head_request_ = head_request;
    head_ = head;
  }

 private:
  std::string header_;
  bool head_request_ = false;
  ResponseHead head_;
};

}  // namespace httpbench
