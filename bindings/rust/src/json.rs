//! Just enough JSON to read `nono rollback show --json` (RFC 8259 values;
//! numbers kept as f64). Private: the crate has no dependencies, serde
//! included.

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

impl Value {
    /// An object's member (the first of that name).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
}

/// The one value `text` holds, or what is wrong with it.
pub fn parse(text: &str) -> Result<Value, String> {
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
        depth: 0,
    };
    let v = p.value()?;
    p.ws();
    if p.i != p.s.len() {
        return Err(format!("trailing data at byte {}", p.i));
    }
    Ok(v)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn err<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("{} at byte {}", what, self.i))
    }

    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn lit(&mut self, word: &str, v: Value) -> Result<Value, String> {
        if self.s[self.i..].starts_with(word.as_bytes()) {
            self.i += word.len();
            Ok(v)
        } else {
            self.err("unexpected word")
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        self.ws();
        match self.s.get(self.i) {
            None => self.err("unexpected end"),
            Some(b'{') | Some(b'[') if self.depth >= 128 => self.err("nested too deep"),
            Some(b'{') => {
                self.i += 1;
                self.depth += 1;
                let mut m = Vec::new();
                if !self.eat(b'}') {
                    loop {
                        self.ws();
                        if self.s.get(self.i) != Some(&b'"') {
                            return self.err("expected a member name");
                        }
                        let k = self.string()?;
                        if !self.eat(b':') {
                            return self.err("expected ':'");
                        }
                        m.push((k, self.value()?));
                        if self.eat(b'}') {
                            break;
                        }
                        if !self.eat(b',') {
                            return self.err("expected ',' or '}'");
                        }
                    }
                }
                self.depth -= 1;
                Ok(Value::Object(m))
            }
            Some(b'[') => {
                self.i += 1;
                self.depth += 1;
                let mut a = Vec::new();
                if !self.eat(b']') {
                    loop {
                        a.push(self.value()?);
                        if self.eat(b']') {
                            break;
                        }
                        if !self.eat(b',') {
                            return self.err("expected ',' or ']'");
                        }
                    }
                }
                self.depth -= 1;
                Ok(Value::Array(a))
            }
            Some(b'"') => self.string().map(Value::String),
            Some(b't') => self.lit("true", Value::Bool(true)),
            Some(b'f') => self.lit("false", Value::Bool(false)),
            Some(b'n') => self.lit("null", Value::Null),
            Some(_) => self.number(),
        }
    }

    fn number(&mut self) -> Result<Value, String> {
        let start = self.i;
        while self.i < self.s.len() && matches!(self.s[self.i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
            self.i += 1;
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).unwrap_or("");
        match text.parse::<f64>() {
            Ok(n) if !text.is_empty() => Ok(Value::Number(n)),
            _ => {
                self.i = start;
                self.err("expected a value")
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let h = self.s.get(self.i..self.i + 4).and_then(|h| std::str::from_utf8(h).ok());
        match h.and_then(|h| u32::from_str_radix(h, 16).ok()) {
            Some(n) => {
                self.i += 4;
                Ok(n)
            }
            None => self.err("bad \\u escape"),
        }
    }

    /// A string, the opening quote at self.i.
    fn string(&mut self) -> Result<String, String> {
        self.i += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let c = match self.s.get(self.i) {
                Some(c) => *c,
                None => return self.err("unterminated string"),
            };
            self.i += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let e = match self.s.get(self.i) {
                        Some(e) => *e,
                        None => return self.err("unterminated string"),
                    };
                    self.i += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let mut n = self.hex4()?;
                            if (0xd800..0xdc00).contains(&n) && self.s[self.i..].starts_with(b"\\u") {
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xdc00..0xe000).contains(&lo) {
                                    n = 0x10000 + ((n - 0xd800) << 10) + (lo - 0xdc00);
                                } else {
                                    // a lone high surrogate (U+FFFD): the
                                    // escape after it is read on its own
                                    self.i -= 6;
                                }
                            }
                            std::char::from_u32(n).unwrap_or('\u{fffd}')
                        }
                        _ => return self.err("bad escape"),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                _ => out.push(c),
            }
        }
        String::from_utf8(out).or_else(|_| self.err("a string that is not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rollback_show() {
        let v = parse(r#"{"n": -1.5e2, "ok": true, "x": null, "paths": [{"path": "/a \"b\"\u00e9\ud83d\ude00", "status": "created"}], "e": []}"#)
            .unwrap();
        assert_eq!(v.get("n"), Some(&Value::Number(-150.0)));
        let p = match v.get("paths") {
            Some(Value::Array(a)) => &a[0],
            other => panic!("{:?}", other),
        };
        assert_eq!(p.get("path").and_then(Value::as_str), Some("/a \"b\"\u{e9}\u{1f600}"));
        assert_eq!(p.get("status").and_then(Value::as_str), Some("created"));
    }

    #[test]
    fn a_lone_high_surrogate_keeps_what_follows() {
        let v = parse(r#"["\ud800\u0041b", "\ud83dx", "\ud800\ud83d\ude00", "\ud800"]"#).unwrap();
        let got: Vec<&str> = match v {
            Value::Array(ref a) => a.iter().filter_map(Value::as_str).collect(),
            ref other => panic!("{:?}", other),
        };
        assert_eq!(got, vec!["\u{fffd}Ab", "\u{fffd}x", "\u{fffd}\u{1f600}", "\u{fffd}"]);
    }

    #[test]
    fn refuses_what_is_not_json() {
        for bad in &["", "{", "{\"a\" 1}", "[1,]", "\"abc", "nul", "{} x", "[[[[", "-"] {
            assert!(parse(bad).is_err(), "{}", bad);
        }
    }
}
