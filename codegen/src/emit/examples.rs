//! `api/spec_examples.rs` (feature `testkit-examples`): every operation's example answer as a
//! table, so a fake server (the `qikberry-testkit` crate) answers like the spec without reading
//! the spec at run time.

use proc_macro2::TokenStream;
use quote::quote;

use super::Emitter;

impl<'a> Emitter<'a> {
    pub(super) fn spec_examples(&self) -> TokenStream {
        let rows = self.api.examples.iter().map(|e| {
            let (operation, method, path) = (&e.operation, &e.method, &e.path);
            let status = proc_macro2::Literal::u16_unsuffixed(e.status);
            let body = match &e.body {
                Some(b) => quote!(Some(#b)),
                None => quote!(None),
            };
            quote! {
                SpecExample {
                    operation: #operation,
                    method: #method,
                    path: #path,
                    status: #status,
                    body: #body,
                },
            }
        });
        quote! {
            //! Every operation's example answer from the spec (Cargo feature `testkit-examples`):
            //! the operation's lowest 2xx status and the first example of that response, for fake
            //! servers such as the `qikberry-testkit` crate's.

            /// One operation's example answer.
            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            #[non_exhaustive]
            pub struct SpecExample {
                /// The `operationId` (`sms_send_message`).
                pub operation: &'static str,
                /// Upper-case HTTP method.
                pub method: &'static str,
                /// Base path and path template (`/api/v2/sms/senders/{sender_id}`).
                pub path: &'static str,
                /// The example's HTTP status.
                pub status: u16,
                /// The example body as compact JSON (`None`: the response has no JSON example).
                pub body: Option<&'static str>,
            }

            /// One row per operation, sorted like the generated code (by tag, then method).
            pub static SPEC_EXAMPLES: &[SpecExample] = &[#(#rows)*];
        }
    }
}
