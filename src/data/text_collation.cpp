#include "data/text_collation.hpp"

#include <unicode/ucol.h>
#include <unicode/ustring.h>

#include <memory>
#include <vector>

#include "lmm/error.hpp"

namespace lmm::internal {

namespace {

struct CollatorCloser {
  void operator()(UCollator* collator) const { ucol_close(collator); }
};
using CollatorHandle = std::unique_ptr<UCollator, CollatorCloser>;

// A UCollator must not be used by two threads at once: each thread opens its own, on first use.
// ICU caches the locale's rules, so opening one costs microseconds after the first.
const UCollator& this_threads_collator() {
  thread_local const CollatorHandle collator = [] {
    UErrorCode status = U_ZERO_ERROR;
    CollatorHandle opened(ucol_open("en_US", &status));
    if (U_FAILURE(status) || opened == nullptr)
      throw Error(ErrorKind::kInput, std::string("cannot sort text levels: ICU's collator for en_US did not open (") +
                                         u_errorName(status) + ")");
    return opened;
  }();
  return *collator;
}

// UTF-8 to ICU's UTF-16; invalid bytes become U+FFFD.
void to_utf16(std::string_view utf8, std::vector<UChar>& utf16) {
  utf16.resize(utf8.size() + 1);  // UTF-16 never needs more code units than UTF-8 has bytes
  int32_t length = 0;
  UErrorCode status = U_ZERO_ERROR;
  u_strFromUTF8WithSub(utf16.data(), static_cast<int32_t>(utf16.size()), &length, utf8.data(),
                       static_cast<int32_t>(utf8.size()), 0xFFFD, nullptr, &status);
  if (U_FAILURE(status))
    throw Error(ErrorKind::kInput, std::string("cannot sort text levels: ICU could not read a label as UTF-8 (") +
                                       u_errorName(status) + ")");
  utf16.resize(static_cast<std::size_t>(length));
}

}  // namespace

std::string collation_key(std::string_view utf8) {
  thread_local std::vector<UChar> utf16;
  to_utf16(utf8, utf16);
  const UCollator* collator = &this_threads_collator();
  std::string key(utf16.size() * 3 + 16, '\0');
  for (;;) {
    const int32_t needed = ucol_getSortKey(collator, utf16.data(), static_cast<int32_t>(utf16.size()),
                                           reinterpret_cast<uint8_t*>(key.data()), static_cast<int32_t>(key.size()));
    if (static_cast<std::size_t>(needed) <= key.size()) {
      key.resize(static_cast<std::size_t>(needed > 0 ? needed - 1 : 0));  // without the closing zero byte
      return key;
    }
    key.resize(static_cast<std::size_t>(needed));
  }
}

}  // namespace lmm::internal
