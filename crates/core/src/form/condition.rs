//! The small language of show-conditions written in `data/form/screens.json`,
//! e.g. `profil in ['locataire','bailleur_occupant'] and
//! info_procedure_bailleur_prevenu == 'oui'`.
//!
//! A language rather than JavaScript expressions (what the reference
//! platform evaluates in the browser) so that the server decides what is
//! shown and checked: conditions are parsed once when the form loads, every
//! key they name must be a question of the form, and evaluating one on
//! whatever a visitor posted can neither fail nor panic.
//!
//! Grammar, loosest binding first:
//! ```text
//! or    := and ("or" and)*
//! and   := not ("and" not)*
//! not   := "not" not | atom
//! atom  := "(" or ")" | "has(" key "," lit ")" | "answered(" key ")"
//!        | key ("==" | "!=" | "<" | "<=" | ">" | ">=") lit
//!        | key "in" "[" lit ("," lit)* "]"
//! lit   := 'text' | "text" | number
//! ```
//! Every test on an absent (blank) answer is false, `!=` included: write
//! `not key == 'v'` to include the unanswered case.

use std::fmt;

use super::answers::Answers;

/// A parsed condition, with the source it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    source: String,
    expr: Expr,
}

#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Or(Vec<Expr>),
    And(Vec<Expr>),
    Not(Box<Expr>),
    Compare { key: String, op: Op, value: Lit },
    In { key: String, values: Vec<Lit> },
    Has { key: String, value: Lit },
    Answered { key: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
enum Lit {
    Text(String),
    Number(f64),
}

/// Why a condition of the form definition does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionError {
    pub source: String,
    pub message: String,
}

impl fmt::Display for ConditionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "condition `{}`: {}", self.source, self.message)
    }
}

impl std::error::Error for ConditionError {}

impl Condition {
    /// Parses `source`; `known` says whether a key is a question of the form.
    pub fn parse(source: &str, known: &dyn Fn(&str) -> bool) -> Result<Self, ConditionError> {
        let error = |message: String| ConditionError {
            source: source.to_string(),
            message,
        };
        let tokens = tokenize(source).map_err(error)?;
        let mut parser = Parser { tokens, pos: 0 };
        let expr = parser.or().map_err(error)?;
        if parser.pos != parser.tokens.len() {
            return Err(error(format!(
                "unexpected {:?} after the end",
                parser.tokens[parser.pos]
            )));
        }
        let mut keys = Vec::new();
        expr.keys(&mut keys);
        if let Some(unknown) = keys.iter().find(|k| !known(k)) {
            return Err(error(format!("unknown question key `{unknown}`")));
        }
        Ok(Self {
            source: source.to_string(),
            expr,
        })
    }

    /// The text as written in the definition (e.g. for a `data-` attribute).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Every question key the condition reads.
    pub fn keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        self.expr.keys(&mut keys);
        keys
    }

    pub fn eval(&self, answers: &Answers) -> bool {
        self.expr.eval(answers)
    }
}

impl Expr {
    fn keys(&self, out: &mut Vec<String>) {
        match self {
            Expr::Or(items) | Expr::And(items) => items.iter().for_each(|e| e.keys(out)),
            Expr::Not(inner) => inner.keys(out),
            Expr::Compare { key, .. }
            | Expr::In { key, .. }
            | Expr::Has { key, .. }
            | Expr::Answered { key } => out.push(key.clone()),
        }
    }

    fn eval(&self, answers: &Answers) -> bool {
        match self {
            Expr::Or(items) => items.iter().any(|e| e.eval(answers)),
            Expr::And(items) => items.iter().all(|e| e.eval(answers)),
            Expr::Not(inner) => !inner.eval(answers),
            Expr::Answered { key } => answers.values(key).iter().any(|v| !v.trim().is_empty()),
            Expr::Has { key, value } => answers.values(key).iter().any(|v| value.matches(v)),
            Expr::In { key, values } => answers
                .get(key)
                .is_some_and(|v| values.iter().any(|lit| lit.matches(v))),
            Expr::Compare { key, op, value } => {
                answers.get(key).is_some_and(|v| compare(v, *op, value))
            }
        }
    }
}

impl Lit {
    /// Text compares as text; a number literal compares the answer as a
    /// number, so `'05' == 5` holds.
    fn matches(&self, answer: &str) -> bool {
        match self {
            Lit::Text(t) => answer.trim() == t,
            Lit::Number(n) => parse_number(answer).is_some_and(|a| a == *n),
        }
    }
}

