//! Decimal numbers typed by people: probabilities in links and the network
//! panel (`drop=0.05`), the phi detector's threshold, the speed slider.
//!
//! [`parse`] accepts exactly what `str::parse::<f64>` does and gives the
//! same value: the correctly rounded double. Natively it is that parse. In
//! the browser it checks the same grammar here, then asks the JavaScript
//! engine (`parseFloat`, correctly rounded as ECMAScript requires), so the
//! app ships no copy of the standard library's decimal-to-float
//! conversion and its 10 KB table of powers of five (about 12 KiB of the
//! gzipped bundle). A link opened in the browser and the same flags given
//! to the CLI therefore configure the same run, bit for bit.
//!
//! And the other way, [`thousands`]: a count as people read it, the same
//! in the CLI's summaries and the app's check panel; [`short`], a value
//! with no more decimals than it needs.

/// A count in groups of three digits: 1234567 → "1,234,567".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A value to at most two decimals, without the zeros that end them:
/// 4.0 → "4", 9.5 → "9.5", 0.125 → "0.12" (a bar's number, a clock's rate).
pub fn short(value: f64) -> String {
    let fixed = format!("{value:.2}");
    if fixed.contains('.') {
        fixed.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        fixed
    }
}

/// The double `text` means, as `text.parse::<f64>().ok()`: an optional
/// sign, then digits with at most one `.` (at least one digit), then an
/// optional exponent (`e` or `E`, an optional sign, digits); or `inf`,
/// `infinity` or `nan` in any case, with an optional sign. No spaces.
pub fn parse(text: &str) -> Option<f64> {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let negative = text.starts_with('-');
    let special = if unsigned.eq_ignore_ascii_case("inf") || unsigned.eq_ignore_ascii_case("infinity") {
        Some(f64::INFINITY)
    } else if unsigned.eq_ignore_ascii_case("nan") {
        Some(f64::NAN)
    } else {
        None
    };
    if let Some(value) = special {
        return Some(if negative { -value } else { value });
    }
    if !is_decimal(unsigned) {
        return None;
    }
    value_of(text)
}

/// Whether `s` (without its sign) is digits with at most one `.`, at least
/// one digit, then an optional exponent with at least one digit.
fn is_decimal(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(at) => (&s[..at], Some(&s[at + 1..])),
        None => (s, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = digits(int) && digits(frac) && !(int.is_empty() && frac.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

#[cfg(target_arch = "wasm32")]
fn value_of(decimal: &str) -> Option<f64> {
    Some(js_sys::parse_float(decimal))
}

#[cfg(not(target_arch = "wasm32"))]
fn value_of(decimal: &str) -> Option<f64> {
    decimal.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn short_values_keep_only_the_decimals_they_need() {
        assert_eq!(short(4.0), "4");
        assert_eq!(short(9.5), "9.5");
        assert_eq!(short(0.125), "0.12");
        assert_eq!(short(2.0 / 3.0), "0.67");
        assert_eq!(short(120.0), "120");
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        let cases = [(0, "0"), (999, "999"), (1_000, "1,000"), (303_736, "303,736"), (1_051_021, "1,051,021")];
        for (n, text) in cases {
            assert_eq!(thousands(n), text);
        }
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
    }

    fn same(text: &str) {
        let (ours, std) = (parse(text), text.parse::<f64>().ok());
        assert_eq!(ours.map(f64::to_bits), std.map(f64::to_bits), "{text:?}");
    }

    #[test]
    fn the_grammar_is_the_standard_librarys() {
        for text in [
            "0",
            "0.05",
            ".5",
            "5.",
            "+1",
            "-0",
            "-.5e-3",
            "1e5",
            "1E+05",
            "007",
            "00.100",
            "inf",
            "-Infinity",
            "NaN",
            "+nan",
            "",
            ".",
            "+",
            "-",
            "e5",
            "1e",
            "1e+",
            "1.2.3",
            "1..2",
            " 1",
            "1 ",
            "0x10",
            "1_000",
            "infinite",
            "in",
            "--1",
            "+-1",
            "1e5.5",
            "١",
            "0.12345678901234568",
            "2.2250738585072011e-308",
            "1e400",
            "1e-400",
        ] {
            same(text);
        }
    }

    proptest! {
        /// Strings made of the characters a number is written with take
        /// the same grammar as the standard parse, and give the same bits.
        #[test]
        fn any_short_string_parses_as_the_standard_library_parses_it(text in "[-+0-9.eEinfaINFA]{0,12}") {
            same(&text);
        }

        #[test]
        fn every_double_written_out_reads_back(bits in any::<u64>()) {
            let x = f64::from_bits(bits);
            same(&format!("{x}"));
            same(&format!("{x:e}"));
        }
    }
}
