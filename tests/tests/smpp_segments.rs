//! `qikberry::sms_text::segments` (the same function as `qikberry::smpp::segments`, compiled
//! without the `smpp` feature) cross-checked against an independent counter, the npm package
//! `sms-segments-calculator`, on a few hundred generated texts.

mod smpp_common;

use qikberry::sms_text::{Encoding, EncodingChoice, segments};
use std::io::Write;
use std::process::{Command, Stdio};

/// Characters drawn from: every class that changes the count. Each is a single Unicode scalar
/// that forms a grapheme on its own (the npm counter never splits a grapheme), and `\r` is left
/// out because it counts "\r\n" as one two-unit grapheme and forces UCS-2.
const POOL: &[&str] = &[
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,!?",
    "@£$¥èéùìòÇ\nØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ\"#¤%&'()*+-/:;<=>¡ÄÖÑÜ§¿äöñüà",
    "^{}\\[~]|€\u{0C}",
    "жщЯд",
    "你好世界",
    "😀🚀🎉",
    "áíóúâêç",
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn generate(n: usize) -> Vec<String> {
    let mut rng = Rng(0x005E_ED0F_5AA5);
    let classes: Vec<Vec<char>> = POOL.iter().map(|s| s.chars().collect()).collect();
    (0..n)
        .map(|i| {
            // Mostly plain GSM, sometimes with extension chars, sometimes with UCS-2 ones.
            let allowed: Vec<usize> = match i % 4 {
                0 => vec![0, 1],
                1 => vec![0, 1, 2],
                2 => vec![0, 2, 3, 4, 5, 6],
                _ => vec![0, 0, 0, 0, 1, 2, rng.below(7)],
            };
            // Lengths cluster around the part boundaries.
            let len = match rng.below(3) {
                0 => rng.below(480),
                1 => [70, 134, 153, 160, 201, 306, 459][rng.below(7)] + rng.below(5) - 2,
                _ => [66, 67, 68, 69, 70, 71, 152, 153, 154, 159, 160, 161][rng.below(12)],
            };
            (0..len)
                .map(|_| {
                    let c = &classes[allowed[rng.below(allowed.len())]];
                    c[rng.below(c.len())]
                })
                .collect()
        })
        .collect()
}

#[test]
fn segment_counts_match_sms_segments_calculator() {
    let tools = smpp_common::tools();
    let texts = generate(400);
    let mut child = Command::new("node")
        .arg(smpp_common::peer_script("segments.js"))
        .env("QIKBERRY_TOOLS", &tools)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run `node` for sms-segments-calculator: {e}"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(&texts).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "segments.js failed: {out:?}");
    let theirs: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(theirs.len(), texts.len());
    let mut multi = 0;
    let mut ucs2 = 0;
    for (t, v) in texts.iter().zip(&theirs) {
        let ours = segments(t, EncodingChoice::Auto);
        let enc = match ours.encoding {
            Encoding::Gsm7 => "GSM-7",
            Encoding::Ucs2 => "UCS-2",
            Encoding::Latin1 => "Latin-1",
        };
        assert_eq!(enc, v["encoding"], "encoding of {t:?}");
        assert_eq!(
            ours.count as u64,
            v["segments"].as_u64().unwrap(),
            "segments of {t:?} ({enc}, {} units)",
            ours.units
        );
        multi += usize::from(ours.count > 1);
        ucs2 += usize::from(ours.encoding == Encoding::Ucs2);
    }
    // The generator exercises both encodings and concatenation.
    assert!(multi > 100 && ucs2 > 50, "multi {multi}, ucs2 {ucs2}");
}
