// The report as a person sees it: rendered by headless Chromium, the
// screenshot decoded and checked for content and for the charts' line colours.
#include <gtest/gtest.h>
#include <png.h>

#include <fmt/format.h>
#include <cstdlib>
#include <filesystem>

#include "core/file_io.h"
#include "report/report.h"
#include "run_dir.h"

namespace r1::report {
namespace {

constexpr const char* kChromium = "/usr/bin/chromium";
constexpr int kWidth = 1280, kHeight = 2000;

struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;
};

Image read_png(const std::string& path) {
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  Image image;
  if (!png_image_begin_read_from_file(&png, path.c_str())) return image;
  png.format = PNG_FORMAT_RGB;
  image.rgb.resize(PNG_IMAGE_SIZE(png));
  if (!png_image_finish_read(&png, nullptr, image.rgb.data(), 0, nullptr)) return {};
  image.width = int(png.width);
  image.height = int(png.height);
  return image;
}

// Pixels within `tolerance` per channel of `rgb` (0xRRGGBB): anti-aliased
// line edges blend with the background, their cores keep the colour.
int64_t count_colour(const Image& image, uint32_t rgb, int tolerance) {
  const int r = int(rgb >> 16), g = int((rgb >> 8) & 0xff), b = int(rgb & 0xff);
  int64_t n = 0;
  for (size_t i = 0; i + 2 < image.rgb.size(); i += 3)
    n += std::abs(image.rgb[i] - r) <= tolerance && std::abs(image.rgb[i + 1] - g) <= tolerance &&
         std::abs(image.rgb[i + 2] - b) <= tolerance;
  return n;
}

TEST(ReportBrowser, ScreenshotShowsTheCharts) {
  if (!std::filesystem::exists(kChromium))
    GTEST_SKIP() << kChromium << " not found; scripts/setup.sh --tools installs it";
  testing::TempDir dir;
  ReportInput input;
  input.title = "R1-Zero fixture";
  input.runs.push_back({"r1-zero", load_run(testing::kFixtureRun)});
  const std::string html = dir.path() + "/report.html";
  write_file_atomic(html, render_report(input));
  const std::string png = dir.path() + "/report.png";
  const std::string command = fmt::format(
      "timeout 120 {} --headless --no-sandbox --disable-gpu --hide-scrollbars "
      "--user-data-dir={}/profile --window-size={},{} --screenshot={} file://{} > {}/chromium.log "
      "2>&1",
      kChromium, dir.path(), kWidth, kHeight, png, html, dir.path());
  const int status = std::system(command.c_str());
  ASSERT_EQ(status, 0) << command << "\n" << read_file(dir.path() + "/chromium.log");

  const Image image = read_png(png);
  ASSERT_EQ(image.width, kWidth) << png;
  ASSERT_EQ(image.height, kHeight);
  const int64_t pixels = int64_t(kWidth) * kHeight;
  const int64_t background = count_colour(image, 0xffffff, 0);
  // Text, tables, chart frames and lines: a blank page would be all white.
  EXPECT_LT(background, pixels * 97 / 100) << "background pixels " << background;
  EXPECT_GT(background, pixels / 2) << "the page background is not white";
  // Line colours of the series (report.cpp's palette). A legend swatch is
  // 18 × 3 px; the lines themselves (2 px wide across a ~480 px plot) add far
  // more, so these floors are not met by the legends alone.
  const int64_t blue = count_colour(image, 0x1f77b4, 24);    // first series of all 8 charts
  const int64_t orange = count_colour(image, 0xff7f0e, 24);  // second series of 3 charts
  const int64_t green = count_colour(image, 0x2ca02c, 24);   // held-out response length
  EXPECT_GT(blue, 8 * 54 * 4) << "blue pixels";
  EXPECT_GT(orange, 3 * 54 * 4) << "orange pixels";
  EXPECT_GT(green, 54 * 4) << "green pixels";
}

}  // namespace
}  // namespace r1::report
