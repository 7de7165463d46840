#include "httpbench/codec/http2_codec.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include <nghttp2/nghttp2.h>

#include "httpbench/codec/first_contact.hpp"
#include "httpbench/codec/http2_error.hpp"

namespace httpbench {

using boost::system::error_code;

namespace {

// Flow-control windows as large as HTTP/2 allows (h2load's choice): a large body measures the
// server, not a window waiting for WINDOW_UPDATE.
constexpr std::int32_t kLargestWindow = (1 << 30) - 1;
// Output gathered per output() call before the driver writes it.
constexpr std::size_t kOutputBatch = 64 * 1024;
// Every frame starts with a 9-byte header (RFC 9113, 4.1).
constexpr std::uint64_t kFrameHeaderSize = 9;

std::string_view view(const std::uint8_t* p, std::size_t n) {
  return {reinterpret_cast<const char*>(p), n};
}

Http2Stream* stream_of(nghttp2_session* session, std::int32_t id) {
  return static_cast<Http2Stream*>(nghttp2_session_get_stream_user_data(session, id));
}

// The header list of a request, pointing into its PreparedRequest (nghttp2 copies it).
std::vector<nghttp2_nv>& header_list(const PreparedRequest& request) {
  thread_local std::vector<nghttp2_nv> nva;
  nva.clear();
  for (const Header& h : request.http2) {
    nva.push_back({reinterpret_cast<std::uint8_t*>(const_cast<char*>(h.name.data())),
                   reinterpret_cast<std::uint8_t*>(const_cast<char*>(h.value.data())),
                   h.name.size(), h.value.size(), NGHTTP2_NV_FLAG_NONE});
  }
  return nva;
}

ssize_t read_body(nghttp2_session*, std::int32_t stream_id, std::uint8_t* buf, std::size_t length,
                  std::uint32_t* flags, nghttp2_data_source* source, void*) {
  auto* s = static_cast<Http2Stream*>(source->ptr);
  // A stream cancelled and its object reused for the next request: not this stream's body.
  if (s->id != stream_id || !s->body) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
  const std::size_t n = std::min(length, s->body->size() - s->body_sent);
  std::memcpy(buf, s->body->data() + s->body_sent, n);
  s->body_sent += n;
  if (s->body_sent == s->body->size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
  return static_cast<ssize_t>(n);
}

}  // namespace

// nghttp2's callbacks, with access to the codec.
struct Http2Callbacks {
  static Http2Codec& codec(void* user) { return *static_cast<Http2Codec*>(user); }

  static int on_begin_frame(nghttp2_session* session, const nghttp2_frame_hd* hd, void*) {
    if (hd->stream_id == 0) return 0;
    if (hd->type == NGHTTP2_HEADERS || hd->type == NGHTTP2_CONTINUATION ||
        hd->type == NGHTTP2_DATA) {
      if (Http2Stream* s = stream_of(session, hd->stream_id)) {
        // Frame header and payload: the stream's share of the bytes on the wire.
        s->transfer.bytes += kFrameHeaderSize + hd->length;
        s->transfer.got_response_bytes = true;
      }
    }
    return 0;
  }

  static int on_begin_headers(nghttp2_session* session, const nghttp2_frame* frame, void*) {
    if (Http2Stream* s = stream_of(session, frame->hd.stream_id)) s->header_bytes = 0;
    return 0;
  }

  static int on_header(nghttp2_session* session, const nghttp2_frame* frame,
                       const std::uint8_t* name, std::size_t namelen, const std::uint8_t* value,
                       std::size_t valuelen, std::uint8_t, void* user) {
    Http2Stream* s = stream_of(session, frame->hd.stream_id);
    if (!s) return 0;
    Http2Codec& c = codec(user);
    // RFC 9113's size of a header list: name, value and 32 bytes each.
    s->header_bytes += namelen + valuelen + 32;
    if (s->header_bytes > c.settings_.max_header_size) {
      s->transfer.ec = Http2Error::header_too_large;
      // nghttp2 resets the stream; its close reports the error above.
      return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    }
    const std::string_view n = view(name, namelen);
    if (n == ":status") {
      unsigned status = 0;
      for (std::size_t i = 0; i < valuelen; ++i)
        status = status * 10 + static_cast<unsigned>(value[i] - '0');
      s->transfer.status = status;
    } else if (n == "location") {
      if (c.settings_.keep_location) s->transfer.location.assign(view(value, valuelen));
    } else if (n == "server") {
      if (c.settings_.first_contact && c.settings_.first_contact->wants_server()) {
        c.settings_.first_contact->offer_server(view(value, valuelen));
      }
    }
    return 0;
  }

