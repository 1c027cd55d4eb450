#include "HttpClient.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>

#include <memory>
#include <mutex>
#include <sstream>

namespace harness {
namespace {

Poco::Net::Context::Ptr insecureClientContext() {
  static std::once_flag once;
  static Poco::Net::Context::Ptr ctx;
  std::call_once(once, [] {
    Poco::Net::initializeSSL();
    // The test server uses a throw-away self-signed certificate.
    ctx = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "",
                                 Poco::Net::Context::VERIFY_NONE);
  });
  return ctx;
}

} // namespace

Headers bearer(const std::string &token) {
  return {{"Authorization", "Bearer " + token}};
}

HttpClient::HttpClient(std::string host, int port, bool tls)
    : host_(std::move(host)), port_(port), tls_(tls) {}

HttpResponse HttpClient::request(const std::string &method, const std::string &path,
                                 const std::string &body, const Headers &headers,
                                 bool chunked) const {
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
  if (tls_)
    session = std::make_unique<Poco::Net::HTTPSClientSession>(
        host_, static_cast<Poco::UInt16>(port_), insecureClientContext());
  else
    session =
        std::make_unique<Poco::Net::HTTPClientSession>(host_, static_cast<Poco::UInt16>(port_));
  session->setTimeout(Poco::Timespan(static_cast<long>(timeout_.count()), 0));
  session->setKeepAlive(false);

  Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  bool hasContentType = false;
  for (const auto &[k, v] : headers) {
    req.add(k, v);
    if (Poco::icompare(k, "Content-Type") == 0)
      hasContentType = true;
  }
  bool sendsBody = method != "GET" && method != "HEAD";
  if (sendsBody) {
    if (!body.empty() && !hasContentType)
      req.setContentType("application/json; charset=utf-8");
    if (chunked)
      req.setChunkedTransferEncoding(true);
    else
      req.setContentLength(static_cast<std::streamsize>(body.size()));
  }
  std::ostream &out = session->sendRequest(req);
  if (sendsBody)
    out.write(body.data(), static_cast<std::streamsize>(body.size()));

  Poco::Net::HTTPResponse resp;
  std::istream &in = session->receiveResponse(resp);
  HttpResponse r;
  r.status = static_cast<int>(resp.getStatus());
  r.reason = resp.getReason();
  for (const auto &[k, v] : resp)
    r.headers.emplace_back(k, v);
  std::ostringstream bodyOut;
  Poco::StreamCopier::copyStream(in, bodyOut);
  r.body = bodyOut.str();
  return r;
}

} // namespace harness
