#include "hostile_h2_server.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <map>
#include <string_view>
#include <utility>

namespace httpbench::test {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

// RFC 9113 §6: frame types, flags, settings and error codes used here.
enum : std::uint8_t {
  kData = 0,
  kHeaders = 1,
  kPriority = 2,
  kRstStream = 3,
  kSettings = 4,
  kPushPromise = 5,
  kPing = 6,
  kGoaway = 7,
  kWindowUpdate = 8,
  kContinuation = 9,
};
constexpr std::uint8_t kEndStream = 0x1;
constexpr std::uint8_t kAck = 0x1;
constexpr std::uint8_t kEndHeaders = 0x4;
constexpr std::uint16_t kMaxConcurrentStreams = 0x3;
constexpr std::uint16_t kInitialWindowSize = 0x4;
constexpr std::uint16_t kMaxFrameSize = 0x5;
constexpr std::uint32_t kNoError = 0;
constexpr std::uint32_t kInternalError = 2;
constexpr std::uint32_t kRefusedStream = 7;
constexpr std::uint32_t kCancel = 8;

// Both directions start with these (the peer never announces other values for them).
constexpr std::int64_t kDefaultWindow = 65535;
constexpr std::uint32_t kDefaultMaxFrame = 16384;
// The stream window the peer gives request bodies unless it wants them stuck: the largest
// allowed, so that only the connection window needs replenishing.
constexpr std::uint32_t kOpenWindow = 0x7fffffff;
// How long a closing connection keeps reading (and counting) the client's last frames.
constexpr auto kCloseGrace = std::chrono::seconds(2);

void put_be(std::string& out, std::uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i)
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

std::uint32_t get_be(std::string_view in, std::size_t at, int bytes) {
  std::uint32_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v = (v << 8) | static_cast<unsigned char>(in[at + static_cast<std::size_t>(i)]);
  return v;
}

void put_frame(std::string& out, std::uint8_t type, std::uint8_t flags, std::uint32_t stream,
               std::string_view payload) {
  put_be(out, payload.size(), 3);
  out.push_back(static_cast<char>(type));
  out.push_back(static_cast<char>(flags));
  put_be(out, stream & 0x7fffffff, 4);
  out.append(payload);
}

void put_u32_frame(std::string& out, std::uint8_t type, std::uint32_t stream, std::uint32_t v) {
  std::string payload;
  put_be(payload, v, 4);
  put_frame(out, type, 0, stream, payload);
}

void put_goaway(std::string& out, std::uint32_t last_stream, std::uint32_t code) {
  std::string payload;
  put_be(payload, last_stream, 4);
  put_be(payload, code, 4);
  put_frame(out, kGoaway, 0, 0, payload);
}

// RFC 7541 §5.1: an integer with an N-bit prefix, `high` holding the bits above the prefix.
void hpack_int(std::string& out, std::uint8_t high, int prefix_bits, std::uint64_t v) {
  const std::uint64_t max = (1u << prefix_bits) - 1;
  if (v < max) {
    out.push_back(static_cast<char>(high | v));
    return;
  }
  out.push_back(static_cast<char>(high | max));
  for (v -= max; v >= 128; v /= 128)
    out.push_back(static_cast<char>(v % 128 + 128));
  out.push_back(static_cast<char>(v));
}

// RFC 7541 §5.2: a raw string (no Huffman).
void hpack_string(std::string& out, std::string_view s) {
  hpack_int(out, 0, 7, s.size());
  out.append(s);
}

// RFC 7541 §6.2.2: literal header field without indexing, new name.
void hpack_literal(std::string& out, std::string_view name, std::string_view value) {
  out.push_back(0x00);
  hpack_string(out, name);
  hpack_string(out, value);
}

// The response header block every stream of the server gets.
std::string response_block(const H2Behaviour& b) {
  std::string block;
  if (b.status == 200) {
    block.push_back(static_cast<char>(0x88));  // indexed: static table 8, :status 200
  } else {
    block.push_back(0x08);  // literal without indexing, name from static table 8 (:status)
    hpack_string(block, std::to_string(b.status));
  }
  hpack_literal(block, "content-length", std::to_string(b.body_size));
  hpack_literal(block, "server", "hostile-h2");
  if (b.kind == H2Behaviour::Kind::huge_headers) {
    for (int i = 0; block.size() <= b.n; ++i)
      hpack_literal(block, "x-big-" + std::to_string(i), std::string(200, 'v'));
  }
  return block;
}

void raise_max(std::atomic<std::uint64_t>& max, std::uint64_t value) {
  std::uint64_t seen = max.load();
  while (value > seen && !max.compare_exchange_weak(seen, value)) {
  }
}

// One connection: frames in, frames out, on the connection's own thread.
class H2Connection {
 public:
  H2Connection(HostileConnection& c, const H2Behaviour& b, H2Counters& counters,
               std::atomic<std::uint64_t>& ordinal)
      : c_(c), b_(b), counters_(counters), ordinal_(ordinal), block_(response_block(b)) {}

