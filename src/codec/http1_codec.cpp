#include "httpbench/codec/http1_codec.hpp"

#include <boost/beast/http/error.hpp>

#include "httpbench/stats/error.hpp"

namespace httpbench {

namespace http = boost::beast::http;
using boost::system::error_code;

Http1Codec::Http1Codec(const ResponseSettings& settings) : settings_(settings) {}

Http1Codec::~Http1Codec() = default;

void Http1Codec::begin_connect_answer() {
  connect_answer_ = true;
  reader_.reset();
  parser_.emplace(settings_.max_header_size);
  parser_->skip(true);
  reader_.emplace(*parser_, memo_, true);
}

void Http1Codec::expect_response(bool head) {
  head_ = head;
  reader_.reset();
  parser_.emplace(settings_.max_header_size);
  if (head) parser_->skip(true);
  if (settings_.keep_location) parser_->keep_location();
  parser_->offer_server_to(settings_.first_contact);
  reader_.emplace(*parser_, memo_, head);
}

error_code Http1Codec::on_complete(Transfer& t) {
  if (connect_answer_) return {};
  if (is_interim_status(t.status)) {
    // 100 Continue, 102, 103: the final response to the same request follows.
    expect_response(head_);
    return http::error::need_more;
  }
  t.finish(write_start_, reader_->header_done());
  return {};
}

error_code Http1Codec::on_read(boost::beast::flat_buffer& buffer, Transfer& t) {
  for (;;) {
    const error_code ec = reader_->consume(buffer, t);
    if (ec) return ec;
    const error_code done = on_complete(t);
    if (done != http::error::need_more || buffer.size() == 0) return done;
  }
}

error_code Http1Codec::on_end_of_stream(Transfer& t) {
  error_code ec = reader_->end_of_stream(t);
  if (!ec) ec = on_complete(t);
  // An interim response and then the end: the final response never came.
  if (ec == http::error::need_more) ec = reader_->end_of_stream(t);
  return ec;
}

}  // namespace httpbench
