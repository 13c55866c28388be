// A checkpoint never contains NaN: saving a model or a checkpoint whose
// parameters or optimizer moments hold a non-finite value is an error naming
// the tensor and the element, and the previous checkpoint stays in charge.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "core/check.h"
#include "core/file_io.h"
#include "model/presets.h"
#include "train/checkpoint.h"

namespace r1 {

namespace {

namespace fs = std::filesystem;

std::string fresh_dir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("r1_checkpoint_" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  return dir.string();
}

const ParamTensor& tensor(const Model& model, const std::string& name) {
  const ParamTensor* t = model.layout().find(name);
  R1_CHECK(t != nullptr, "no tensor {}", name);
  return *t;
}

// The error of saving checkpoint `step`, or "" when it succeeds.
std::string save_error(const std::string& run, const Model& model, const AdamW& adamw,
                       int64_t step) {
  try {
    save_checkpoint(run, model, adamw, {step, {}});
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Checkpoint, RefusesNonFiniteParametersAndMoments) {
  Model model(model_preset("tiny", 17));
  model.init_random(3);
  AdamW adamw(model.layout(), {});
  const std::string run = fresh_dir("run");
  ASSERT_EQ(save_error(run, model, adamw, 1), "");

  // Element 7 of a (rows, cols) matrix is (7 / cols, 7 % cols).
  const ParamTensor& down = tensor(model, "model.layers.1.mlp.down_proj.weight");
  ASSERT_EQ(down.shape.size(), 2u);
  const int64_t cols = down.shape[1];
  model.data()[down.offset + 7] = std::nanf("");
  std::string error = save_error(run, model, adamw, 2);
  EXPECT_NE(error.find("model.safetensors"), std::string::npos) << error;
  EXPECT_NE(error.find("tensor 'model.layers.1.mlp.down_proj.weight'"), std::string::npos) << error;
  EXPECT_NE(error.find(fmt::format("[{}, {}]", 7 / cols, 7 % cols)), std::string::npos) << error;
  EXPECT_NE(error.find("is nan"), std::string::npos) << error;
  EXPECT_THROW(save_model(model, fresh_dir("model")), Error);
  model.data()[down.offset + 7] = 0.0f;

  const ParamTensor& norm = tensor(model, "model.norm.weight");
  adamw.v()[norm.offset + 2] = INFINITY;
  error = save_error(run, model, adamw, 2);
  EXPECT_NE(error.find("optimizer.safetensors"), std::string::npos) << error;
  EXPECT_NE(error.find("tensor 'v.model.norm.weight'"), std::string::npos) << error;
  EXPECT_NE(error.find("[2]"), std::string::npos) << error;

  // The failed saves left checkpoint 1 in charge, loadable.
  ASSERT_EQ(latest_checkpoint(run), run + "/checkpoint-00000001");
  Model loaded(model.config());
  AdamW loaded_adamw(loaded.layout(), {});
  EXPECT_EQ(load_checkpoint(run + "/checkpoint-00000001", loaded, loaded_adamw).step, 1);
  adamw.v()[norm.offset + 2] = 0.0f;
  EXPECT_EQ(save_error(run, model, adamw, 2), "");
  EXPECT_EQ(latest_checkpoint(run), run + "/checkpoint-00000002");
}

}  // namespace r1
