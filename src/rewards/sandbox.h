// Runs an untrusted program with hard limits, inside a bubblewrap (`bwrap`)
// sandbox: no network, a read-only view of the system directories only, a
// private size-capped tmpfs as work directory (everything else read-only,
// so nothing can fill the host's memory through an unlimited tmpfs), its own PID/IPC/UTS/user
// namespaces, and limits on wall time, CPU seconds, address space, process
// count and output bytes. The program gets no shell: we fork and exec bwrap
// directly, and everything it needs (files, stdin) is passed through memfds,
// so nothing is ever written to the host file system.
//
// Bounding the process count (fork bombs). There is no writable pids cgroup
// in every environment, so we use RLIMIT_NPROC, which the kernel counts per
// real uid (per user namespace level, since Linux 5.14). When we are root the
// launcher switches to a uid of its own, `uid_base + launcher pid`, before it
// execs bwrap: the count then covers exactly this one sandbox (pids are unique
// among live processes, so concurrent sandboxes — even of other r1 processes —
// never share a uid), and bwrap runs unprivileged in a user namespace. When we
// are not root the uid is the user's own, shared with their other processes,
// so the limit is set to their current task count plus the sandbox's share:
// still a hard bound on what one sandbox can add, but approximate if the user
// starts processes concurrently (see Sandbox::isolation_notes()).
//
// The whole sandbox dies with its PID namespace: killing the bwrap monitor
// kills the namespace's init (bwrap --die-with-parent), and the kernel then
// kills every process left in the namespace, daemons included.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace r1 {

struct SandboxLimits {
  double wall_seconds = 5;
  int cpu_seconds = 5;
  int64_t address_space_bytes = int64_t{1} << 30;
  // Processes and threads the program may have at once (RLIMIT_NPROC).
  int max_processes = 32;
  // stdout + stderr together; the program is killed when it writes more.
  int64_t max_output_bytes = int64_t{1} << 20;
  // Size of the private tmpfs work directory (/tmp), of /dev/shm, and of any
  // one file written.
  int64_t tmpfs_bytes = int64_t{64} << 20;
};

struct SandboxConfig {
  // true: run without isolation (rlimits and a private temporary directory
  // only). Must be asked for explicitly; model-written code can then read and
  // write the user's files and use the network.
  bool unsandboxed = false;
  // Path or name (searched on PATH) of the bubblewrap binary.
  std::string bwrap = "bwrap";
  // Host directories mounted read-only at the same path, besides /usr, the
  // /bin, /lib… links and the dynamic loader cache (e.g. a Python in /opt).
  std::vector<std::string> extra_ro_binds;
  // When root: sandboxes run as uid/gid `uid_base + launcher pid`. Must stay
  // below 2^31 - pid_max (bwrap parses ids as signed ints).
  uid_t uid_base = 2'000'000'000;
  SandboxLimits limits;
};

struct SandboxFile {
  std::string name;  // relative to the work directory, no '/'
  std::string content;
};

struct SandboxRequest {
  // argv[0] is an absolute path visible inside the sandbox (e.g. /usr/bin/python3).
  std::vector<std::string> argv;
  std::vector<SandboxFile> files;
  std::string stdin_data;
};

enum class SandboxOutcome {
  exited,        // exit_code is valid
  signaled,      // term_signal is valid
  timeout,       // wall time limit hit; killed
  output_limit,  // wrote more than max_output_bytes; killed
};

struct SandboxResult {
  SandboxOutcome outcome = SandboxOutcome::exited;
  int exit_code = -1;
  int term_signal = 0;
  std::string stdout_data;
  std::string stderr_data;
  double wall_seconds = 0;
  double cpu_seconds = 0;
  // Human-readable summary: "exit status 1", "timeout after 2 s",
  // "killed: CPU time limit 5 s", "killed: output limit 1048576 bytes", …
  std::string describe(const SandboxLimits& limits) const;
};

class Sandbox {
 public:
  // Throws r1::Error when bubblewrap is missing or cannot start here (and
  // `unsandboxed` was not asked for), naming the cause and the opt-out.
  explicit Sandbox(SandboxConfig config);

  // Thread-safe; never throws on anything the program does. Throws r1::Error
  // only for a bad request (e.g. a file name with '/') or when the host runs
  // out of resources to start it (fork/pipe failures).
  SandboxResult run(const SandboxRequest& request) const;

  const SandboxConfig& config() const { return config_; }
  // What isolation is in force and which features are degraded here.
  const std::vector<std::string>& isolation_notes() const { return notes_; }

 private:
  SandboxConfig config_;
  std::string bwrap_path_;
  std::vector<std::string> system_mount_args_;
  bool is_root_ = false;
  std::vector<std::string> notes_;
};

}  // namespace r1
