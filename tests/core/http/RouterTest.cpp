#include "http/RouteTarget.h"
#include "http/Router.h"

#include <doctest/doctest.h>

using rdc::http::Match;
using rdc::http::MatchResult;
using rdc::http::RouteTarget;
using rdc::http::Router;

TEST_CASE("router matches literal and {param} segments, decoding parameters") {
  RouteTarget add, tags, personal;
  Router r;
  r.add("POST", "/api/ab/peer/add/{guid}", &add);
  r.add("POST", "/api/ab/tags/{guid}", &tags);
  r.add("POST", "/api/ab/personal", &personal);

  Match m;
  REQUIRE(r.match("POST", "/api/ab/peer/add/abc%2Bdef", m) == MatchResult::Found);
  CHECK(m.target == &add);
  REQUIRE(m.params.size() == 1);
  CHECK(m.params[0].first == "guid");
  CHECK(m.params[0].second == "abc+def");

  Match p;
  REQUIRE(r.match("POST", "/api/ab/personal", p) == MatchResult::Found);
  CHECK(p.target == &personal);
  CHECK(p.params.empty());
}

TEST_CASE("router prefers literal segments over parameters and backtracks") {
  RouteTarget literal, param, deeper;
  Router r;
  r.add("GET", "/a/{x}/c", &param);
  r.add("GET", "/a/b", &literal);
  r.add("GET", "/a/b/d", &deeper);
  Match m;
  REQUIRE(r.match("GET", "/a/b", m) == MatchResult::Found);
  CHECK(m.target == &literal);
  // "/a/b/c" has no literal continuation under /a/b, so the {x} branch wins.
  Match m2;
  REQUIRE(r.match("GET", "/a/b/c", m2) == MatchResult::Found);
  CHECK(m2.target == &param);
  CHECK(m2.params.at(0).second == "b");
}

TEST_CASE("router reports wrong method with the allowed list, HEAD maps to GET") {
  RouteTarget get;
  Router r;
  r.add("GET", "/api/login-options", &get);
  Match m;
  CHECK(r.match("HEAD", "/api/login-options", m) == MatchResult::Found);
  std::vector<std::string> allowed;
  CHECK(r.match("POST", "/api/login-options", m, &allowed) == MatchResult::WrongMethod);
  CHECK(allowed == std::vector<std::string>{"GET", "HEAD"});
  CHECK(r.match("GET", "/api/login-options/x", m) == MatchResult::NoPath);
  CHECK(r.match("GET", "/api/login-options/", m) == MatchResult::NoPath);
  CHECK(r.match("GET", "api/login-options", m) == MatchResult::NoPath);
  CHECK(r.match("GET", "", m) == MatchResult::NoPath);
}

TEST_CASE("router rejects malformed patterns, duplicates and conflicting parameter names") {
  RouteTarget t;
  Router r;
  r.add("POST", "/api/ab/peer/{guid}", &t);
  CHECK_THROWS_AS(r.add("POST", "/api/ab/peer/{guid}", &t), std::invalid_argument);
  CHECK_THROWS_AS(r.add("PUT", "/api/ab/peer/{id}", &t), std::invalid_argument);
  CHECK_THROWS_AS(r.add("GET", "no-slash", &t), std::invalid_argument);
  CHECK_THROWS_AS(r.add("GET", "/a/{b", &t), std::invalid_argument);
  CHECK_THROWS_AS(r.add("GET", "/a/x{b}", &t), std::invalid_argument);
  CHECK_THROWS_AS(r.add("FETCH", "/a", &t), std::invalid_argument);
  CHECK_NOTHROW(r.add("DELETE", "/api/ab/peer/{guid}", &t));
}

TEST_CASE("router refuses an empty or undecodable parameter segment") {
  RouteTarget t;
  Router r;
  r.add("POST", "/api/ab/tags/{guid}", &t);
  Match m;
  CHECK(r.match("POST", "/api/ab/tags/", m) == MatchResult::NoPath);
  CHECK(r.match("POST", "/api/ab/tags/%zz", m) == MatchResult::NoPath);
  CHECK(r.match("POST", "/api/ab/tags/a%00b", m) == MatchResult::NoPath);
}