  void run() {
    if (!read_preface()) {
      counters_.bad_prefaces.fetch_add(1);
      return;
    }
    std::string settings;
    if (b_.kind == Kind::max_streams) {
      put_be(settings, kMaxConcurrentStreams, 2);
      put_be(settings, b_.n, 4);
    }
    put_be(settings, kInitialWindowSize, 2);
    put_be(settings, static_cast<std::uint64_t>(own_initial_window()), 4);
    put_frame(out_, kSettings, 0, 0, settings);
    if (b_.kind == Kind::goaway_at_once) {
      put_goaway(out_, 0, kNoError);
      begin_close();
    }
    while (!dead_ && !(closing_ && Clock::now() >= close_by_)) {
      if (!flush()) break;
      if (!c_.receive(in_, wait_time())) break;
      parse();
      answer_due();
      send_data();
      if (goaway_sent_ && !closing_ && streams_.empty()) begin_close();
    }
  }

 private:
  using Kind = H2Behaviour::Kind;

  struct Stream {
    // The client's window for the peer's DATA on this stream.
    std::int64_t window = kDefaultWindow;
    // The request ended (END_STREAM from the client) and is to be answered at `due`.
    bool scheduled = false;
    Clock::time_point due;
    // The response HEADERS went out; `sent` body bytes so far; RST_STREAM after `reset_at`.
    bool answered = false;
    std::size_t sent = 0;
    std::size_t reset_at = std::string::npos;
    // The peer's window for the client's DATA on this stream.
    std::int64_t receive_window = kDefaultWindow;
  };

  bool read_preface() {
    while (in_.size() < kPreface.size()) {
      if (in_.compare(0, in_.size(), kPreface.substr(0, in_.size())) != 0) return false;
      if (!c_.receive(in_, std::chrono::milliseconds(100))) return false;
    }
    if (std::string_view(in_).substr(0, kPreface.size()) != kPreface) return false;
    in_.erase(0, kPreface.size());
    return true;
  }

  std::int64_t own_initial_window() const {
    return b_.kind == Kind::window_never_opens ? 0 : kOpenWindow;
  }

  std::chrono::milliseconds wait_time() const {
    auto wait = std::chrono::milliseconds(20);
    for (const auto& [id, s] : streams_) {
      if (s.scheduled && !s.answered) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(s.due - Clock::now());
        wait = std::clamp(left, std::chrono::milliseconds(0), wait);
      }
    }
    return wait;
  }

  bool flush() {
    if (out_.empty() || shut_) return true;
    const bool ok = c_.send(out_);
    out_.clear();
    if (closing_ && !shut_) {
      ::shutdown(c_.fd(), SHUT_WR);
      shut_ = true;
    }
    dead_ = !ok;
    return ok;
  }

