//! The progress display: an indicatif bar on a terminal, plain lines on stderr otherwise.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::counts::Counts;

/// Shows a campaign's progress as it changes.
pub struct Progress {
    bar: Option<ProgressBar>,
    plain_every: Option<Duration>,
    last_plain: Instant,
    start: Instant,
    started_at: Option<u64>,
}

impl Progress {
    /// A bar when stdout is a terminal (unless `quiet`); else a plain line every
    /// `plain_every` (none when zero or `quiet`).
    pub fn new(quiet: bool, plain_every: Duration) -> Progress {
        let terminal = std::io::stdout().is_terminal();
        let bar = (!quiet && terminal).then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stdout());
            let style = ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} sent · {per_sec} · ETA {eta}\n  {msg}",
            )
            .expect("a valid template");
            bar.set_style(style);
            bar
        });
        let plain = !quiet && !terminal && !plain_every.is_zero();
        Progress {
            bar,
            plain_every: plain.then_some(plain_every),
            last_plain: Instant::now(),
            start: Instant::now(),
            started_at: None,
        }
    }

    /// Shows `counts` (the rate counts from the first update on, so a resumed campaign's
    /// earlier sends do not inflate it).
    pub fn update(&mut self, counts: &Counts) {
        let first = *self.started_at.get_or_insert(counts.sent);
        if let Some(bar) = &self.bar {
            bar.set_length(counts.total);
            bar.set_position(counts.sent);
            if counts.sent == first {
                bar.reset_eta();
            }
            bar.set_message(counts.line());
            bar.tick();
        }
        if let Some(every) = self.plain_every
            && self.last_plain.elapsed() >= every
        {
            self.last_plain = Instant::now();
            let secs = self.start.elapsed().as_secs_f64();
            let rate = counts.sent.saturating_sub(first) as f64 / secs.max(1e-3);
            eprintln!(
                "[{secs:>6.1}s] {}/{} sent ({rate:.0}/s) · {}",
                counts.sent,
                counts.total,
                counts.line()
            );
        }
    }

    /// A note above the bar (or on stderr).
    pub fn note(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }

    /// Removes the bar (the summary follows).
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
