//! Writes `models.rs`: `Sender1` (the member names of `SmsSender`) and 100 models `M0`…`M99`
//! whose member names carry a prefix, so that LLVM cannot fold their decoders together. Each
//! model gets a serde decoder and a pull decoder, each behind its feature (`serde1`/`pull1` for
//! `Sender1`, `serde100`/`pull100` for the hundred).

const KEYS: [&str; 14] = [
    "id",
    "name",
    "service",
    "entity_name",
    "entity_id",
    "header_id",
    "iso",
    "message",
    "document",
    "is_open",
    "purpose",
    "status",
    "created_at",
    "updated_at",
];

/// The model `name`, its two decoders, and `serde_<fn_name>`/`pull_<fn_name>` reading a page.
fn model(name: &str, fn_name: &str, prefix: &str, features: [&str; 2]) -> String {
    let keys: Vec<String> = KEYS.iter().map(|k| format!("\"{prefix}{k}\"")).collect();
    let keys = keys.join(", ");
    let [serde, pull] = features;
    format!(
        "model!({name});\n\
         #[cfg(feature = \"{serde}\")] serde_impl!({name}, {keys});\n\
         /// A page of `{name}` through the serde decoder.\n\
         #[cfg(feature = \"{serde}\")] pub fn serde_{fn_name}(b: &[u8]) -> Result<Vec<{name}>, serde_json::Error> {{ serde_path(b) }}\n\
         #[cfg(feature = \"{pull}\")] pull_impl!({name}, {keys});\n\
         /// A page of `{name}` through the pull decoder.\n\
         #[cfg(feature = \"{pull}\")] pub fn pull_{fn_name}(b: &[u8]) -> Result<Vec<{name}>, reader::Error> {{ Vec::<{name}>::pull(&mut Reader::new(b)) }}\n"
    )
}

fn main() {
    let mut out = model("Sender1", "sender1", "", ["serde1", "pull1"]);
    for n in 0..100 {
        out += &model(
            &format!("M{n}"),
            &format!("m{n}"),
            &format!("m{n}_"),
            ["serde100", "pull100"],
        );
    }
    let dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    std::fs::write(format!("{dir}/models.rs"), out).expect("models.rs");
    println!("cargo::rerun-if-changed=build.rs");
}
