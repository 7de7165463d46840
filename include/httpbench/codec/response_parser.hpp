// A response parser that keeps the status and counts the body without storing it, so reading a
// response allocates nothing. Construct one per response (Beast parsers are single-use).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/beast/http/basic_parser.hpp>

#include "httpbench/codec/first_contact.hpp"
#include "httpbench/codec/transfer.hpp"

namespace httpbench {

class ResponseParser : public boost::beast::http::basic_parser<false> {
 public:
  explicit ResponseParser(std::uint32_t max_header_size) {
    header_limit(max_header_size);
    body_limit(boost::none);  // the body is counted, never kept
  }
  unsigned status() const { return status_; }
  // The Location header, when keep_location() was asked for.
  const std::string& location() const { return location_; }
  void keep_location() { keep_location_ = true; }
  // Offers the Server header to `first` while it still wants one (null: never).
  void offer_server_to(FirstContact* first) {
    if (first != nullptr && first->wants_server()) first_contact_ = first;
  }
  // Body bytes after any chunked framing is removed.
  std::uint64_t body_bytes() const { return body_bytes_; }

 private:
  using error_code = boost::beast::error_code;
  using string_view = boost::beast::string_view;
  using field = boost::beast::http::field;
  using verb = boost::beast::http::verb;

  void on_request_impl(verb, string_view, string_view, int, error_code&) override {}
  void on_response_impl(int code, string_view, int, error_code&) override {
    status_ = static_cast<unsigned>(code);
  }
  void on_field_impl(field name, string_view, string_view value, error_code&) override {
    // Kept only when redirects are followed, so that plain runs allocate nothing here.
    if (keep_location_ && name == field::location) location_.assign(value.data(), value.size());
    // Once per run: the first client to see a Server header copies it; later parsers skip this.
    if (first_contact_ != nullptr && name == field::server) first_contact_->offer_server(value);
  }
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}
  std::size_t on_body_impl(string_view body, error_code&) override {
    body_bytes_ += body.size();
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override {
    body_bytes_ += body.size();
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  unsigned status_ = 0;
  bool keep_location_ = false;
  FirstContact* first_contact_ = nullptr;
  std::string location_;
  std::uint64_t body_bytes_ = 0;
};

}  // namespace httpbench
