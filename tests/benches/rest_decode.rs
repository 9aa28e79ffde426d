//! Decoding a success response into a generated type: plain `serde_json` (what the client's
//! decode was before drift reporting) against the client's decode now (`DriftLog::decode`: plain
//! `serde_json` plus drift notes; `drift_fast` without the unknown-field pass, as between two
//! sampled responses; `drift_checked` with it, as on a sampled response), and
//! `serde_path_to_error` (which tracks the JSON path so a failure can name it), on list pages of
//! growing size built from the spec's `sms_list_senders` sample sender (no drift in it).
//!
//! `cargo bench -p qikberry --bench rest_decode -- --warm-up-time 1 --measurement-time 3`

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use qikberry::drift::{DriftLog, FieldCheck};
use qikberry::sms::SmsListSendersResponse;
use serde_json::json;

fn page(items: usize) -> Vec<u8> {
    let sender = json!({
        "id": "ff467e28-7170-4a72-952e-c999cxxxxxx", "name": "SENDER",
        "service": {"id": 55, "display_name": "Global SMS", "name": "G"},
        "entity_name": "SAMPLE COMPANY", "entity_id": "123233434355345555", "header_id": null,
        "iso": "IN", "message": null, "document": null, "is_open": 0, "purpose": 1, "status": 1,
        "created_at": "2022-11-16T06:53:26.000000Z", "updated_at": "2022-11-16T06:55:55.000000Z"
    });
    let body = json!({
        "status": "OK", "code": 200, "message": "Senders List",
        "data": vec![sender; items],
        "links": {"first": "https://x/api/v2/sms/senders?page=1", "last": null, "prev": null,
                  "next": "https://x/api/v2/sms/senders?page=2"},
        "meta": {"current_page": 1, "from": 1, "last_page": 7, "path": "https://x/api/v2/sms/senders",
                 "per_page": 15, "to": 15, "total": 92}
    });
    serde_json::to_vec(&body).expect("json")
}

fn decode(c: &mut Criterion) {
    let mut g = c.benchmark_group("decode_sms_list_senders");
    let fast = DriftLog::new().with_field_check(FieldCheck::Never);
    let checked = DriftLog::new().with_field_check(FieldCheck::Always);
    for items in [1usize, 25, 250] {
        let bytes = page(items);
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_with_input(BenchmarkId::new("serde_json", items), &bytes, |b, bytes| {
            b.iter(|| serde_json::from_slice::<SmsListSendersResponse>(bytes).expect("decode"))
        });
        g.bench_with_input(BenchmarkId::new("drift_fast", items), &bytes, |b, bytes| {
            b.iter(|| {
                fast.decode::<SmsListSendersResponse>("sms_list_senders", bytes)
                    .expect("decode")
            })
        });
        g.bench_with_input(
            BenchmarkId::new("drift_checked", items),
            &bytes,
            |b, bytes| {
                b.iter(|| {
                    checked
                        .decode::<SmsListSendersResponse>("sms_list_senders", bytes)
                        .expect("decode")
                })
            },
        );
        g.bench_with_input(
            BenchmarkId::new("path_to_error", items),
            &bytes,
            |b, bytes| {
                b.iter(|| {
                    let mut de = serde_json::Deserializer::from_slice(bytes);
                    let v: SmsListSendersResponse =
                        serde_path_to_error::deserialize(&mut de).expect("decode");
                    v
                })
            },
        );
    }
    g.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
