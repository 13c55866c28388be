#include "rewards/sandbox.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <utility>

#include "core/check.h"
#include "core/file_io.h"

namespace r1 {
namespace {

// The bwrap monitor and the namespace's init, which count against
// RLIMIT_NPROC besides the program's own processes.
constexpr int kLauncherProcesses = 2;
// How long we keep draining pipes after killing the sandbox: its processes
// hold the write ends until they are gone, so EOF means they are dead.
constexpr double kKillGraceSeconds = 2;
// Inside the sandbox the program runs as `nobody` in its user namespace.
constexpr const char* kSandboxId = "65534";
constexpr const char* kWorkDir = "/tmp";
// Files per request; with stdin, stdout and stderr they are the program's
// first descriptors, placed by the child without allocating.
constexpr size_t kMaxFiles = 12;
constexpr int kMaxChildFds = 3 + static_cast<int>(kMaxFiles);

// An owned file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept {
    reset(other.release());
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// A private working directory for unsandboxed runs, removed with everything
// the program wrote into it on every path out of run().
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "r1-code-XXXXXX").string();
    R1_CHECK(mkdtemp(pattern.data()) != nullptr, "sandbox: mkdtemp failed: {}", strerror(errno));
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string errno_text() {
  return strerror(errno);
}

std::string find_executable(const std::string& name) {
  if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0 ? name : "";
  const char* path = getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = dirs.substr(start, end - start) + "/" + name;
    if (end > start && access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

// A memfd holding `bytes`, positioned at its start: how files and stdin reach
// the sandbox without touching the host file system.
Fd memfd_with(const std::string& label, const std::string& bytes) {
  Fd fd(memfd_create(label.c_str(), MFD_CLOEXEC));
  R1_CHECK(fd.get() >= 0, "sandbox: memfd_create failed: {}", errno_text());
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    R1_CHECK(n > 0, "sandbox: writing a memfd failed: {}", errno_text());
    done += static_cast<size_t>(n);
  }
  R1_CHECK(lseek(fd.get(), 0, SEEK_SET) == 0, "sandbox: lseek failed: {}", errno_text());
  return fd;
}

// Tasks (processes and threads) whose real uid is `uid`: RLIMIT_NPROC counts them.
int count_tasks_of_uid(uid_t uid) {
  int tasks = 0;
  DIR* proc = opendir("/proc");
  if (!proc) return 0;
  while (dirent* entry = readdir(proc)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    std::ifstream status(std::string("/proc/") + entry->d_name + "/status");
    std::string key;
    bool ours = false;
    while (status >> key) {
      if (key == "Uid:") {
        uid_t real = 0;
        status >> real;
        ours = real == uid;
        if (!ours) break;
      } else if (key == "Threads:" && ours) {
        int threads = 0;
        status >> threads;
        tasks += threads;
        break;
      }
    }
  }
  closedir(proc);
  return tasks;
}

// Sends SIGKILL to every process of `uid` (a sandbox's private uid): the
// killer runs as that uid, and kill(-1) reaches all processes it may signal,
// which are exactly those, in any namespace below ours.
void kill_all_of_uid(uid_t uid) {
  pid_t killer = fork();
  if (killer == 0) {
    if (syscall(SYS_setresgid, uid, uid, uid) == 0 && syscall(SYS_setresuid, uid, uid, uid) == 0) {
      kill(-1, SIGKILL);
    }
    _exit(0);
  }
  if (killer > 0) {
    while (waitpid(killer, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
}

// Mount arguments for the system directories: /usr read-only, and /bin,
// /lib… as on the host (symlinks on merged-/usr systems, else read-only binds).
std::vector<std::string> system_mounts(const std::vector<std::string>& extra_ro_binds) {
  std::vector<std::string> args = {"--ro-bind", "/usr", "/usr"};
  for (const char* dir : {"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"}) {
    struct stat st;
    if (lstat(dir, &st) != 0) continue;
    if (S_ISLNK(st.st_mode)) {
      std::error_code error;
      std::filesystem::path target = std::filesystem::read_symlink(dir, error);
      if (!error) args.insert(args.end(), {"--symlink", target.string(), dir});
    } else if (S_ISDIR(st.st_mode)) {
      args.insert(args.end(), {"--ro-bind", dir, dir});
    }
  }
  for (const char* file : {"/etc/ld.so.cache", "/etc/alternatives", "/etc/localtime"}) {
    args.insert(args.end(), {"--ro-bind-try", file, file});
  }
  for (const std::string& dir : extra_ro_binds) args.insert(args.end(), {"--ro-bind", dir, dir});
  return args;
}

// Environment of the program: nothing from ours; fixed hash seed so that
// set/dict iteration order — and hence the reward — is deterministic.
const std::vector<std::pair<std::string, std::string>>& program_environment() {
  static const std::vector<std::pair<std::string, std::string>> env = {
      {"PATH", "/usr/bin:/bin"},     {"HOME", kWorkDir},
      {"LANG", "C.UTF-8"},           {"PYTHONHASHSEED", "0"},
      {"PYTHONIOENCODING", "utf-8"}, {"PYTHONDONTWRITEBYTECODE", "1"},
  };
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Everything the forked child needs, prepared before fork: after fork, a
// multi-threaded parent's child may only make async-signal-safe calls.
struct ChildPlan {
  std::vector<int> fds;  // fds[k] becomes descriptor k in the program
  int error_pipe = -1;   // exec failure reports errno here (close-on-exec)
  const char* exe = nullptr;
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  const char* work_dir = "/";
  bool switch_uid = false;
  uid_t uid_base = 0;
  pid_t parent = 0;
  int nproc_limit = 0;
  rlimit cpu{}, address_space{}, file_size{};
};

[[noreturn]] void child_fail(int error_pipe) {
  int error = errno;
  ssize_t ignored = ::write(error_pipe, &error, sizeof error);
  (void)ignored;
  _exit(127);
}

[[noreturn]] void run_child(const ChildPlan& plan) {
  setsid();
  const int targets = static_cast<int>(plan.fds.size());
  // Move every source above the targets first, so dup2 never clobbers one.
  int moved[kMaxChildFds];
  for (int k = 0; k < targets; ++k) {
    moved[k] = fcntl(plan.fds[k], F_DUPFD_CLOEXEC, targets + 1);
    if (moved[k] < 0) child_fail(plan.error_pipe);
  }
  int error_pipe = fcntl(plan.error_pipe, F_DUPFD_CLOEXEC, targets + 1);
  for (int k = 0; k < targets; ++k) {
    if (dup2(moved[k], k) < 0) child_fail(error_pipe);
  }
  if (dup3(error_pipe, targets, O_CLOEXEC) < 0) child_fail(error_pipe);
  error_pipe = targets;
  // Nothing else of ours — another thread's sockets, files — reaches the program.
  syscall(SYS_close_range, targets + 1, ~0U, 0);

  if (plan.switch_uid) {
    const uid_t uid = plan.uid_base + static_cast<uid_t>(getpid());
    if (plan.work_dir[0] != '/' || plan.work_dir[1] != '\0') {
      if (chown(plan.work_dir, uid, uid) != 0) child_fail(error_pipe);
    }
    // Raw syscalls: they change this (only) thread's credentials, with no
    // libc cross-thread machinery involved.
    if (syscall(SYS_setgroups, 0, nullptr) != 0) child_fail(error_pipe);
    if (syscall(SYS_setresgid, uid, uid, uid) != 0) child_fail(error_pipe);
    if (syscall(SYS_setresuid, uid, uid, uid) != 0) child_fail(error_pipe);
  }
  // After the uid switch, which clears it. If our parent already died, stop.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) child_fail(error_pipe);
  if (getppid() != plan.parent) _exit(127);

  rlimit nproc{static_cast<rlim_t>(plan.nproc_limit), static_cast<rlim_t>(plan.nproc_limit)};
  rlimit no_core{0, 0};
  if (setrlimit(RLIMIT_NPROC, &nproc) != 0 || setrlimit(RLIMIT_CPU, &plan.cpu) != 0 ||
      setrlimit(RLIMIT_AS, &plan.address_space) != 0 ||
      setrlimit(RLIMIT_FSIZE, &plan.file_size) != 0 || setrlimit(RLIMIT_CORE, &no_core) != 0) {
    child_fail(error_pipe);
  }
  if (chdir(plan.work_dir) != 0) child_fail(error_pipe);
  execve(plan.exe, plan.argv, plan.envp);
  child_fail(error_pipe);
}

const char* signal_name(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev ? abbrev : "?";
}

}  // namespace

std::string SandboxResult::describe(const SandboxLimits& limits) const {
  switch (outcome) {
    case SandboxOutcome::timeout:
      return fmt::format("timeout after {:g} s", limits.wall_seconds);
    case SandboxOutcome::output_limit:
      return fmt::format("killed: output limit {} bytes", limits.max_output_bytes);
    case SandboxOutcome::signaled:
      if (term_signal == SIGXCPU || (term_signal == SIGKILL && cpu_seconds >= limits.cpu_seconds)) {
        return fmt::format("killed: CPU time limit {} s", limits.cpu_seconds);
      }
      return fmt::format("killed by signal SIG{}", signal_name(term_signal));
    case SandboxOutcome::exited:
      break;
  }
  return fmt::format("exit status {}", exit_code);
}

Sandbox::Sandbox(SandboxConfig config) : config_(std::move(config)) {
  const SandboxLimits& limits = config_.limits;
  R1_CHECK(limits.wall_seconds > 0 && limits.cpu_seconds > 0 && limits.max_processes > 0 &&
               limits.address_space_bytes > 0 && limits.max_output_bytes > 0 &&
               limits.tmpfs_bytes > 0,
           "sandbox: every limit must be positive (wall {} s, cpu {} s, processes {}, "
           "address space {} bytes, output {} bytes, tmpfs {} bytes)",
           limits.wall_seconds, limits.cpu_seconds, limits.max_processes,
           limits.address_space_bytes, limits.max_output_bytes, limits.tmpfs_bytes);
  is_root_ = geteuid() == 0;
  if (is_root_) {
    // bwrap parses uids as signed ints.
    int64_t pid_max = 0;
    // The kernel's ceiling when the sysctl is unreadable.
    if (!(std::ifstream("/proc/sys/kernel/pid_max") >> pid_max)) pid_max = 4 << 20;
    R1_CHECK(config_.uid_base >= 65536 && int64_t{config_.uid_base} + pid_max < (int64_t{1} << 31),
             "sandbox: uid_base {} + pid_max {} must stay within [65536, 2^31)", config_.uid_base,
             pid_max);
    notes_.push_back(fmt::format(
        "process limit: {} per sandbox, exact (RLIMIT_NPROC under a private uid from {})",
        limits.max_processes, config_.uid_base));
  } else {
    notes_.push_back(fmt::format(
        "process limit: {} per sandbox, approximate (RLIMIT_NPROC shares the user's uid; run as "
        "root for a private uid per sandbox)",
        limits.max_processes));
  }
  if (config_.unsandboxed) {
    notes_.push_back(
        "UNSANDBOXED: no namespaces; the program can read and write the user's files and use the "
        "network; only rlimits, a private temporary directory and a process-group kill apply");
    return;
  }
  bwrap_path_ = find_executable(config_.bwrap);
  R1_CHECK(!bwrap_path_.empty(),
           "code sandbox: bubblewrap ('{}') not found; install the Debian package 'bubblewrap', "
           "or set the option \"unsandboxed\": true to run model-written code WITHOUT isolation",
           config_.bwrap);
  for (const std::string& dir : config_.extra_ro_binds) {
    R1_CHECK(!dir.empty() && dir[0] == '/' && path_exists(dir),
             "code sandbox: ro_binds entry '{}': expected an existing absolute path", dir);
  }
  system_mount_args_ = system_mounts(config_.extra_ro_binds);
  notes_.push_back(
      "bubblewrap: user, pid, net, ipc, uts, cgroup namespaces; read-only /, /usr (+/bin, /lib "
      "links) and /dev; private size-capped tmpfs /tmp and /dev/shm; no network");

  // Probe: namespaces may be disabled (sysctls, container policy).
  SandboxRequest probe;
  probe.argv = {"/bin/sh", "-c", "exit 0"};
  SandboxResult result = run(probe);
  R1_CHECK(result.outcome == SandboxOutcome::exited && result.exit_code == 0,
           "code sandbox: bubblewrap ({}) cannot start a sandbox here ({}): {}; user namespaces "
           "may be disabled (sysctl user.max_user_namespaces, kernel.unprivileged_userns_clone), "
           "or set the option \"unsandboxed\": true to run model-written code WITHOUT isolation",
           bwrap_path_, result.describe(config_.limits), result.stderr_data);
}

SandboxResult Sandbox::run(const SandboxRequest& request) const {
  const SandboxLimits& limits = config_.limits;
  R1_CHECK(!request.argv.empty() && !request.argv[0].empty() && request.argv[0][0] == '/',
           "sandbox: argv[0] must be an absolute path, got '{}'",
           request.argv.empty() ? "" : request.argv[0]);
  R1_CHECK(request.files.size() <= kMaxFiles, "sandbox: at most {} files, got {}", kMaxFiles,
           request.files.size());
  for (const SandboxFile& file : request.files) {
    R1_CHECK(!file.name.empty() && file.name.find('/') == std::string::npos && file.name != "." &&
                 file.name != "..",
             "sandbox: file name '{}' must be a plain name without '/'", file.name);
  }

  // Descriptors of the program: 0 stdin, 1 stdout, 2 stderr, then the files.
  std::vector<Fd> owned;
  owned.push_back(memfd_with("stdin", request.stdin_data));
  int out_pipe[2], err_pipe[2], exec_error_pipe[2];
  R1_CHECK(pipe2(out_pipe, O_CLOEXEC) == 0 && pipe2(err_pipe, O_CLOEXEC) == 0 &&
               pipe2(exec_error_pipe, O_CLOEXEC) == 0,
           "sandbox: pipe2 failed: {}", errno_text());
  Fd out_read(out_pipe[0]), err_read(err_pipe[0]), exec_error_read(exec_error_pipe[0]);
  owned.emplace_back(out_pipe[1]);
  owned.emplace_back(err_pipe[1]);
  Fd exec_error_write(exec_error_pipe[1]);

  std::optional<TempDir> unsandboxed_dir;
  std::string temp_dir;
  std::vector<std::string> args;
  if (config_.unsandboxed) {
    temp_dir = unsandboxed_dir.emplace().path();
    for (const SandboxFile& file : request.files) {
      std::ofstream out(temp_dir + "/" + file.name, std::ios::binary);
      out << file.content;
      R1_CHECK(out.good(), "sandbox: writing {}/{} failed", temp_dir, file.name);
    }
    args = request.argv;
  } else {
    for (const SandboxFile& file : request.files)
      owned.push_back(memfd_with(file.name, file.content));
    args = {bwrap_path_,         "--unshare-all", "--unshare-user", "--disable-userns", "--uid",
            kSandboxId,          "--gid",         kSandboxId,       "--hostname",       "sandbox",
            "--die-with-parent", "--new-session"};
    args.insert(args.end(), system_mount_args_.begin(), system_mount_args_.end());
    // bwrap's /dev and / are RAM-backed tmpfs without a size limit and owned
    // by the sandbox user: read-only, or a program could fill the host's memory.
    const std::string tmpfs_size = std::to_string(limits.tmpfs_bytes);
    args.insert(args.end(),
                {"--dev", "/dev", "--size", tmpfs_size, "--tmpfs", "/dev/shm", "--remount-ro",
                 "/dev", "--proc", "/proc", "--size", tmpfs_size, "--tmpfs", kWorkDir});
    for (size_t i = 0; i < request.files.size(); ++i) {
      args.insert(args.end(), {"--file", std::to_string(3 + i),
                               std::string(kWorkDir) + "/" + request.files[i].name});
    }
    args.insert(args.end(), {"--remount-ro", "/", "--chdir", kWorkDir, "--clearenv"});
    for (const auto& [key, value] : program_environment()) {
      args.insert(args.end(), {"--setenv", key, value});
    }
    args.push_back("--");
    args.insert(args.end(), request.argv.begin(), request.argv.end());
  }
  std::vector<std::string> env_strings;
  for (const auto& [key, value] : program_environment()) {
    env_strings.push_back(key + "=" + (key == "HOME" && !temp_dir.empty() ? temp_dir : value));
  }
  std::vector<char*> argv = c_strings(args);
  std::vector<char*> envp = c_strings(env_strings);

  ChildPlan plan;
  for (const Fd& fd : owned) plan.fds.push_back(fd.get());
  plan.error_pipe = exec_error_write.get();
  plan.exe = argv[0];
  plan.argv = argv.data();
  plan.envp = envp.data();
  plan.work_dir = temp_dir.empty() ? "/" : temp_dir.c_str();
  plan.switch_uid = is_root_;
  plan.uid_base = config_.uid_base;
  plan.parent = getpid();
  const int own_tasks = is_root_ ? 0 : count_tasks_of_uid(getuid());
  plan.nproc_limit = own_tasks + limits.max_processes + kLauncherProcesses;
  const auto cpu = static_cast<rlim_t>(limits.cpu_seconds);
  plan.cpu = {cpu, cpu + 1};
  plan.address_space = {static_cast<rlim_t>(limits.address_space_bytes),
                        static_cast<rlim_t>(limits.address_space_bytes)};
  plan.file_size = {static_cast<rlim_t>(limits.tmpfs_bytes),
                    static_cast<rlim_t>(limits.tmpfs_bytes)};

  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  R1_CHECK(pid >= 0, "sandbox: fork failed: {}", errno_text());
  if (pid == 0) run_child(plan);
  const uid_t sandbox_uid = config_.uid_base + static_cast<uid_t>(pid);
  owned.clear();
  exec_error_write.reset();

  SandboxResult result;
  // Lets poll() wait for the exit together with the pipes. The pid cannot be
  // reused before we reap it, so opening it after fork is race-free.
  Fd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
  if (pidfd.get() < 0) {
    const std::string reason = errno_text();
    kill(pid, SIGKILL);
    while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    fail("sandbox: pidfd_open failed ({}); the sandbox needs Linux 5.3 or newer", reason);
  }
  int exec_errno = 0;
  if (::read(exec_error_read.get(), &exec_errno, sizeof exec_errno) == sizeof exec_errno) {
    while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    fail("sandbox: starting {} failed: {}", argv[0], strerror(exec_errno));
  }

  bool exited = false, killed = false;
  auto kill_deadline = start;
  auto kill_sandbox = [&] {
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    if (is_root_) kill_all_of_uid(sandbox_uid);
    killed = true;
    kill_deadline = std::chrono::steady_clock::now() +
                    std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                        std::chrono::duration<double>(kKillGraceSeconds));
  };
  const auto deadline = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                    std::chrono::duration<double>(limits.wall_seconds));
  std::string* sinks[2] = {&result.stdout_data, &result.stderr_data};
  pollfd fds[3] = {
      {out_read.get(), POLLIN, 0}, {err_read.get(), POLLIN, 0}, {pidfd.get(), POLLIN, 0}};
  char buffer[65536];
  while (fds[0].fd >= 0 || fds[1].fd >= 0 || !exited) {
    const auto now = std::chrono::steady_clock::now();
    if (!killed && now >= deadline) {
      if (!exited) result.outcome = SandboxOutcome::timeout;
      kill_sandbox();
    }
    if (killed && now >= kill_deadline) break;
    const auto until = killed ? kill_deadline : deadline;
    const int wait_ms =
        static_cast<int>(std::ceil(std::chrono::duration<double, std::milli>(until - now).count()));
    if (poll(fds, 3, std::max(wait_ms, 0)) < 0 && errno != EINTR) break;
    if (fds[2].fd >= 0 && fds[2].revents) {
      exited = true;
      fds[2].fd = -1;
      // Leftovers of an unsandboxed run (a namespace dies with its init).
      if (config_.unsandboxed && !killed) {
        kill(-pid, SIGKILL);
        if (is_root_) kill_all_of_uid(sandbox_uid);
      }
    }
    for (int k = 0; k < 2; ++k) {
      if (fds[k].fd < 0 || !fds[k].revents) continue;
      ssize_t n = ::read(fds[k].fd, buffer, sizeof buffer);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) {
        fds[k].fd = -1;
        continue;
      }
      const int64_t total =
          static_cast<int64_t>(result.stdout_data.size() + result.stderr_data.size()) + n;
      if (total > limits.max_output_bytes) {
        if (!killed) {
          result.outcome = SandboxOutcome::output_limit;
          kill_sandbox();
        }
        continue;
      }
      sinks[k]->append(buffer, static_cast<size_t>(n));
    }
  }
  if (!killed && !exited) kill_sandbox();

  int status = 0;
  rusage usage{};
  while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  result.wall_seconds = seconds_since(start);
  result.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
  if (result.outcome != SandboxOutcome::exited) return result;
  if (WIFSIGNALED(status)) {
    result.outcome = SandboxOutcome::signaled;
    result.term_signal = WTERMSIG(status);
  } else if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
    // bwrap reports a program killed by signal N as exit status 128 + N.
    if (!config_.unsandboxed && result.exit_code > 128 && result.exit_code < 128 + NSIG) {
      result.outcome = SandboxOutcome::signaled;
      result.term_signal = result.exit_code - 128;
    }
  }
  return result;
}

}  // namespace r1
