// Fuzzes the CSV reader: any bytes, read as a file would be, then the frame's invariants and the
// operations the CLI applies to a frame (factor labels, declare_factor, left_join). lmm::Error is
// the reader's verdict on bad input; anything else (another exception, a crash, a sanitizer
// report, a broken invariant) is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.hpp"
#include "lmm/data_frame.hpp"
#include "lmm/error.hpp"

namespace {

void check_frame(const lmm::DataFrame& frame) {
  LMM_FUZZ_CHECK(frame.rows() > 0);
  for (const lmm::Column& c : frame.all_columns()) {
    LMM_FUZZ_CHECK(!c.name.empty());
    LMM_FUZZ_CHECK(c.size() == frame.rows());
    if (c.is_factor()) {
      LMM_FUZZ_CHECK(c.codes.size() == c.size());
      for (std::size_t i = 0; i < c.size(); ++i) {
        LMM_FUZZ_CHECK(c.codes[i] >= -1 && c.codes[i] < static_cast<int>(c.levels.size()));
        LMM_FUZZ_CHECK((c.codes[i] == -1) == c.is_missing(i));
      }
    } else {
      LMM_FUZZ_CHECK(c.numbers.size() == c.size());
    }
    for (std::size_t i = 0; i < c.size(); ++i) LMM_FUZZ_CHECK(!c.label(i).empty());
  }
}

void exercise(const std::string& text, const lmm::CsvOptions& options) {
  lmm::DataFrame frame;
  try {
    frame = lmm::read_csv_text(text, "fuzz.csv", options);
  } catch (const lmm::Error&) {
    return;
  }
  check_frame(frame);
  // A self-join: an error where a key repeats, otherwise every row once, matched to itself.
  if (frame.rows() <= 64) {
    const std::string key = frame.all_columns().front().name;
    try {
      const lmm::DataFrame joined = lmm::left_join(frame, frame, key);
      LMM_FUZZ_CHECK(joined.rows() == frame.rows());
      check_frame(joined);
    } catch (const lmm::Error&) {
    }
  }
  for (const lmm::Column& c : frame.all_columns()) {
    if (c.is_factor()) continue;
    lmm::DataFrame copy = frame;
    copy.declare_factor(c.name);
    check_frame(copy);
    // R's factor(): each number becomes the level that prints as it does (NaN included).
    const lmm::Column& f = copy.column(c.name);
    for (std::size_t i = 0; i < c.size(); ++i) {
      LMM_FUZZ_CHECK(f.is_missing(i) == c.is_missing(i));
      if (!c.is_missing(i)) LMM_FUZZ_CHECK(f.label(i) == c.label(i));
    }
    for (std::size_t k = 1; k < f.levels.size(); ++k) LMM_FUZZ_CHECK(f.levels[k - 1] != f.levels[k]);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  exercise(text, lmm::CsvOptions{});
  lmm::CsvOptions other;
  other.delimiter = ';';
  other.na_strings = {"NA", ".", "-"};
  exercise(text, other);
  return 0;
}
