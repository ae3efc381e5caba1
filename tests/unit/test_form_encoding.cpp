#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "slotguard/payments/stripe/form_encoding.h"

using slotguard::FormBody;
using slotguard::parse_query;
using slotguard::percent_encode;
using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST_CASE("form: unreserved characters pass through", "[form]") {
  const std::string unreserved =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";
  CHECK(percent_encode(unreserved) == unreserved);
  CHECK(percent_encode("") == "");
}

TEST_CASE("form: reserved and special characters are escaped upper-case", "[form]") {
  CHECK(percent_encode("a&b=c+d/e?f#g%h") == "a%26b%3Dc%2Bd%2Fe%3Ff%23g%25h");
  CHECK(percent_encode("[]") == "%5B%5D");
  CHECK(percent_encode("!*'();:@$,") == "%21%2A%27%28%29%3B%3A%40%24%2C");
  CHECK(percent_encode("\"<>\\^`{|}") == "%22%3C%3E%5C%5E%60%7B%7C%7D");
  CHECK(percent_encode("hello world") == "hello+world");
  CHECK(percent_encode(std::string("\0\x01\x7f\xff", 4)) == "%00%01%7F%FF");
  CHECK(percent_encode("\r\n\t") == "%0D%0A%09");
}

TEST_CASE("form: unicode is escaped byte-wise as UTF-8", "[form]") {
  CHECK(percent_encode("\xC3\xA9") == "%C3%A9");                    // é
  CHECK(percent_encode("\xE2\x82\xAC" "5") == "%E2%82%AC5");        // €5
  CHECK(percent_encode("\xF0\x9F\x98\x80") == "%F0%9F%98%80");      // 😀
  CHECK(percent_encode("Caf\xC3\xA9 M\xC3\xBCnchen") == "Caf%C3%A9+M%C3%BCnchen");
}

TEST_CASE("form: FormBody builds Stripe-style nested keys", "[form]") {
  FormBody body;
  CHECK(body.text().empty());
  body.add("mode", "payment")
      .add("line_items[0][quantity]", "1")
      .add("line_items[0][price_data][currency]", "eur")
      .add("line_items[0][price_data][product_data][name]", "Room 1 \xE2\x80\x93 2 nights")
      .add("metadata[hold_id]", "h_123&x=y")
      .add("success_url", "https://example.com/ok?session={CHECKOUT_SESSION_ID}");
  CHECK(body.text() ==
        "mode=payment"
        "&line_items%5B0%5D%5Bquantity%5D=1"
        "&line_items%5B0%5D%5Bprice_data%5D%5Bcurrency%5D=eur"
        "&line_items%5B0%5D%5Bprice_data%5D%5Bproduct_data%5D%5Bname%5D="
        "Room+1+%E2%80%93+2+nights"
        "&metadata%5Bhold_id%5D=h_123%26x%3Dy"
        "&success_url=https%3A%2F%2Fexample.com%2Fok%3Fsession%3D%7BCHECKOUT_SESSION_ID%7D");
}

TEST_CASE("form: single pair and empty values", "[form]") {
  FormBody a;
  a.add("k", "v");
  CHECK(a.text() == "k=v");
  FormBody b;
  b.add("k", "").add("", "v");
  CHECK(b.text() == "k=&=v");
}

TEST_CASE("form: parse_query basics", "[form]") {
  Pairs out;
  REQUIRE(parse_query("a=1&b=x%20y", out));
  CHECK(out == Pairs{{"a", "1"}, {"b", "x y"}});

  REQUIRE(parse_query("q=a+b%2Bc", out));
  CHECK(out == Pairs{{"q", "a b+c"}});

  REQUIRE(parse_query("k%5B0%5D=%e2%82%ac&K%5b1%5d=%C3%A9", out));
  CHECK(out == Pairs{{"k[0]", "\xE2\x82\xAC"}, {"K[1]", "\xC3\xA9"}});

  REQUIRE(parse_query("&&a=1&&&b=2&", out));
  CHECK(out == Pairs{{"a", "1"}, {"b", "2"}});

  REQUIRE(parse_query("flag&x=", out));
  CHECK(out == Pairs{{"flag", ""}, {"x", ""}});

  REQUIRE(parse_query("a==b=c&=v", out));
  CHECK(out == Pairs{{"a", "=b=c"}, {"", "v"}});

  REQUIRE(parse_query("a=1&a=2", out));  // duplicates kept, in order
  CHECK(out == Pairs{{"a", "1"}, {"a", "2"}});

  REQUIRE(parse_query("n=%00", out));
  CHECK(out == Pairs{{"n", std::string(1, '\0')}});
}

TEST_CASE("form: parse_query of empty input", "[form]") {
  Pairs out{{"stale", "x"}};
  REQUIRE(parse_query("", out));
  CHECK(out.empty());
  REQUIRE(parse_query("&&&", out));
  CHECK(out.empty());
}

TEST_CASE("form: malformed percent escapes fail", "[form]") {
  for (const char* q : {"a=%", "a=%4", "a=%G1", "a=%4G", "a=%%41", "%zz=1", "%=1", "a=1&b=%",
                        "a=%-1", "a=% 1", "ok=1&bad%2"}) {
    INFO(q);
    Pairs out{{"keep", "me"}};
    CHECK_FALSE(parse_query(q, out));
    CHECK(out == Pairs{{"keep", "me"}});  // untouched on failure
  }
}

TEST_CASE("form: encode/parse round trip over every byte", "[form]") {
  std::string all;
  for (int c = 0; c < 256; ++c) all += char(c);
  FormBody body;
  body.add(all, all).add("k[0][x]", "a b+c&d=e");
  Pairs out;
  REQUIRE(parse_query(body.text(), out));
  CHECK(out == Pairs{{all, all}, {"k[0][x]", "a b+c&d=e"}});
}
