// UTF-8 validation for text that arrives from outside (headers, query values).
#pragma once
#include <string_view>

namespace slotguard {
bool is_valid_utf8(std::string_view s);
}
