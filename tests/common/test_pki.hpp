// Certificates for TLS tests, made with OpenSSL in a temporary directory: a
// CA, a server certificate for localhost / 127.0.0.1 signed by it, and client
// certificates with a given common name signed by any CA. Every file is PEM;
// the directory is removed with the object. Test code only: it stops the
// test (BOOST_REQUIRE) when OpenSSL fails.
#pragma once

#include <memory>
#include <string>

namespace fab::test {

class TestCa {
  public:
    // `name`: the CA's common name, and the stem of its files in `dir`
    // (made when missing).
    TestCa(const std::string& dir, const std::string& name);
    ~TestCa();
    TestCa(const TestCa&) = delete;
    TestCa& operator=(const TestCa&) = delete;

    const std::string& cert_file() const { return cert_file_; }
    struct Issued {
        std::string cert_file, key_file;
    };
    // A leaf certificate for a server (subjectAltName localhost, 127.0.0.1)
    // or a client (its CN is `common_name`; "" = none), valid for a day.
    Issued issue_server(const std::string& stem);
    Issued issue_client(const std::string& stem, const std::string& common_name);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::string dir_, cert_file_;
};

} // namespace fab::test
