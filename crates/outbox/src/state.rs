//! The lifecycle of a message: one model for every source of status (the send's own outcome,
//! REST status pulls, webhook reports, SMPP receipts).

use std::fmt;

use qikberry_text::status::SmsStatus;

/// Where a message is in its life.
///
/// ```text
/// queued ─claim─▶ sending ─accepted─▶ submitted ─receipts─▶ delivered | failed | expired
///   ▲                │  │                                    | rejected | undeliverable
///   │                │  └─refused──▶ refused
///   │   (not found   ▼
///   └── after grace) reconciling (REST, in doubt: looked up by `cid`) ─found─▶ submitted
///                    unknown     (SMPP, in doubt: parked for you to decide)
/// ```
///
/// [`is_final`](Self::is_final) states never change again. `unknown` is not final: it waits
/// for [`Outbox::resend`](crate::Outbox::resend) or [`Outbox::mark_failed`](crate::Outbox::mark_failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum State {
    /// Waiting for a worker.
    Queued,
    /// Claimed by a worker, whose send may be under way.
    Sending,
    /// A REST send in doubt (timeout, connection lost, worker crashed): it is looked up by its
    /// reference before anything is resent.
    Reconciling,
    /// An SMPP send in doubt: parked, never resent automatically.
    Unknown,
    /// Accepted by the platform (it has message ids); delivery reports pending.
    Submitted,
    /// Every part delivered.
    Delivered,
    /// Failed (a final report other than the ones below, or marked failed by you).
    Failed,
    /// The validity period expired.
    Expired,
    /// Rejected by the platform or an operator (including DLT rejections).
    Rejected,
    /// Undeliverable (`UNDELIV`, `UNDELIVERABLE`).
    Undeliverable,
    /// The send was refused (the platform said no, or the message cannot be sent): it surely
    /// did not go out.
    Refused,
}

impl State {
    /// Every state, in lifecycle order.
    pub const ALL: [State; 11] = [
        State::Queued,
        State::Sending,
        State::Reconciling,
        State::Unknown,
        State::Submitted,
        State::Delivered,
        State::Failed,
        State::Expired,
        State::Rejected,
        State::Undeliverable,
        State::Refused,
    ];

    /// `true` when nothing will change this state again.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            State::Delivered
                | State::Failed
                | State::Expired
                | State::Rejected
                | State::Undeliverable
                | State::Refused
        )
    }

    /// `true` while a send may have reached the platform without the outbox knowing:
    /// [`Reconciling`](State::Reconciling) and [`Unknown`](State::Unknown).
    pub fn is_in_doubt(self) -> bool {
        matches!(self, State::Reconciling | State::Unknown)
    }

    /// The name stored in the database (`queued`, `sending`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::Sending => "sending",
            State::Reconciling => "reconciling",
            State::Unknown => "unknown",
            State::Submitted => "submitted",
            State::Delivered => "delivered",
            State::Failed => "failed",
            State::Expired => "expired",
            State::Rejected => "rejected",
            State::Undeliverable => "undeliverable",
            State::Refused => "refused",
        }
    }

    /// The state of a stored name.
    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// What a delivery status says about one part: a final status maps to its final state,
    /// anything else (`ENROUTE`, `AWAITING-DLR`, values this version does not know) to
    /// [`Submitted`](State::Submitted).
    pub fn of_status(status: &SmsStatus) -> State {
        match status {
            s if !s.is_final() => State::Submitted,
            s if s.is_delivered() => State::Delivered,
            SmsStatus::Expired => State::Expired,
            SmsStatus::Undelivered | SmsStatus::Undeliverable => State::Undeliverable,
            s if matches!(s, SmsStatus::Rejected | SmsStatus::RejectedMultipart)
                || s.is_dlt_rejection() =>
            {
                State::Rejected
            }
            _ => State::Failed,
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The state of a multi-part message from its parts' statuses (in part order): submitted
/// while any part is not final; delivered when every part is; otherwise the state of the
/// first part that was not delivered. No parts: submitted.
pub(crate) fn combine<'a>(parts: impl IntoIterator<Item = Option<&'a SmsStatus>>) -> State {
    let mut first_failure = None;
    let mut any = false;
    for status in parts {
        any = true;
        let state = status.map_or(State::Submitted, State::of_status);
        if !state.is_final() {
            return State::Submitted;
        }
        if state != State::Delivered && first_failure.is_none() {
            first_failure = Some(state);
        }
    }
    match (any, first_failure) {
        (false, _) => State::Submitted,
        (true, Some(failure)) => failure,
        (true, None) => State::Delivered,
    }
}

/// Whether a status report replaces a part's current one: a final status is never replaced
/// (the first final report wins); the same status again is a duplicate; a non-final report
/// older than the current one (both with times) is out of order.
pub(crate) fn replaces(
    current: Option<(&SmsStatus, Option<i64>)>,
    new: &SmsStatus,
    new_at: Option<i64>,
) -> bool {
    let Some((status, at)) = current else {
        return true;
    };
    if status.is_final() || status == new {
        return false;
    }
    if new.is_final() {
        return true;
    }
    match (at, new_at) {
        (Some(at), Some(new_at)) => new_at >= at,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(w: &str) -> SmsStatus {
        SmsStatus::from_wire(w)
    }

    #[test]
    fn names_round_trip() {
        for st in State::ALL {
            assert_eq!(State::parse(st.as_str()), Some(st));
        }
        assert_eq!(State::parse("nope"), None);
    }

    #[test]
    fn statuses_map_to_states() {
        assert_eq!(State::of_status(&s("DELIVRD")), State::Delivered);
        assert_eq!(State::of_status(&s("DELIVERED")), State::Delivered);
        assert_eq!(State::of_status(&s("ENROUTE")), State::Submitted);
        assert_eq!(State::of_status(&s("EXPIRED")), State::Expired);
        assert_eq!(State::of_status(&s("UNDELIV")), State::Undeliverable);
        assert_eq!(State::of_status(&s("REJECTD")), State::Rejected);
        assert_eq!(State::of_status(&s("DLT-INV-TM-ID")), State::Rejected);
        assert_eq!(State::of_status(&s("ABSENT-SUB")), State::Failed);
        assert_eq!(State::of_status(&s("SOMETHING-NEW")), State::Submitted);
    }

    #[test]
    fn parts_combine() {
        let (d, e, u) = (s("DELIVRD"), s("ENROUTE"), s("UNDELIV"));
        assert_eq!(combine([Some(&d), Some(&d)]), State::Delivered);
        assert_eq!(combine([Some(&d), Some(&e)]), State::Submitted);
        assert_eq!(combine([Some(&d), None]), State::Submitted);
        assert_eq!(combine([Some(&d), Some(&u)]), State::Undeliverable);
        assert_eq!(combine([]), State::Submitted);
    }

    #[test]
    fn final_reports_are_never_replaced() {
        let (d, e, u) = (s("DELIVRD"), s("ENROUTE"), s("UNDELIV"));
        assert!(replaces(None, &e, None));
        assert!(replaces(Some((&e, Some(5))), &d, Some(1)));
        assert!(!replaces(Some((&d, Some(1))), &e, Some(9)));
        assert!(!replaces(Some((&d, Some(1))), &u, Some(9)));
        assert!(!replaces(Some((&e, Some(5))), &e, Some(9)));
        let a = s("ACCEPTD");
        assert!(!replaces(Some((&e, Some(5))), &a, Some(4)));
        assert!(replaces(Some((&e, Some(5))), &a, Some(6)));
    }
}
