// Several clients editing one book at once: every add lands, and concurrent
// updates of different fields of the same peer do not overwrite each other.
#include "harness/AbClient.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <mutex>
#include <thread>

using namespace harness;
using namespace harness::ab;
using nlohmann::json;

namespace {

// Failures seen by worker threads, reported from the main thread (a REQUIRE
// in a worker would terminate the process).
class Failures {
public:
  void add(std::string what) {
    std::lock_guard<std::mutex> lock(m_);
    if (list_.size() < 20)
      list_.push_back(std::move(what));
    ++count_;
  }
  void report() const {
    for (const auto &f : list_)
      FAIL_CHECK(f);
    CHECK(count_ == 0);
  }

private:
  std::mutex m_;
  std::vector<std::string> list_;
  int count_ = 0;
};

void expectEmpty200(Failures &f, const std::string &what, const HttpResponse &r) {
  if (r.status != 200 || !r.body.empty())
    f.add(what + ": " + r.describe());
}

} // namespace

TEST_CASE("Ab concurrency: 8 clients x 50 adds plus racing alias/note updates lose nothing") {
  TestServer s(options());
  s.start();
  std::string token = userToken(s, "alice");
  AbClient main(s, token);
  std::string P = main.personalGuid();
  main.addTags(P, {"t1", "t2"});
  expectOk(main.addPeer(P, {{"id", "shared-peer"}, {"alias", "a-start"}, {"note", "n-start"}}));

  constexpr int kClients = 8;
  constexpr int kAdds = 50;
  constexpr int kUpdates = 40;
  Failures failures;
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t)
    threads.emplace_back([&, t] {
      // One user's token on several connections at once (a user's devices
      // share the personal book).
      AbClient c(s, token);
      for (int i = 0; i < kAdds; ++i) {
        std::string id = "c" + std::to_string(t) + "-" + std::to_string(1000 + i);
        try {
          expectEmpty200(failures, "add " + id,
                         c.addPeer(P, {{"id", id},
                                       {"alias", "alias " + id},
                                       {"tags", {i % 2 ? "t1" : "t2"}},
                                       {"note", "note " + id}}));
        } catch (const std::exception &e) {
          failures.add("add " + id + ": " + e.what());
        }
      }
    });
  // The same peer, one thread per field, each writing an increasing sequence:
  // the final value of each field must be that thread's last write.
  for (const char *field : {"alias", "note"})
    threads.emplace_back([&, field] {
      AbClient c(s, token);
      for (int i = 0; i < kUpdates; ++i) {
        try {
          expectEmpty200(failures, std::string("update ") + field,
                         c.updatePeer(P, {{"id", "shared-peer"},
                                          {field, std::string(field) + "-" + std::to_string(i)}}));
        } catch (const std::exception &e) {
          failures.add(std::string("update ") + field + ": " + e.what());
        }
      }
    });
  // And the tags of that peer, via the third body variant.
  threads.emplace_back([&] {
    AbClient c(s, token);
    for (int i = 0; i < kUpdates; ++i) {
      try {
        json tags = i % 2 ? json{"t1"} : json{"t1", "t2"};
        expectEmpty200(failures, "update tags",
                       c.updatePeer(P, {{"id", "shared-peer"}, {"tags", tags}}));
      } catch (const std::exception &e) {
        failures.add(std::string("update tags: ") + e.what());
      }
    }
  });
  for (auto &th : threads)
    th.join();
  failures.report();

  Book b = main.pull(P, Kind::Personal);
  CHECK(b.total == kClients * kAdds + 1);
  for (int t = 0; t < kClients; ++t)
    for (int i = 0; i < kAdds; ++i) {
      std::string id = "c" + std::to_string(t) + "-" + std::to_string(1000 + i);
      json p = b.peer(id);
      INFO("peer " << id);
      REQUIRE(p.is_object());
      CHECK(p["alias"] == "alias " + id);
      CHECK(p["note"] == "note " + id);
      CHECK(p["tags"] == json{i % 2 ? "t1" : "t2"});
    }
  json shared = b.peer("shared-peer");
  CHECK(shared["alias"] == "alias-" + std::to_string(kUpdates - 1));
  CHECK(shared["note"] == "note-" + std::to_string(kUpdates - 1));
  CHECK(shared["tags"] == json{"t1"}); // last write, i = 39 (odd)
}

TEST_CASE("Ab concurrency: racing tag adds and renames keep tags and peers consistent") {
  TestServer s(options());
  s.start();
  std::string token = userToken(s, "alice");
  AbClient main(s, token);
  std::string P = main.personalGuid();
  expectOk(main.addTag(P, "base", 1));
  for (int i = 0; i < 20; ++i)
    expectOk(main.addPeer(P, {{"id", "p" + std::to_string(100 + i)}, {"tags", {"base"}}}));

  Failures failures;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      AbClient c(s, token);
      for (int i = 0; i < 25; ++i) {
        std::string name = "tag-" + std::to_string(t) + "-" + std::to_string(i);
        try {
          expectEmpty200(failures, "tag add " + name, c.addTag(P, name, i));
        } catch (const std::exception &e) {
          failures.add("tag add " + name + ": " + e.what());
        }
      }
    });
  threads.emplace_back([&] {
    AbClient c(s, token);
    std::string current = "base";
    for (int i = 0; i < 20; ++i) {
      std::string next = "base" + std::to_string(i);
      try {
        expectEmpty200(failures, "rename " + current, c.renameTag(P, current, next));
        current = next;
      } catch (const std::exception &e) {
        failures.add("rename: " + std::string(e.what()));
      }
    }
  });
  for (auto &th : threads)
    th.join();
  failures.report();

  Book b = main.pull(P, Kind::Personal);
  CHECK(b.tags.size() == 101);
  auto names = b.tagNames();
  CHECK(std::find(names.begin(), names.end(), "base19") != names.end());
  for (const auto &p : b.peers)
    CHECK(p["tags"] == json{"base19"});
}
