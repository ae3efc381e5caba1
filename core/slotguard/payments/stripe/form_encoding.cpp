#include "slotguard/payments/stripe/form_encoding.h"

namespace slotguard {
namespace {

bool is_unreserved(unsigned char c) {
  const unsigned char l = c | 0x20;  // folds A-Z onto a-z; no other byte lands in a-z
  return (l >= 'a' && l <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  const char l = char(c | 0x20);
  return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
}

// Decodes one key or value; false on a '%' not followed by two hex digits.
bool decode(std::string_view in, std::string& out) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '+') {
      out += ' ';
    } else if (c != '%') {
      out += c;
    } else {
      const int hi = i + 2 < in.size() ? hex_value(in[i + 1]) : -1;
      const int lo = hi >= 0 ? hex_value(in[i + 2]) : -1;
      if (lo < 0) return false;
      out += char(hi * 16 + lo);
      i += 2;
    }
  }
  return true;
}

}  // namespace

FormBody& FormBody::add(std::string_view key, std::string_view value) {
  if (!text_.empty()) text_ += '&';
  // Keys go through the same encoder, so Stripe's brackets become %5B/%5D.
  text_ += percent_encode(key);
  text_ += '=';
  text_ += percent_encode(value);
  return *this;
}

std::string percent_encode(std::string_view raw) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(raw.size());
  for (const char ch : raw) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (is_unreserved(c)) {
      out += ch;
    } else if (c == ' ') {
      out += '+';  // form convention (WHATWG); a literal '+' is escaped below as %2B
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// On success `out` is replaced by the pairs; on failure it is left untouched, so callers
// never see a half-decoded query.
bool parse_query(std::string_view query,
                 std::vector<std::pair<std::string, std::string>>& out) {
  std::vector<std::pair<std::string, std::string>> pairs;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (piece.empty()) continue;
    const size_t eq = piece.find('=');
    std::pair<std::string, std::string> kv;
    if (!decode(piece.substr(0, eq), kv.first)) return false;
    if (eq != std::string_view::npos && !decode(piece.substr(eq + 1), kv.second)) return false;
    pairs.push_back(std::move(kv));
  }
  out = std::move(pairs);
  return true;
}

}  // namespace slotguard