  // Sends what is queued, then a FIN; frames are still read (and counted) for a while.
  void begin_close() {
    closing_ = true;
    close_by_ = Clock::now() + kCloseGrace;
    if (out_.empty()) {
      ::shutdown(c_.fd(), SHUT_WR);
      shut_ = true;
    }
  }

  void violation(const std::string& what) {
    if (counters_.violations.fetch_add(1) == 0) {
      std::lock_guard lock(counters_.mutex);
      counters_.first_violation = what;
    }
  }

  void parse() {
    while (in_.size() >= 9) {
      const std::uint32_t length = get_be(in_, 0, 3);
      if (in_.size() < 9 + length) return;
      const auto type = static_cast<std::uint8_t>(in_[3]);
      const auto flags = static_cast<std::uint8_t>(in_[4]);
      const std::uint32_t stream = get_be(in_, 5, 4) & 0x7fffffff;
      if (length > kDefaultMaxFrame) violation("a frame longer than SETTINGS_MAX_FRAME_SIZE");
      on_frame(type, flags, stream, std::string_view(in_).substr(9, length));
      in_.erase(0, 9 + length);
    }
  }

  void on_frame(std::uint8_t type, std::uint8_t flags, std::uint32_t id, std::string_view payload) {
    if (continuing_ != 0 && (type != kContinuation || id != continuing_)) {
      violation("a frame between HEADERS and its CONTINUATION");
    }
    switch (type) {
      case kRstStream:
        counters_.rst_received.fetch_add(1);
        if (payload.size() == 4 && get_be(payload, 0, 4) == kCancel) {
          counters_.cancels_received.fetch_add(1);
        }
        streams_.erase(id);
        return;
      case kGoaway:
        counters_.goaways_received.fetch_add(1);
        return;
      default:
        break;
    }
    if (closing_) return;  // only counting now
    switch (type) {
      case kData:
        on_data(flags, id, payload);
        break;
      case kHeaders:
        on_headers(flags, id);
        break;
      case kContinuation:
        if (id != continuing_) {
          violation("CONTINUATION without HEADERS");
        } else if (flags & kEndHeaders) {
          continuing_ = 0;
          if (continuing_end_stream_) end_request(id);
        }
        break;
      case kSettings:
        on_settings(flags, payload);
        break;
      case kPing:
        if (!(flags & kAck)) put_frame(out_, kPing, kAck, 0, payload);
        break;
      case kWindowUpdate:
        if (payload.size() == 4) {
          const std::int64_t increment = get_be(payload, 0, 4) & 0x7fffffff;
          if (id == 0) {
            connection_window_ += increment;
          } else if (auto s = streams_.find(id); s != streams_.end()) {
            s->second.window += increment;
          }
        }
        break;
      case kPushPromise:
        violation("PUSH_PROMISE from a client");
        break;
      default:  // PRIORITY and unknown types are ignored
        break;
    }
  }

  void on_data(std::uint8_t flags, std::uint32_t id, std::string_view payload) {
    if (id == 0) return violation("DATA on stream 0");
    // Flow control counts the whole payload, padding included.
    receive_window_ -= static_cast<std::int64_t>(payload.size());
    if (receive_window_ < 0) violation("DATA over the connection window");
    auto s = streams_.find(id);
    if (s != streams_.end()) {
      s->second.receive_window -= static_cast<std::int64_t>(payload.size());
      if (s->second.receive_window < 0) violation("DATA over the stream window");
    }
    if (b_.kind != Kind::window_never_opens && !payload.empty()) {
      put_u32_frame(out_, kWindowUpdate, 0, static_cast<std::uint32_t>(payload.size()));
      receive_window_ += static_cast<std::int64_t>(payload.size());
    }
    if ((flags & kEndStream) && s != streams_.end()) end_request(id);
  }

