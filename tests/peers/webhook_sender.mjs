// Sends one webhook the way the platform's PHP sender (spatie/laravel-webhook-server) does:
// the JSON is re-encoded like PHP's json_encode (`/` -> `\/`, non-ASCII -> \uXXXX), the
// `Signature` header is the lowercase hex HMAC-SHA256 of those exact bytes, and the secret goes
// in `Authorization: Bearer`. Independent of the Rust code under test.
//
// usage: node webhook_sender.mjs <url> <signature-key> <bearer-secret|-> <json-file>
//    or: node webhook_sender.mjs -    with {"url", "key", "secret" (null: none), "body"} on stdin,
//        which keeps the key and the secret off the command line (what the sandbox uses)
// prints: {"status": <http status>, "body": "<response body>", "sent": "<request body>"}
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";

const USAGE = "usage: node webhook_sender.mjs <url> <signature-key> <bearer-secret|-> <json-file> | -";
let url, key, bearer, value;
if (process.argv.length === 3 && process.argv[2] === "-") {
  const job = JSON.parse(readFileSync(0, "utf8"));
  ({ url, key } = job);
  bearer = job.secret ?? null;
  value = job.body;
} else {
  let secret, file;
  [url, key, secret, file] = process.argv.slice(2);
  bearer = secret === "-" ? null : secret;
  if (!file) {
    console.error(USAGE);
    process.exit(2);
  }
  value = JSON.parse(readFileSync(file, "utf8"));
}
const body = JSON.stringify(value)
  .replace(/\//g, "\\/")
  .replace(/[\u0080-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
const signature = createHmac("sha256", key).update(body, "utf8").digest("hex");
const headers = {
  "Content-Type": "application/json",
  "Content-Length": Buffer.byteLength(body),
  Signature: signature,
};
if (bearer !== null) headers.Authorization = `Bearer ${bearer}`;

const req = http.request(url, { method: "POST", headers }, (res) => {
  let data = "";
  res.setEncoding("utf8");
  res.on("data", (c) => (data += c));
  res.on("end", () => {
    console.log(JSON.stringify({ status: res.statusCode, body: data, sent: body }));
  });
});
req.on("error", (e) => {
  console.error(`request failed: ${e.message}`);
  process.exit(1);
});
req.end(body);
