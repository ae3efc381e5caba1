// application/x-www-form-urlencoded, as the Stripe API expects it: nested keys in
// brackets (line_items[0][price_data][currency]=eur), percent-encoding per WHATWG
// (space as '+'). Only unreserved characters pass through unescaped.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slotguard {

class FormBody {
 public:
  FormBody& add(std::string_view key, std::string_view value);
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

std::string percent_encode(std::string_view raw);

// Decodes a query string ("a=1&b=x%20y") into pairs, in order. '+' means space.
// Malformed percent escapes make the whole decode fail (returns false).
bool parse_query(std::string_view query, std::vector<std::pair<std::string, std::string>>& out);

}  // namespace slotguard
