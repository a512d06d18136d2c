//! Which plan applies to a debtor: segment rules on customer attributes (tags, language, open
//! amount, payment history), tried in priority order, with the tenant's default plan last.
use serde::{Deserialize, Serialize};

/// A rule left empty matches everyone; every rule that is set must match.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Segment {
    /// The customer carries at least one of these tags.
    pub tags_any: Vec<String>,
    /// The customer's language is one of these codes.
    pub languages: Vec<String>,
    pub min_open_cents: Option<i64>,
    pub max_open_cents: Option<i64>,
    /// Payment history: the customer had at least this many earlier invoices reminded.
    pub min_reminded_invoices: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerFacts {
    pub tags: Vec<String>,
    pub language: Option<String>,
    /// All the customer's open invoices together.
    pub open_cents: i64,
    pub reminded_invoices: i64,
}

impl Segment {
    pub fn parse(json: &str) -> Option<Segment> {
        if json.trim().is_empty() {
            return Some(Segment::default());
        }
        serde_json::from_str(json).ok()
    }

    pub fn matches(&self, c: &CustomerFacts) -> bool {
        let tag_ok = self.tags_any.is_empty()
            || self
                .tags_any
                .iter()
                .any(|t| c.tags.iter().any(|ct| ct.eq_ignore_ascii_case(t)));
        let lang_ok = self.languages.is_empty()
            || c.language
                .as_deref()
                .is_some_and(|l| self.languages.iter().any(|s| s.eq_ignore_ascii_case(l)));
        tag_ok
            && lang_ok
            && self.min_open_cents.is_none_or(|m| c.open_cents >= m)
            && self.max_open_cents.is_none_or(|m| c.open_cents <= m)
            && self.min_reminded_invoices.is_none_or(|m| c.reminded_invoices >= m)
    }
}

/// A plan as the chooser sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanChoice {
    pub id: i64,
    pub priority: i32,
    pub is_default: bool,
    pub segment: Segment,
}

/// The first non-default plan by priority (then id) whose segment matches, else the default.
pub fn choose_plan(plans: &[PlanChoice], c: &CustomerFacts) -> Option<i64> {
    let mut ordered: Vec<&PlanChoice> = plans.iter().filter(|p| !p.is_default).collect();
    ordered.sort_by_key(|p| (p.priority, p.id));
    ordered
        .into_iter()
        .find(|p| p.segment.matches(c))
        .or_else(|| plans.iter().find(|p| p.is_default))
        .map(|p| p.id)
}

/// Tags as stored on a customer: comma-separated, trimmed, empty parts dropped.
pub fn parse_tags(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(id: i64, priority: i32, is_default: bool, json: &str) -> PlanChoice {
        PlanChoice {
            id,
            priority,
            is_default,
            segment: Segment::parse(json).unwrap(),
        }
    }

    fn facts(tags: &str, language: Option<&str>, open_cents: i64, reminded: i64) -> CustomerFacts {
        CustomerFacts {
            tags: parse_tags(tags),
            language: language.map(String::from),
            open_cents,
            reminded_invoices: reminded,
        }
    }

    #[test]
    fn segments_pick_the_first_matching_plan_by_priority() {
        let plans = [
            plan(1, 0, true, ""),
            plan(2, 20, false, r#"{"tags_any":["business"]}"#),
            plan(3, 10, false, r#"{"min_open_cents":100000}"#),
            plan(4, 30, false, r#"{"languages":["de"],"min_reminded_invoices":2}"#),
        ];
        #[rustfmt::skip]
        let cases: &[(&str, CustomerFacts, i64)] = &[
            ("nobody special gets the default", facts("", Some("nl"), 5_000, 0), 1),
            ("tagged business", facts("vip, Business", Some("nl"), 5_000, 0), 2),
            ("large debt beats the tag by priority", facts("business", None, 200_000, 0), 3),
            ("German repeat payer", facts("", Some("de"), 1_000, 3), 4),
            ("German first-timer gets the default", facts("", Some("de"), 1_000, 1), 1),
        ];
        for (name, c, want) in cases {
            assert_eq!(choose_plan(&plans, c), Some(*want), "{name}");
        }
    }

    #[test]
    fn bad_segment_json_is_refused() {
        assert_eq!(Segment::parse("{\"tag\":1}"), None);
        assert_eq!(Segment::parse("not json"), None);
        assert_eq!(Segment::parse(""), Some(Segment::default()));
    }

    #[test]
    fn no_default_and_no_match_means_no_plan() {
        let plans = [plan(2, 1, false, r#"{"tags_any":["x"]}"#)];
        assert_eq!(choose_plan(&plans, &facts("", None, 0, 0)), None);
    }
}
