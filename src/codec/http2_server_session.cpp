#include "httpbench/codec/http2_server_session.hpp"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <new>
#include <string>
#include <vector>

namespace httpbench {

namespace {

// The window advertised for each stream and for the connection, as h2load's: request bodies flow
// without waiting for WINDOW_UPDATEs (nghttp2 sends those as data is received).
constexpr std::int32_t kWindow = (1 << 30) - 1;
// pending_output gathers frames up to this much, so that many small responses go out in one write.
constexpr std::size_t kOutputBatch = 64 * 1024;

std::string_view view(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

nghttp2_nv header_field(std::string_view name, std::string_view value) {
  // nghttp2 copies names and values at submission (no NO_COPY flags), so views of locals do.
  return nghttp2_nv{reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
                    reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())), name.size(),
                    value.size(), NGHTTP2_NV_FLAG_NONE};
}

}  // namespace

struct Http2ServerSession::Impl {
  // One request and its response; reused for later streams once closed.
  struct Stream {
    std::int32_t id = 0;
    std::string method;
    std::string path;
    std::uint64_t body_bytes = 0;
    // Told to the handler (on_request), and answered (submit_response).
    bool reported = false;
    bool answered = false;
    std::uint64_t tag = 0;
    // The response body still to send: taken from `block` from `block_offset` on, round and round.
    std::string_view block;
    std::size_t block_offset = 0;
    std::uint64_t body_left = 0;
    // A text body's own copy.
    std::string text;
  };

  Impl(const Http2ServerSettings& s, Http2RequestHandler& h) : settings(s), handler(h) {
    nghttp2_session_callbacks* callbacks = nullptr;
    if (nghttp2_session_callbacks_new(&callbacks) != 0) throw std::bad_alloc();
    nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(callbacks, on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, on_data_chunk);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, on_frame_recv);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, on_stream_close);
    nghttp2_option* option = nullptr;
    if (nghttp2_option_new(&option) != 0) {
      nghttp2_session_callbacks_del(callbacks);
      throw std::bad_alloc();
    }
    // Closed streams are not kept for priority: a stream's user data then never outlives it.
    nghttp2_option_set_no_closed_streams(option, 1);
    const int rv = nghttp2_session_server_new2(&session, callbacks, this, option);
    nghttp2_option_del(option);
    nghttp2_session_callbacks_del(callbacks);
    if (rv != 0) throw std::bad_alloc();
    const nghttp2_settings_entry entries[] = {
        {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, settings.max_concurrent_streams},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, static_cast<std::uint32_t>(kWindow)},
    };
    nghttp2_submit_settings(session, NGHTTP2_FLAG_NONE, entries, std::size(entries));
    nghttp2_session_set_local_window_size(session, NGHTTP2_FLAG_NONE, 0, kWindow);
    output.reserve(kOutputBatch + 16 * 1024 + 64);
    fields.reserve(8);
  }

  ~Impl() { nghttp2_session_del(session); }

  Stream* stream(std::int32_t id) const {
    auto* s = static_cast<Stream*>(nghttp2_session_get_stream_user_data(session, id));
    return s != nullptr && s->id == id ? s : nullptr;
  }

  Stream* acquire(std::int32_t id) {
    Stream* s = nullptr;
    if (free_streams.empty()) {
      streams.push_back(std::make_unique<Stream>());
      s = streams.back().get();
    } else {
      s = free_streams.back();
      free_streams.pop_back();
    }
    s->id = id;
    s->method.clear();
    s->path.clear();
    s->body_bytes = 0;
    s->reported = false;
    s->answered = false;
    s->tag = 0;
    s->body_left = 0;
    return s;
  }

  void release(Stream* s) {
    s->id = 0;
    free_streams.push_back(s);
  }

  void goaway(std::int32_t last_stream) {
    if (goaway_submitted) return;
    goaway_submitted = true;
    goaway_last_stream = last_stream;
    nghttp2_submit_goaway(session, NGHTTP2_FLAG_NONE, last_stream, NGHTTP2_NO_ERROR, nullptr, 0);
  }

  static Impl& self(void* user_data) { return *static_cast<Impl*>(user_data); }

  static bool is_request(const nghttp2_frame* frame) {
    return frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST;
  }

  static int on_begin_headers(nghttp2_session* session, const nghttp2_frame* frame, void* ud) {
    Impl& s = self(ud);
    const std::int32_t id = frame->hd.stream_id;
    // A stream above a GOAWAY's last stream is not served; nghttp2 closes it once the GOAWAY is
    // out.
    if (!is_request(frame) || (s.goaway_submitted && id > s.goaway_last_stream)) return 0;
    nghttp2_session_set_stream_user_data(session, id, s.acquire(id));
    ++s.streams_begun;
    if (s.settings.max_requests != 0 && s.streams_begun >= s.settings.max_requests) s.goaway(id);
    return 0;
  }

  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name,
                       std::size_t name_length, const std::uint8_t* value, std::size_t value_length,
                       std::uint8_t, void* ud) {
    if (!is_request(frame)) return 0;
    Stream* st = self(ud).stream(frame->hd.stream_id);
    if (st == nullptr) return 0;
    const std::string_view n = view(name, name_length);
    if (n == ":method") {
      st->method.assign(view(value, value_length));
    } else if (n == ":path") {
      st->path.assign(view(value, value_length));
    }
    return 0;
  }

  static int on_data_chunk(nghttp2_session*, std::uint8_t, std::int32_t id, const std::uint8_t*,
                           std::size_t length, void* ud) {
    if (Stream* st = self(ud).stream(id)) st->body_bytes += length;
    return 0;
  }

  static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* ud) {
    if ((frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) ||
        (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) == 0) {
      return 0;
    }
    Impl& s = self(ud);
    Stream* st = s.stream(frame->hd.stream_id);
    if (st == nullptr || st->reported) return 0;
    st->reported = true;
    ++s.requests;
    s.handler.on_request(Http2Request{st->id, st->method, st->path, st->body_bytes});
    return 0;
  }

  static int on_stream_close(nghttp2_session* session, std::int32_t id, std::uint32_t, void* ud) {
    Impl& s = self(ud);
    Stream* st = s.stream(id);
    if (st == nullptr) return 0;
    nghttp2_session_set_stream_user_data(session, id, nullptr);
    const bool reported = st->reported;
    const bool answered = st->answered;
    const std::uint64_t tag = st->tag;
    s.release(st);
    if (reported) s.handler.on_stream_end(id, answered, tag);
    return 0;
  }

  static ssize_t read_body(nghttp2_session*, std::int32_t, std::uint8_t* buffer, std::size_t length,
                           std::uint32_t* data_flags, nghttp2_data_source* source, void*) {
    Stream& st = *static_cast<Stream*>(source->ptr);
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(length, st.body_left));
    for (std::size_t done = 0; done < n;) {
      const std::size_t k = std::min(n - done, st.block.size() - st.block_offset);
      std::memcpy(buffer + done, st.block.data() + st.block_offset, k);
      done += k;
      st.block_offset += k;
      if (st.block_offset == st.block.size()) st.block_offset = 0;
    }
    st.body_left -= n;
    if (st.body_left == 0) *data_flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
  }

  Http2ServerSettings settings;
  Http2RequestHandler& handler;
  nghttp2_session* session = nullptr;
  // The bytes handed out by pending_output, reused.
  std::string output;
  // Header fields of a response being submitted, reused.
  std::vector<nghttp2_nv> fields;
  // Every stream object made so far, and the free ones among them.
  std::vector<std::unique_ptr<Stream>> streams;
  std::vector<Stream*> free_streams;
  std::uint64_t requests = 0;
  std::uint64_t streams_begun = 0;
  bool goaway_submitted = false;
  std::int32_t goaway_last_stream = 0;
  // A fatal input error, or finish(): nothing more is read, written or submitted.
  bool ended = false;
};