/// Reads a typed number, accepting a decimal comma.
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim().replace(',', ".");
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

fn compare(answer: &str, op: Op, value: &Lit) -> bool {
    match (op, value) {
        (Op::Eq, lit) => lit.matches(answer),
        (Op::Ne, lit) => !lit.matches(answer),
        (_, Lit::Number(n)) => parse_number(answer).is_some_and(|a| match op {
            Op::Lt => a < *n,
            Op::Le => a <= *n,
            Op::Gt => a > *n,
            Op::Ge => a >= *n,
            Op::Eq | Op::Ne => false,
        }),
        // Ordering text makes no sense for answers; refused at parse time.
        (_, Lit::Text(_)) => false,
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Text(String),
    Number(f64),
    Op(Op),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
}

fn tokenize(source: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' | ')' | '[' | ']' | ',' => {
                tokens.push(match c {
                    '(' => Token::LParen,
                    ')' => Token::RParen,
                    '[' => Token::LBracket,
                    ']' => Token::RBracket,
                    _ => Token::Comma,
                });
                i += 1;
            }
            '\'' | '"' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&d| d == c)
                    .ok_or("unterminated string")?;
                tokens.push(Token::Text(chars[i + 1..i + 1 + end].iter().collect()));
                i += end + 2;
            }
            '=' | '!' | '<' | '>' => {
                let next_eq = chars.get(i + 1) == Some(&'=');
                let op = match (c, next_eq) {
                    ('=', true) => Op::Eq,
                    ('!', true) => Op::Ne,
                    ('<', true) => Op::Le,
                    ('>', true) => Op::Ge,
                    ('<', false) => Op::Lt,
                    ('>', false) => Op::Gt,
                    _ => return Err(format!("unexpected `{c}` (use == or !=)")),
                };
                tokens.push(Token::Op(op));
                i += if next_eq { 2 } else { 1 };
            }
            c if c.is_ascii_digit() || c == '-' => {
                let start = i;
                i += 1;
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                let n = text
                    .parse::<f64>()
                    .map_err(|_| format!("bad number `{text}`"))?;
                tokens.push(Token::Number(n));
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                tokens.push(Token::Ident(chars[start..i].iter().collect()));
            }
            other => return Err(format!("unexpected character `{other}`")),
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        token
    }

    fn is_word(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Ident(w)) if w == word)
    }

    fn expect(&mut self, expected: Token) -> Result<(), String> {
        match self.next() {
            Some(t) if t == expected => Ok(()),
            other => Err(format!("expected {expected:?}, found {other:?}")),
        }
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut items = vec![self.and()?];
        while self.is_word("or") {
            self.pos += 1;
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::Or(items)
        })
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut items = vec![self.not()?];
        while self.is_word("and") {
            self.pos += 1;
            items.push(self.not()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::And(items)
        })
    }

    fn not(&mut self) -> Result<Expr, String> {
        if self.is_word("not") {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.atom()
    }

    fn key(&mut self) -> Result<String, String> {
        match self.next() {
            Some(Token::Ident(k)) if !is_reserved(&k) => Ok(k),
            other => Err(format!("expected a question key, found {other:?}")),
        }
    }

    fn literal(&mut self) -> Result<Lit, String> {
        match self.next() {
            Some(Token::Text(t)) => Ok(Lit::Text(t)),
            Some(Token::Number(n)) => Ok(Lit::Number(n)),
            other => Err(format!("expected a 'text' or a number, found {other:?}")),
        }
    }

    fn atom(&mut self) -> Result<Expr, String> {
        if self.peek() == Some(&Token::LParen) {
            self.pos += 1;
            let inner = self.or()?;
            self.expect(Token::RParen)?;
            return Ok(inner);
        }
        if self.is_word("has") || self.is_word("answered") {
            let has = self.is_word("has");
            self.pos += 1;
            self.expect(Token::LParen)?;
            let key = self.key()?;
            let expr = if has {
                self.expect(Token::Comma)?;
                Expr::Has {
                    key,
                    value: self.literal()?,
                }
            } else {
                Expr::Answered { key }
            };
            self.expect(Token::RParen)?;
            return Ok(expr);
        }
        let key = self.key()?;
        if self.is_word("in") {
            self.pos += 1;
            self.expect(Token::LBracket)?;
            let mut values = vec![self.literal()?];
            while self.peek() == Some(&Token::Comma) {
                self.pos += 1;
                values.push(self.literal()?);
            }
            self.expect(Token::RBracket)?;
            return Ok(Expr::In { key, values });
        }
        match self.next() {
            Some(Token::Op(op)) => {
                let value = self.literal()?;
                if matches!(value, Lit::Text(_)) && !matches!(op, Op::Eq | Op::Ne) {
                    return Err("<, <=, > and >= compare numbers only".to_string());
                }
                Ok(Expr::Compare { key, op, value })
            }
            other => Err(format!(
                "expected ==, !=, <, <=, >, >= or `in` after `{key}`, found {other:?}"
            )),
        }
    }
}

