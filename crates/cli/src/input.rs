//! Reading a campaign file (CSV or JSON lines) into the outbox's messages.

use std::collections::HashSet;
use std::io::BufRead;
use std::path::Path;

use qikberry::outbox::{Message, NewMessage};
use serde::Deserialize;

use crate::args::Format;

/// One line of the file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    reference: String,
    to: String,
    text: String,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    service: Option<String>,
    #[serde(default)]
    entity_id: Option<String>,
    #[serde(default)]
    template_id: Option<String>,
    #[serde(default)]
    tm_id: Option<String>,
}

/// The format of `path`: `format` when given, else from the extension.
pub fn format_of(path: &Path, format: Option<Format>) -> Result<Format, String> {
    if let Some(f) = format {
        return Ok(f);
    }
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    match ext.to_ascii_lowercase().as_str() {
        "csv" => Ok(Format::Csv),
        "jsonl" | "ndjson" | "json" => Ok(Format::Jsonl),
        _ => Err(format!(
            "{}: cannot tell the format from the extension; pass --format csv or --format jsonl",
            path.display()
        )),
    }
}

/// Every message of the file, in order; the first bad line stops with an error naming it.
pub fn read(path: &Path, format: Format, from: Option<&str>) -> Result<Vec<NewMessage>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let rows = match format {
        Format::Csv => read_csv(file),
        Format::Jsonl => read_jsonl(std::io::BufReader::new(file)),
    }
    .map_err(|e| format!("{}: {e}", path.display()))?;
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(rows.len());
    for (line, row) in rows {
        out.push(
            message(line, row, from, &mut seen).map_err(|e| format!("{}: {e}", path.display()))?,
        );
    }
    Ok(out)
}

fn message(
    line: u64,
    row: Row,
    default_from: Option<&str>,
    seen: &mut HashSet<String>,
) -> Result<NewMessage, String> {
    let required = [
        ("reference", &row.reference),
        ("to", &row.to),
        ("text", &row.text),
    ];
    if let Some((field, _)) = required.iter().find(|(_, v)| v.trim().is_empty()) {
        return Err(format!("line {line}: `{field}` is empty"));
    }
    if !seen.insert(row.reference.clone()) {
        return Err(format!(
            "line {line}: reference `{}` appears twice",
            row.reference
        ));
    }
    let from = match row.from.filter(|f| !f.is_empty()) {
        Some(f) => f,
        None => default_from
            .ok_or_else(|| format!("line {line}: no `from`; add the column or pass --from"))?
            .to_owned(),
    };
    let mut m = Message::new(from, row.to, row.text);
    m.service = row.service.filter(|s| !s.is_empty());
    m.entity_id = row.entity_id.filter(|s| !s.is_empty());
    m.template_id = row.template_id.filter(|s| !s.is_empty());
    m.tm_id = row.tm_id.filter(|s| !s.is_empty());
    Ok(NewMessage::new(row.reference, m))
}

fn read_csv(file: std::fs::File) -> Result<Vec<(u64, Row)>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::Headers)
        .from_reader(file);
    let headers = reader
        .headers()
        .map_err(|e| format!("line 1: {}", csv_error(&e)))?
        .clone();
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let at = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(format!("line {at}: {}", csv_error(&e))),
        }
        let line = record.position().map_or(at, csv::Position::line);
        let row = record
            .deserialize(Some(&headers))
            .map_err(|e| format!("line {line}: {}", csv_error(&e)))?;
        rows.push((line, row));
    }
    Ok(rows)
}

/// The csv crate's message without its own position prefix.
fn csv_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Deserialize { err, .. } => err.to_string(),
        _ => e.to_string(),
    }
}

fn read_jsonl(reader: impl BufRead) -> Result<Vec<(u64, Row)>, String> {
    let mut rows = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let n = i as u64 + 1;
        let line = line.map_err(|e| format!("line {n}: {e}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let row = serde_json::from_str(&line).map_err(|e| format!("line {n}: {e}"))?;
        rows.push((n, row));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, body: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("qikberry-cli-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, body).unwrap();
        p
    }

    #[test]
    fn csv_with_quotes_and_default_sender() {
        let p = file(
            "a.csv",
            "reference,to,text\nr1,9199,\"Hi, there\"\nr2,9198,Bye\n",
        );
        let m = read(&p, Format::Csv, Some("QIK")).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].message.text, "Hi, there");
        assert_eq!(m[1].message.from, "QIK");
    }

    #[test]
    fn bad_lines_are_named() {
        let p = file("b.csv", "reference,to,text\nr1,9199,Hi\nr2,,Bye\n");
        let e = read(&p, Format::Csv, Some("QIK")).unwrap_err();
        assert!(e.contains("line 3") && e.contains("`to`"), "{e}");
        let p = file(
            "c.jsonl",
            "{\"reference\":\"r1\",\"to\":\"1\",\"text\":\"x\",\"from\":\"A\"}\n{\"reference\":\"r1\",\"to\":\"1\",\"text\":\"y\",\"from\":\"A\"}\n",
        );
        let e = read(&p, Format::Jsonl, None).unwrap_err();
        assert!(e.contains("line 2") && e.contains("twice"), "{e}");
        let p = file("d.jsonl", "{\"reference\":\"r1\",\"text\":\"x\"}\n");
        let e = read(&p, Format::Jsonl, None).unwrap_err();
        assert!(e.contains("line 1") && e.contains("`to`"), "{e}");
        let p = file("e.csv", "reference,to,text\nr1,9199,Hi\n");
        let e = read(&p, Format::Csv, None).unwrap_err();
        assert!(e.contains("--from"), "{e}");
    }

    #[test]
    fn format_from_extension() {
        assert_eq!(format_of(Path::new("a.CSV"), None), Ok(Format::Csv));
        assert_eq!(format_of(Path::new("a.ndjson"), None), Ok(Format::Jsonl));
        assert!(format_of(Path::new("a.txt"), None).is_err());
        assert_eq!(
            format_of(Path::new("a.txt"), Some(Format::Csv)),
            Ok(Format::Csv)
        );
    }
}
