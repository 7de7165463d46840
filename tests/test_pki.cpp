#include "test_pki.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "test_support.hpp"

namespace httpbench::test {

const TestPki& pki() {
  static const TestPki p = [] {
    TestPki t;
    t.dir = private_temp_path("pki");
    std::filesystem::create_directories(t.dir);
    const std::string script = "cd '" + t.dir + "' && (" + R"(
      openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 \
        -subj '/CN=httpbench test CA' &&
      for name in server other; do
        openssl req -newkey rsa:2048 -nodes -keyout $name.key -out $name.csr -subj "/CN=$name" &&
        if [ $name = server ]; then san='DNS:localhost,IP:127.0.0.1'; else san='DNS:other.test'; fi &&
        printf 'subjectAltName=%s\n' "$san" > $name.ext &&
        openssl x509 -req -in $name.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out $name.pem \
          -days 2 -extfile $name.ext || exit 1
      done) >/dev/null 2>&1)";
    if (std::system(script.c_str()) != 0) ADD_FAILURE() << "openssl failed in " << t.dir;
    return t;
  }();
  return p;
}

}  // namespace httpbench::test