fn is_reserved(word: &str) -> bool {
    matches!(word, "and" | "or" | "not" | "in" | "has" | "answered")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(source: &str) -> Condition {
        Condition::parse(source, &|_| true).expect("condition parses")
    }

    fn answers(pairs: &[(&str, &str)]) -> Answers {
        Answers::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn equality_membership_and_checkboxes() {
        let a = answers(&[
            ("profil", "locataire"),
            ("pieces", "cuisine"),
            ("pieces", "sdb"),
        ]);
        assert!(parse("profil == 'locataire'").eval(&a));
        assert!(parse("profil != \"bailleur\"").eval(&a));
        assert!(parse("profil in ['bailleur', 'locataire']").eval(&a));
        assert!(!parse("profil in ['bailleur']").eval(&a));
        assert!(parse("has(pieces, 'sdb')").eval(&a));
        assert!(!parse("has(pieces, 'wc')").eval(&a));
        assert!(parse("answered(pieces)").eval(&a));
    }

    #[test]
    fn and_binds_tighter_than_or_and_not_tightest() {
        let a = answers(&[("x", "1")]);
        // x == 1 or (y == 1 and z == 1)
        assert!(parse("x == '1' or y == '1' and z == '1'").eval(&a));
        // (x == 1 or y == 1) and z == 1
        assert!(!parse("(x == '1' or y == '1') and z == '1'").eval(&a));
        // (not x == 2) and x == 1
        assert!(parse("not x == '2' and x == '1'").eval(&a));
        assert!(!parse("not (x == '1' or y == '1')").eval(&a));
    }

    #[test]
    fn numbers_compare_as_numbers() {
        let a = answers(&[("n", "10"), ("d", "9,5")]);
        assert!(parse("n > 9").eval(&a));
        assert!(parse("n >= 10 and n <= 10").eval(&a));
        assert!(parse("n == 10.0").eval(&a));
        assert!(parse("d < 10").eval(&a));
        // As text "10" < "9"; as numbers it is not.
        assert!(!parse("n < 9").eval(&answers(&[("n", "10")])));
        assert!(!parse("n > 0").eval(&answers(&[("n", "abc")])));
    }

    #[test]
    fn an_absent_answer_makes_every_test_false() {
        let empty = answers(&[("blank", "  ")]);
        for source in [
            "blank == ''",
            "blank != 'x'",
            "missing != 'x'",
            "missing in ['a']",
            "missing > 0",
            "has(missing, 'a')",
            "answered(blank)",
        ] {
            assert!(!parse(source).eval(&empty), "{source}");
        }
        assert!(parse("not missing == 'x'").eval(&empty));
    }

    #[test]
    fn unknown_keys_and_bad_syntax_are_rejected() {
        let known = |k: &str| k == "profil";
        let err = Condition::parse("profil == 'a' and typo == 'b'", &known).unwrap_err();
        assert!(err.message.contains("typo"), "{err}");
        for bad in [
            "profil = 'a'",
            "profil == 'a",
            "profil ==",
            "(profil == 'a'",
            "profil == 'a' profil",
            "profil < 'a'",
            "has(profil)",
            "and == 'a'",
            "profil in []",
            "profil £ 2",
        ] {
            assert!(Condition::parse(bad, &known).is_err(), "{bad}");
        }
    }

    #[test]
    fn keys_lists_what_it_reads() {
        let c = parse("a == '1' and (has(b, 'x') or not answered(c))");
        assert_eq!(c.keys(), ["a", "b", "c"]);
        assert_eq!(c.source(), "a == '1' and (has(b, 'x') or not answered(c))");
    }
}
