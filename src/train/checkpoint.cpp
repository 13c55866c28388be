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

void save_moments(const Model& model, const AdamW& optimizer, const std::string& dir) {
  std::vector<TensorRef> moments;
  for (const ParamTensor& t : model.layout().tensors) {
    moments.push_back({"m." + t.name, t.shape, optimizer.m().data() + t.offset});
    moments.push_back({"v." + t.name, t.shape, optimizer.v().data() + t.offset});
  }
  write_safetensors(dir + "/optimizer.safetensors", moments);
}

void load_model_into(const std::string& dir, Model& model) {
  const Model loaded = load_model(dir);
  R1_CHECK(loaded.config().to_json() == model.config().to_json(),
           "{}/config.json: the checkpoint's model config differs from the run's", dir);
  std::copy(loaded.data(), loaded.data() + loaded.num_params(), model.data());
}

void load_moments(const std::string& dir, const Model& model, AdamW& optimizer) {
  SafetensorsReader reader(dir + "/optimizer.safetensors");
  for (const ParamTensor& t : model.layout().tensors) {
    reader.read("m." + t.name, t.shape, optimizer.m().data() + t.offset);
    reader.read("v." + t.name, t.shape, optimizer.v().data() + t.offset);
  }
}

nlohmann::json read_state(const std::string& dir) {
  const std::string state_path = dir + "/trainer_state.json";
  try {
    return nlohmann::json::parse(read_file(state_path));
  } catch (const nlohmann::json::exception& e) {
    fail("{}: malformed trainer state: {}", state_path, e.what());
  }
}

}  // namespace

void save_checkpoint(const std::string& run_dir, const Model& model, const AdamW& optimizer,
                     const TrainerState& state, int keep,
                     const std::vector<CheckpointPart>& parts) {
  make_dirs(run_dir);
  const std::string name = checkpoint_name(state.step);
  const std::string final_dir = run_dir + "/" + name;
  const std::string tmp_dir = final_dir + ".tmp";
  fs::remove_all(tmp_dir);
  save_model(model, tmp_dir);
  save_moments(model, optimizer, tmp_dir);
  nlohmann::json j = {
      {"step", state.step}, {"optimizer_steps", optimizer.steps()}, {"extra", state.extra}};
  for (const CheckpointPart& part : parts) {
    R1_CHECK(!part.name.empty() && part.name.find('/') == std::string::npos && part.model,
             "save_checkpoint: invalid part '{}'", part.name);
    save_model(*part.model, tmp_dir + "/" + part.name);
    if (part.optimizer) {
      save_moments(*part.model, *part.optimizer, tmp_dir + "/" + part.name);
      j["parts"][part.name] = {{"optimizer_steps", part.optimizer->steps()}};
    } else {
      j["parts"][part.name] = nlohmann::json::object();
    }
  }
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
  load_model_into(dir, model);
  load_moments(dir, model, optimizer);
  const nlohmann::json j = read_state(dir);
  TrainerState state;
  try {
    state.step = j.at("step").get<int64_t>();
    optimizer.set_steps(j.at("optimizer_steps").get<int64_t>());
    state.extra = j.at("extra");
  } catch (const nlohmann::json::exception& e) {
    fail("{}/trainer_state.json: malformed trainer state: {}", dir, e.what());
  }
  return state;
}

void load_checkpoint_part(const std::string& dir, const std::string& name, Model& model,
                          AdamW* optimizer) {
  const nlohmann::json j = read_state(dir);
  R1_CHECK(j.contains("parts") && j["parts"].contains(name),
           "{}/trainer_state.json: the checkpoint has no part '{}'", dir, name);
  load_model_into(dir + "/" + name, model);
  if (!optimizer) return;
  try {
    optimizer->set_steps(j["parts"][name].at("optimizer_steps").get<int64_t>());
  } catch (const nlohmann::json::exception& e) {
    fail("{}/trainer_state.json: part '{}' has no optimizer state: {}", dir, name, e.what());
  }
  load_moments(dir + "/" + name, model, *optimizer);
}

}  // namespace r1