  void on_headers(std::uint8_t flags, std::uint32_t id) {
    const bool end_stream = flags & kEndStream;
    if (!(flags & kEndHeaders)) {
      continuing_ = id;
      continuing_end_stream_ = end_stream;
    }
    if (id <= last_stream_) {  // trailers, or a stream already closed
      if (end_stream && (flags & kEndHeaders) && streams_.count(id)) end_request(id);
      return;
    }
    if (id % 2 == 0) violation("a client stream with an even id");
    last_stream_ = id;
    counters_.streams.fetch_add(1);
    if (goaway_sent_) return;  // above the GOAWAY's last stream: not processed
    const std::uint64_t open = streams_.size() + 1;
    raise_max(counters_.max_open, open);
    if (settings_acked_) raise_max(counters_.max_open_after_ack, open);
    if (b_.kind == Kind::max_streams && open > b_.n) {
      put_u32_frame(out_, kRstStream, id, kRefusedStream);
      counters_.refused.fetch_add(1);
      counters_.resets_sent.fetch_add(1);
      continuing_end_stream_ = false;  // the refused stream's CONTINUATIONs end nothing
      return;
    }
    Stream& s = streams_[id];
    s.window = peer_initial_window_;
    s.receive_window = settings_acked_ ? own_initial_window() : kDefaultWindow;
    if (b_.kind == Kind::goaway_after && ++accepted_ == b_.n) {
      put_goaway(out_, id, kNoError);
      goaway_sent_ = true;
    }
    if (end_stream && (flags & kEndHeaders)) end_request(id);
  }

  void on_settings(std::uint8_t flags, std::string_view payload) {
    if (flags & kAck) {
      // The peer's SETTINGS_INITIAL_WINDOW_SIZE holds from here (RFC 9113 §6.9.2): before, a
      // client may send 64 KiB of a body on each stream.
      if (!settings_acked_) {
        for (auto& [id, s] : streams_)
          s.receive_window += own_initial_window() - kDefaultWindow;
      }
      settings_acked_ = true;
      return;
    }
    if (payload.size() % 6 != 0) return violation("SETTINGS with a length not a multiple of 6");
    for (std::size_t at = 0; at < payload.size(); at += 6) {
      const std::uint32_t value = get_be(payload, at + 2, 4);
      switch (get_be(payload, at, 2)) {
        case kInitialWindowSize:
          // RFC 9113 §6.9.2: the change applies to every open stream's window.
          for (auto& [id, s] : streams_)
            s.window += static_cast<std::int64_t>(value) - peer_initial_window_;
          peer_initial_window_ = value;
          break;
        case kMaxFrameSize:
          peer_max_frame_ = value;
          break;
        default:
          break;
      }
    }
    put_frame(out_, kSettings, kAck, 0, {});
  }

  // The request on `id` is complete: decide how (and whether) it is answered.
  void end_request(std::uint32_t id) {
    auto it = streams_.find(id);
    if (it == streams_.end() || it->second.scheduled) return;
    Stream& s = it->second;
    const std::uint64_t ordinal = ordinal_.fetch_add(1) + 1;
    switch (b_.kind) {
      case Kind::bad_frame:
        if (!bad_sent_) {
          if (b_.bad == BadFrame::data_on_stream_zero) {
            put_frame(out_, kData, 0, 0, "bad");
          } else {
            put_frame(out_, kSettings, 0, 0, std::string(5, '\0'));
          }
          bad_sent_ = true;
        }
        return;  // nothing is answered after a connection error
      case Kind::one_slow_stream:
        if (ordinal == b_.n) return;  // left open until the client gives up on it
        break;
      case Kind::reset_every_other:
        if (ordinal % 2 == 0) s.reset_at = b_.body_size / 2;
        break;
      default:
        break;
    }
    s.scheduled = true;
    s.due = Clock::now() + b_.delay;
  }

