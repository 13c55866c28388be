#include "train/checkpoint.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <regex>
#include <vector>

#include "core/check.h"
#include "core/file_io.h"
#include "core/safetensors.h"

namespace r1 {

namespace fs = std::filesystem;

namespace {

std::string checkpoint_name(int64_t step) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "checkpoint-%08lld", static_cast<long long>(step));
  return buf;
}

void fsync_path(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  R1_CHECK(fd >= 0, "{}: cannot open to fsync: {}", path, std::strerror(errno));
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

void save_checkpoint(const std::string& run_dir, const Model& model, const AdamW& optimizer,
                     const TrainerState& state, int keep) {
  make_dirs(run_dir);
  const std::string name = checkpoint_name(state.step);
  const std::string final_dir = run_dir + "/" + name;
  const std::string tmp_dir = final_dir + ".tmp";
  fs::remove_all(tmp_dir);
  save_model(model, tmp_dir);
  std::vector<TensorRef> moments;
  for (const ParamTensor& t : model.layout().tensors) {
    moments.push_back({"m." + t.name, t.shape, optimizer.m().data() + t.offset});
    moments.push_back({"v." + t.name, t.shape, optimizer.v().data() + t.offset});
  }
  write_safetensors(tmp_dir + "/optimizer.safetensors", moments);
  nlohmann::json j = {
      {"step", state.step}, {"optimizer_steps", optimizer.steps()}, {"extra", state.extra}};
  write_file_atomic(tmp_dir + "/trainer_state.json", j.dump(2) + "\n");
  fsync_path(tmp_dir, true);
  fs::remove_all(final_dir);
  fs::rename(tmp_dir, final_dir);
  fsync_path(run_dir, true);
  write_file_atomic(run_dir + "/latest", name + "\n");

  // Keep the newest `keep` checkpoints (names sort by step).
  std::vector<std::string> existing;
  static const std::regex kPattern("checkpoint-[0-9]{8}");
  for (const auto& entry : fs::directory_iterator(run_dir)) {
    const std::string n = entry.path().filename().string();
    if (entry.is_directory() && std::regex_match(n, kPattern)) existing.push_back(n);
  }
  std::sort(existing.begin(), existing.end());
  for (size_t i = 0; i + size_t(std::max(keep, 1)) < existing.size(); ++i)
    if (existing[i] != name) fs::remove_all(run_dir + "/" + existing[i]);
}

std::optional<std::string> latest_checkpoint(const std::string& run_dir) {
  const std::string pointer = run_dir + "/latest";
  if (!path_exists(pointer)) return std::nullopt;
  std::string name = read_file(pointer);
  while (!name.empty() && (name.back() == '\n' || name.back() == ' ')) name.pop_back();
  const std::string dir = run_dir + "/" + name;
  R1_CHECK(path_exists(dir + "/trainer_state.json"),
           "{}: points at '{}', which is not a complete checkpoint", pointer, name);
  return dir;
}

TrainerState load_checkpoint(const std::string& dir, Model& model, AdamW& optimizer) {
  const Model loaded = load_model(dir);
  R1_CHECK(loaded.config().to_json() == model.config().to_json(),
           "{}/config.json: the checkpoint's model config differs from the run's", dir);
  std::copy(loaded.data(), loaded.data() + loaded.num_params(), model.data());
  SafetensorsReader reader(dir + "/optimizer.safetensors");
  for (const ParamTensor& t : model.layout().tensors) {
    reader.read("m." + t.name, t.shape, optimizer.m().data() + t.offset);
    reader.read("v." + t.name, t.shape, optimizer.v().data() + t.offset);
  }
  const std::string state_path = dir + "/trainer_state.json";
  TrainerState state;
  try {
    const nlohmann::json j = nlohmann::json::parse(read_file(state_path));
    state.step = j.at("step").get<int64_t>();
    optimizer.set_steps(j.at("optimizer_steps").get<int64_t>());
    state.extra = j.at("extra");
  } catch (const nlohmann::json::exception& e) {
    fail("{}: malformed trainer state: {}", state_path, e.what());
  }
  return state;
}

}  // namespace r1
