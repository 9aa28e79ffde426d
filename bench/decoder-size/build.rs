//! Writes `sender1.rs` (the `sender1!` macro: the model's member names, unprefixed) and `many.rs`: 100 models with distinct member names, each with a serde decoder (feature
//! `serde100`) and a pull decoder (feature `pull100`), so that LLVM cannot fold them together.

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

fn main() {
    let mut out = String::new();
    for n in 0..100 {
        let keys: Vec<String> = KEYS.iter().map(|k| format!("\"m{n}_{k}\"")).collect();
        let keys = keys.join(", ");
        out += &format!(
            "model!(M{n});\n\
             #[cfg(feature = \"serde100\")] serde_impl!(M{n}, {keys});\n\
             #[cfg(feature = \"serde100\")] pub fn serde_m{n}(b: &[u8]) -> Result<Vec<M{n}>, serde_json::Error> {{ serde_path(b) }}\n\
             #[cfg(feature = \"pull100\")] pull_impl!(M{n}, {keys});\n\
             #[cfg(feature = \"pull100\")] pub fn pull_m{n}(b: &[u8]) -> Result<Vec<M{n}>, reader::Error> {{ Vec::<M{n}>::pull(&mut Reader::new(b)) }}\n"
        );
    }
    let dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    let names: Vec<String> = KEYS.iter().map(|k| format!("\"{k}\"")).collect();
    let sender1 = format!(
        "#[allow(unused_macros)]\nmacro_rules! sender1 {{\n    ($m:ident) => {{\n        $m!(Sender1, {});\n    }};\n}}\n",
        names.join(", ")
    );
    std::fs::write(format!("{dir}/sender1.rs"), sender1).expect("sender1.rs");
    std::fs::write(format!("{dir}/many.rs"), out).expect("many.rs");
    println!("cargo::rerun-if-changed=build.rs");
}
