#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "core/threads.h"

namespace r1 {

// More busy threads than cores keep our threads waiting for a core: the pool
// drops to one thread, and after the back-off it tries the full count again.
TEST(Threads, OneThreadWhileOtherThreadsHoldTheCores) {
  set_threads(2);
  ASSERT_EQ(num_threads(), 2);
  std::atomic<bool> stop{false};
  std::vector<std::thread> hogs;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < cores + 2; ++i)
    hogs.emplace_back([&] {
      while (!stop.load(std::memory_order_relaxed)) {
      }
    });
  const auto start = std::chrono::steady_clock::now();
  while (num_threads() == 2 && std::chrono::steady_clock::now() - start < std::chrono::seconds(5)) {
    yield_to_contention();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stop = true;
  for (std::thread& t : hogs) t.join();
  EXPECT_EQ(num_threads(), 1);
  // The back-off is a second; past it the next check restores the full count.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  yield_to_contention();
  EXPECT_EQ(num_threads(), 2);
  set_threads(0);
}

TEST(Threads, NothingToYieldWithOneThread) {
  set_threads(1);
  yield_to_contention();
  EXPECT_EQ(num_threads(), 1);
  set_threads(0);
}

}  // namespace r1