  void answer_due() {
    const auto now = Clock::now();
    for (auto it = streams_.begin(); it != streams_.end();) {
      Stream& s = it->second;
      if (!s.scheduled || s.answered || s.due > now) {
        ++it;
        continue;
      }
      s.answered = true;
      const bool end = b_.body_size == 0 && s.reset_at == std::string::npos;
      // The block in frames no longer than the client allows: HEADERS, then CONTINUATIONs.
      std::string_view block = block_;
      const std::size_t max = peer_max_frame_;
      std::uint8_t type = kHeaders;
      do {
        const auto part = block.substr(0, max);
        block.remove_prefix(part.size());
        std::uint8_t flags = block.empty() ? kEndHeaders : 0;
        if (type == kHeaders && end) flags |= kEndStream;
        put_frame(out_, type, flags, it->first, part);
        type = kContinuation;
      } while (!block.empty());
      if (end) {
        counters_.completed.fetch_add(1);
        it = streams_.erase(it);
      } else {
        ++it;
      }
    }
  }

  // The body of every answered stream, as far as the client's windows allow.
  void send_data() {
    for (auto it = streams_.begin(); it != streams_.end();) {
      Stream& s = it->second;
      if (!s.answered) {
        ++it;
        continue;
      }
      const std::size_t stop = std::min(s.reset_at, b_.body_size);
      // reset_every_other: the first half in frames of its own on every stream.
      const std::size_t half = b_.kind == Kind::reset_every_other ? b_.body_size / 2 : 0;
      while (s.sent < stop) {
        const auto room =
            std::min({connection_window_, s.window, static_cast<std::int64_t>(peer_max_frame_)});
        if (room <= 0) break;
        const std::size_t boundary = s.sent < half ? half : stop;
        const std::size_t chunk = std::min(boundary - s.sent, static_cast<std::size_t>(room));
        const bool end = s.reset_at == std::string::npos && s.sent + chunk == b_.body_size;
        put_frame(out_, kData, end ? kEndStream : 0, it->first, std::string(chunk, 'b'));
        s.sent += chunk;
        s.window -= static_cast<std::int64_t>(chunk);
        connection_window_ -= static_cast<std::int64_t>(chunk);
      }
      if (s.sent < stop) {
        ++it;
      } else if (s.reset_at != std::string::npos) {
        put_u32_frame(out_, kRstStream, it->first, kInternalError);
        counters_.resets_sent.fetch_add(1);
        it = streams_.erase(it);
      } else {
        counters_.completed.fetch_add(1);
        it = streams_.erase(it);
      }
    }
  }

  HostileConnection& c_;
  const H2Behaviour& b_;
  H2Counters& counters_;
  std::atomic<std::uint64_t>& ordinal_;
  const std::string block_;
  std::string in_;
  std::string out_;
  std::map<std::uint32_t, Stream> streams_;
  std::uint32_t last_stream_ = 0;
  // A header block in progress (its stream id), and whether its HEADERS had END_STREAM.
  std::uint32_t continuing_ = 0;
  bool continuing_end_stream_ = false;
  // The client's windows for the peer's DATA, and its limits.
  std::int64_t connection_window_ = kDefaultWindow;
  std::int64_t peer_initial_window_ = kDefaultWindow;
  std::uint32_t peer_max_frame_ = kDefaultMaxFrame;
  // The peer's window for the client's DATA on the connection.
  std::int64_t receive_window_ = kDefaultWindow;
  bool settings_acked_ = false;
  std::uint64_t accepted_ = 0;
  bool goaway_sent_ = false;
  bool bad_sent_ = false;
  bool closing_ = false;
  bool shut_ = false;
  bool dead_ = false;
  Clock::time_point close_by_;
};

}  // namespace

HostileH2Server::HostileH2Server(H2Behaviour behaviour)
    : behaviour_(behaviour), server_([this](HostileConnection& c) {
        H2Connection(c, behaviour_, counters_, ordinal_).run();
      }) {}

std::uint16_t HostileH2Server::port() const {
  return server_.port();
}

std::string HostileH2Server::first_violation() {
  std::lock_guard lock(counters_.mutex);
  return counters_.first_violation;
}

}  // namespace httpbench::test