  static int on_frame_recv(nghttp2_session* session, const nghttp2_frame* frame, void* user) {
    Http2Codec& c = codec(user);
    switch (frame->hd.type) {
      case NGHTTP2_SETTINGS:
        if ((frame->hd.flags & NGHTTP2_FLAG_ACK) == 0) c.settings_received_ = true;
        return 0;
      case NGHTTP2_GOAWAY:
        c.goaway_received_ = true;
        c.goaway_error_ = frame->goaway.error_code;
        return 0;
      case NGHTTP2_HEADERS:
      case NGHTTP2_DATA:
        break;
      default:
        return 0;
    }
    Http2Stream* s = stream_of(session, frame->hd.stream_id);
    if (!s) return 0;
    if (frame->hd.type == NGHTTP2_HEADERS && !s->header_done) {
      // 1xx: the final response follows on the same stream.
      if (is_interim_status(s->transfer.status)) return 0;
      s->header_done = true;
      s->header_at = c.batch_now();
    }
    if ((frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0 && s->header_done) {
      s->complete = true;
      Transfer& t = s->transfer;
      t.finished_at = c.batch_now();
      t.ttfb_ns = elapsed_ns(s->write_start, s->header_at);
      t.body_ns = elapsed_ns(s->header_at, t.finished_at);
    }
    return 0;
  }

  static int on_stream_close(nghttp2_session* session, std::int32_t stream_id,
                             std::uint32_t error_code, void* user) {
    Http2Codec& c = codec(user);
    if (c.open_ > 0) --c.open_;
    Http2Stream* s = stream_of(session, stream_id);
    if (!s) return 0;
    Transfer& t = s->transfer;
    if (!s->complete && !t.ec) {
      t.ec = error_code == NGHTTP2_REFUSED_STREAM ? Http2Error::refused_stream
                                                  : Http2Error::stream_reset;
    }
    if (s->complete) t.ec = {};
    c.end_stream(*s);
    return 0;
  }

  static int on_frame_not_send(nghttp2_session* session, const nghttp2_frame* frame, int,
                               void* user) {
    // A request the session could not start (a GOAWAY crossed it): it was never processed.
    if (frame->hd.type != NGHTTP2_HEADERS) return 0;
    if (Http2Stream* s = stream_of(session, frame->hd.stream_id)) {
      s->transfer.ec = Http2Error::refused_stream;
    }
    (void)user;
    return 0;
  }
};

Http2Codec::Http2Codec(const ResponseSettings& settings, std::uint32_t max_streams,
                       StreamEnded on_end)
    : settings_(settings), max_streams_(std::max<std::uint32_t>(1, max_streams)), on_end_(on_end) {
  out_.reserve(kOutputBatch + 16 * 1024);
}

Http2Codec::~Http2Codec() {
  if (session_) nghttp2_session_del(session_);
}

void Http2Codec::start() {
  if (session_) nghttp2_session_del(session_);
  session_ = nullptr;
  streams_ = nullptr;
  open_ = 0;
  dead_ = false;
  settings_received_ = false;
  goaway_error_ = 0;
  goaway_received_ = false;
  out_.clear();
  out_pos_ = 0;

  nghttp2_session_callbacks* callbacks = nullptr;
  nghttp2_session_callbacks_new(&callbacks);
  nghttp2_session_callbacks_set_on_begin_frame_callback(callbacks, Http2Callbacks::on_begin_frame);
  nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks,
                                                          Http2Callbacks::on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, Http2Callbacks::on_header);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, Http2Callbacks::on_frame_recv);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks,
                                                         Http2Callbacks::on_stream_close);
  nghttp2_session_callbacks_set_on_frame_not_send_callback(callbacks,
                                                           Http2Callbacks::on_frame_not_send);
  nghttp2_session_client_new(&session_, callbacks, this);
  nghttp2_session_callbacks_del(callbacks);

  const nghttp2_settings_entry entries[] = {
      {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, static_cast<std::uint32_t>(kLargestWindow)}};
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, entries, std::size(entries));
  nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0, kLargestWindow);
}

bool Http2Codec::closing() const {
  return dead_ || !session_ || goaway_received_ ||
         nghttp2_session_check_request_allowed(session_) == 0;
}

bool Http2Codec::finished() const {
  return dead_ || !session_ ||
         (nghttp2_session_want_read(session_) == 0 && nghttp2_session_want_write(session_) == 0);
}