Http2ServerSession::Http2ServerSession(const Http2ServerSettings& settings,
                                       Http2RequestHandler& handler)
    : impl_(std::make_unique<Impl>(settings, handler)) {}

Http2ServerSession::~Http2ServerSession() = default;

bool Http2ServerSession::receive(std::string_view bytes) {
  Impl& s = *impl_;
  if (s.ended) return false;
  const ssize_t rv = nghttp2_session_mem_recv(
      s.session, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  if (rv < 0) s.ended = true;
  return rv >= 0;
}

std::string_view Http2ServerSession::pending_output() {
  Impl& s = *impl_;
  s.output.clear();
  while (!s.ended && s.output.size() < kOutputBatch) {
    const std::uint8_t* data = nullptr;
    const ssize_t n = nghttp2_session_mem_send(s.session, &data);
    if (n < 0) s.ended = true;
    if (n <= 0) break;
    s.output.append(view(data, static_cast<std::size_t>(n)));
  }
  return s.output;
}

bool Http2ServerSession::submit_response(std::int32_t stream_id, const Http2Response& response) {
  Impl& s = *impl_;
  Impl::Stream* st = s.ended ? nullptr : s.stream(stream_id);
  if (st == nullptr || !st->reported || st->answered) return false;
  char status[16];
  char length[24];
  const auto status_end = std::to_chars(status, status + sizeof status, response.status).ptr;
  const auto length_end = std::to_chars(length, length + sizeof length, response.body.size()).ptr;
  s.fields.clear();
  s.fields.push_back(header_field(":status", std::string_view(status, status_end - status)));
  s.fields.push_back(header_field("content-length", std::string_view(length, length_end - length)));
  for (const Http2Header& h : response.headers)
    s.fields.push_back(header_field(h.name, h.value));
  nghttp2_data_provider provider{};
  const bool with_body = !response.headers_only && response.body.size() > 0;
  if (with_body) {
    if (response.body.copy()) {
      st->text.assign(response.body.block());
      st->block = st->text;
    } else {
      st->block = response.body.block();
    }
    st->block_offset = 0;
    st->body_left = response.body.size();
    provider.source.ptr = st;
    provider.read_callback = Impl::read_body;
  }
  if (nghttp2_submit_response(s.session, stream_id, s.fields.data(), s.fields.size(),
                              with_body ? &provider : nullptr) != 0) {
    return false;
  }
  st->answered = true;
  st->tag = response.tag;
  return true;
}

void Http2ServerSession::submit_goaway() {
  Impl& s = *impl_;
  if (!s.ended) s.goaway(nghttp2_session_get_last_proc_stream_id(s.session));
}

bool Http2ServerSession::alive() const {
  const Impl& s = *impl_;
  return !s.ended &&
         (nghttp2_session_want_read(s.session) != 0 || nghttp2_session_want_write(s.session) != 0);
}

void Http2ServerSession::finish() {
  Impl& s = *impl_;
  s.ended = true;
  for (const auto& owned : s.streams) {
    Impl::Stream* st = owned.get();
    if (st->id == 0) continue;
    const std::int32_t id = st->id;
    nghttp2_session_set_stream_user_data(s.session, id, nullptr);
    const bool reported = st->reported;
    const bool answered = st->answered;
    const std::uint64_t tag = st->tag;
    s.release(st);
    if (reported) s.handler.on_stream_end(id, answered, tag);
  }
}

std::uint64_t Http2ServerSession::requests() const {
  return impl_->requests;
}

}  // namespace httpbench
