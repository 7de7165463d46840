// A throwaway CA with a server certificate for localhost/127.0.0.1 and one for another name,
// made with the openssl command at test time, once per test process; nothing private is committed.
#pragma once

#include <string>

namespace httpbench::test {

struct TestPki {
  std::string dir;
  std::string ca() const { return dir + "/ca.pem"; }
  // For localhost and 127.0.0.1.
  std::string cert() const { return dir + "/server.pem"; }
  std::string key() const { return dir + "/server.key"; }
  // For other.test: a name mismatch against 127.0.0.1.
  std::string other_cert() const { return dir + "/other.pem"; }
  std::string other_key() const { return dir + "/other.key"; }
};

const TestPki& pki();

}  // namespace httpbench::test