bool Http2Codec::can_submit() const {
  if (closing()) return false;
  std::uint32_t limit = 1;
  if (settings_received_) {
    limit = std::min(max_streams_, nghttp2_session_get_remote_settings(
                                       session_, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS));
  }
  return open_ < limit;
}

error_code Http2Codec::submit(const PreparedRequest& request, Http2Stream& stream,
                              Clock::time_point write_start) {
  stream.transfer = Transfer{};
  stream.transfer.phase = Phase::read;
  stream.transfer.keep_alive = true;
  stream.complete = false;
  stream.header_done = false;
  stream.write_start = write_start;
  stream.header_bytes = 0;
  stream.body =
      request.spec.body && !request.spec.body->empty() ? request.spec.body.get() : nullptr;
  stream.body_sent = 0;
  if (!can_submit()) return Http2Error::refused_stream;

  nghttp2_data_provider provider{};
  provider.source.ptr = &stream;
  provider.read_callback = read_body;
  std::vector<nghttp2_nv>& nva = header_list(request);
  // The id is known only now; the body's callback checks it.
  stream.id = -1;
  const std::int32_t id = nghttp2_submit_request(session_, nullptr, nva.data(), nva.size(),
                                                 stream.body ? &provider : nullptr, &stream);
  if (id < 0) return Http2Error::protocol_error;
  stream.id = id;
  ++open_;
  link(stream);
  return {};
}

void Http2Codec::cancel(Http2Stream& stream) {
  if (!stream.open) return;
  unlink(stream);
  if (session_ && !dead_) {
    nghttp2_session_set_stream_user_data(session_, stream.id, nullptr);
    nghttp2_submit_rst_stream(session_, NGHTTP2_FLAG_NONE, stream.id, NGHTTP2_CANCEL);
  }
}

std::string_view Http2Codec::output() {
  if (out_pos_ >= out_.size()) {
    out_.clear();
    out_pos_ = 0;
  }
  // A dead session still hands out what it queued: the GOAWAY that says why.
  while (session_ && out_.size() < kOutputBatch) {
    const std::uint8_t* data = nullptr;
    const ssize_t n = nghttp2_session_mem_send(session_, &data);
    if (n <= 0) break;
    out_.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
  }
  return std::string_view(out_).substr(out_pos_);
}

bool Http2Codec::wants_write() const {
  return out_pos_ < out_.size() || (session_ && nghttp2_session_want_write(session_) != 0);
}

error_code Http2Codec::on_read(const std::uint8_t* data, std::size_t size) {
  if (!session_ || dead_) return Http2Error::connection_closed;
  batch_now_read_ = false;
  const ssize_t n = nghttp2_session_mem_recv(session_, data, size);
  batch_now_read_ = false;
  const error_code broken = settings_received_ ? Http2Error::protocol_error : Http2Error::not_http2;
  if (n < 0) return broken;
  // No new stream allowed without the server's GOAWAY: the session found a connection error (a
  // bad frame, a compression error) and queued its own GOAWAY, which output() still hands out.
  if (!goaway_received_ && nghttp2_session_check_request_allowed(session_) == 0) return broken;
  return {};
}

void Http2Codec::fail_all(error_code ec) {
  if (!settings_received_) {
    ec = Http2Error::not_http2;
  } else if (goaway_received_ && goaway_error_ != NGHTTP2_NO_ERROR) {
    ec = Http2Error::goaway;
  }
  dead_ = true;
  open_ = 0;
  while (Http2Stream* s = streams_) {
    if (session_) nghttp2_session_set_stream_user_data(session_, s->id, nullptr);
    s->transfer.ec = ec;
    end_stream(*s);
  }
}

void Http2Codec::link(Http2Stream& s) {
  s.open = true;
  s.prev = nullptr;
  s.next = streams_;
  if (streams_) streams_->prev = &s;
  streams_ = &s;
}

void Http2Codec::unlink(Http2Stream& s) {
  if (!s.open) return;
  s.open = false;
  if (s.prev) s.prev->next = s.next;
  if (s.next) s.next->prev = s.prev;
  if (streams_ == &s) streams_ = s.next;
  s.prev = s.next = nullptr;
}

void Http2Codec::end_stream(Http2Stream& s) {
  unlink(s);
  on_end_(s);
}

Clock::time_point Http2Codec::batch_now() {
  if (!batch_now_read_) {
    batch_now_ = Clock::now();
    batch_now_read_ = true;
  }
  return batch_now_;
}

}  // namespace httpbench
