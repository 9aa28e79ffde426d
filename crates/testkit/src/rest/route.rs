//! Which operation a request is: its method and path matched against every operation's path
//! template, the template with the most literal segments winning (`/sms/senders/import` over
//! `/sms/senders/{sender_id}`).

use qikberry::spec_examples::{SPEC_EXAMPLES, SpecExample};

/// The operations the fake knows, with their example answers.
pub(super) struct Routes(&'static [SpecExample]);

impl Routes {
    /// Every operation of the spec, from the table generated into `qikberry`.
    pub(super) fn from_spec_examples() -> Routes {
        Routes(SPEC_EXAMPLES)
    }

    /// The operation `method` and `path` address, if any.
    pub(super) fn find(&self, method: &str, path: &str) -> Option<&'static SpecExample> {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.0
            .iter()
            .filter(|e| e.method.eq_ignore_ascii_case(method))
            .filter_map(|e| literal_matches(e.path, &segments).map(|n| (n, e)))
            .max_by_key(|(n, _)| *n)
            .map(|(_, e)| e)
    }
}

/// How many literal segments of `template` matched, when all of its segments match.
fn literal_matches(template: &str, segments: &[&str]) -> Option<usize> {
    let parts: Vec<&str> = template.trim_matches('/').split('/').collect();
    if parts.len() != segments.len() {
        return None;
    }
    let mut literal = 0;
    for (part, segment) in parts.iter().zip(segments) {
        if part.starts_with('{') && part.ends_with('}') {
            if segment.is_empty() {
                return None;
            }
        } else if part == segment {
            literal += 1;
        } else {
            return None;
        }
    }
    Some(literal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_paths_win_over_templates() {
        let routes = Routes::from_spec_examples();
        let op = |m, p| routes.find(m, p).map(|e| e.operation);
        assert_eq!(op("GET", "/api/v2/sms/senders/7"), Some("sms_get_sender"));
        assert_eq!(op("GET", "/api/v2/sms/senders"), Some("sms_list_senders"));
        assert_eq!(op("POST", "/api/v2/sms/send"), Some("sms_send_message"));
        assert_eq!(
            op("GET", "/api/v2/sms/status"),
            Some("sms_get_delivery_status")
        );
        assert_eq!(op("GET", "/api/v2/nowhere"), None);
    }
}
