//! The typed call table: one generated-client call per operation of `spec/qikberry.yaml`.
//! Scaffolded by `tests/peers/scaffold_rest_calls.py` (spec + generated signatures), then reviewed.
//!
//! Each entry names its operationId, the raw query string the call must produce and the multipart
//! text fields it sets; the harness (`http_operations.rs`, `prism_contract.rs`) checks the table
//! covers every operation of the spec exactly once, takes the request bodies and expected responses
//! from the spec's examples, and checks the query names and values against the spec's parameters.
//! A new operation in the spec fails both suites until it gets an entry here.
//!
//! `x` is the call's [`Ctx`](crate::support::ops::Ctx): `x.body()` the request example as the
//! generated body type, `x.id()` / `x.num` path parameter values, `x.file()` the upload.

use crate::call;
use crate::support::ops::Call;

/// Every call, in spec order.
pub fn all() -> Vec<Call> {
    vec![
        call!("auth_get_me", "", [], |c, x| c.auth().get_me().send()),
        call!("auth_generate_token", "", [], |c, x| c
            .auth()
            .generate_token()
            .send()),
        call!("auth_refresh_token", "", [], |c, x| c
            .auth()
            .refresh_token()
            .send()),
        call!(
            "webhooks_list_webhooks",
            "filter%5Bname%5D=a%20b%26c&page=2",
            [],
            |c, x| c
                .webhooks()
                .list_webhooks()
                .filter(qikberry::webhooks::WebhookFilter::new().name("a b&c"))
                .page(2)
                .send()
        ),
        call!("webhooks_create_webhook", "", [], |c, x| c
            .webhooks()
            .create_webhook(x.body::<qikberry::webhooks::WebhooksCreateWebhookRequest>())
            .send()),
        call!("webhooks_get_webhook", "", [], |c, x| c
            .webhooks()
            .get_webhook(x.id())
            .send()),
        call!("webhooks_update_webhook", "", [], |c, x| c
            .webhooks()
            .update_webhook(
                x.id(),
                x.body::<qikberry::webhooks::WebhooksUpdateWebhookRequest>()
            )
            .send()),
        call!("webhooks_delete_webhook", "", [], |c, x| c
            .webhooks()
            .delete_webhook(x.id())
            .send()),
        call!("subscriptions_list_subscriptions", "page=2", [], |c, x| c
            .subscriptions()
            .list_subscriptions()
            .page(2)
            .send()),
        call!("subscriptions_create_subscription", "", [], |c, x| c
            .subscriptions()
            .create_subscription(
                x.body::<qikberry::subscriptions::SubscriptionsCreateSubscriptionRequest>()
            )
            .send()),
        call!("subscriptions_get_subscription", "", [], |c, x| c
            .subscriptions()
            .get_subscription(x.id())
            .send()),
        call!("subscriptions_delete_subscription", "", [], |c, x| c
            .subscriptions()
            .delete_subscription(x.id())
            .send()),
        call!(
            "sms_list_senders",
            "filter%5Bname%5D=a%20b%26c&page=2",
            [],
            |c, x| c
                .sms()
                .list_senders()
                .filter(qikberry::sms::SmsSenderFilter::new().name("a b&c"))
                .page(2)
                .send()
        ),
        call!("sms_create_sender", "", [], |c, x| c
            .sms()
            .create_sender(x.body::<qikberry::sms::SmsCreateSenderRequest>())
            .send()),
        call!("sms_get_sender", "", [], |c, x| c
            .sms()
            .get_sender(x.id())
            .send()),
        call!("sms_update_sender", "", [], |c, x| c
            .sms()
            .update_sender(x.id(), x.body::<qikberry::sms::SmsUpdateSenderRequest>())
            .send()),
        call!("sms_delete_sender", "", [], |c, x| c
            .sms()
            .delete_sender(x.id())
            .send()),
        call!(
            "sms_list_templates",
            "filter%5Bname%5D=a%20b%26c&page=2",
            [],
            |c, x| c
                .sms()
                .list_templates()
                .filter(qikberry::sms::SmsTemplateFilter::new().name("a b&c"))
                .page(2)
                .send()
        ),
        call!("sms_create_template", "", [], |c, x| c
            .sms()
            .create_template(x.body::<qikberry::sms::SmsCreateTemplateRequest>())
            .send()),
        call!("sms_get_template", "", [], |c, x| c
            .sms()
            .get_template(x.id())
            .send()),
        call!("sms_update_template", "", [], |c, x| c
            .sms()
            .update_template(x.id(), x.body::<qikberry::sms::SmsUpdateTemplateRequest>())
            .send()),
        call!("sms_delete_template", "", [], |c, x| c
            .sms()
            .delete_template(x.id())
            .send()),
        call!(
            "sms_list_unsubscribers",
            "filter%5Bid%5D=a%20b%26c&filter%5Biso%5D=a%20b%26c&filter%5Breceiver%5D=919000000001&filter%5Btype%5D=tag&filter%5Bvalue%5D=a%20b%26c&page=2",
            [],
            |c, x| c
                .sms()
                .list_unsubscribers()
                .filter(
                    qikberry::sms::SmsUnsubscriberFilter::new()
                        .id("a b&c")
                        .iso("a b&c")
                        .receiver("+91 90000-00001")
                        .r#type("tag".into())
                        .value("a b&c")
                )
                .page(2)
                .send()
        ),
        call!("sms_create_unsubscriber", "", [], |c, x| c
            .sms()
            .create_unsubscriber(x.body::<qikberry::sms::SmsCreateUnsubscriberRequest>())
            .send()),
        call!("sms_clean_unsubscribers", "", [], |c, x| c
            .sms()
            .clean_unsubscribers()
            .send()),
        call!("sms_get_unsubscriber", "", [], |c, x| c
            .sms()
            .get_unsubscriber(x.id())
            .send()),
        call!("sms_update_unsubscriber", "", [], |c, x| c
            .sms()
            .update_unsubscriber(
                x.id(),
                x.body::<qikberry::sms::SmsUpdateUnsubscriberRequest>()
            )
            .send()),
        call!("sms_delete_unsubscriber", "", [], |c, x| c
            .sms()
            .delete_unsubscriber(x.id())
            .send()),
        call!("sms_import_unsubscribers", "", [], |c, x| c
            .sms()
            .import_unsubscribers(x.file())
            .send()),
        call!(
            "sms_list_blocked_templates",
            "filter%5Bid%5D=a%20b%26c&filter%5Btemplate_id%5D=a%20b%26c&filter%5Bstatus%5D=0&page=2",
            [],
            |c, x| c
                .sms()
                .list_blocked_templates()
                .filter(
                    qikberry::sms::SmsBlockedTemplateFilter::new()
                        .id("a b&c")
                        .template_id("a b&c")
                        .status(0)
                )
                .page(2)
                .send()
        ),
        call!("sms_create_blocked_template", "", [], |c, x| c
            .sms()
            .create_blocked_template(x.body::<qikberry::sms::SmsCreateBlockedTemplateRequest>())
            .send()),
        call!("sms_clean_blocked_templates", "", [], |c, x| c
            .sms()
            .clean_blocked_templates()
            .send()),
        call!("sms_get_blocked_template", "", [], |c, x| c
            .sms()
            .get_blocked_template(x.id())
            .send()),
        call!("sms_update_blocked_template", "", [], |c, x| c
            .sms()
            .update_blocked_template(
                x.id(),
                x.body::<qikberry::sms::SmsUpdateBlockedTemplateRequest>()
            )
            .send()),
        call!("sms_delete_blocked_template", "", [], |c, x| c
            .sms()
            .delete_blocked_template(x.id())
            .send()),
        call!(
            "sms_import_blocked_templates",
            "",
            [("caption", "a b&c"), ("filename", "a b&c")],
            |c, x| c
                .sms()
                .import_blocked_templates(x.file())
                .caption("a b&c")
                .filename("a b&c")
                .send()
        ),
        call!("sms_send_message", "", [], |c, x| c
            .sms()
            .send_message(x.body::<qikberry::sms::SmsSendMessageRequest>())
            .send()),
        call!("sms_send_template_message", "", [], |c, x| c
            .sms()
            .send_template_message(x.body::<qikberry::sms::SmsSendTemplateMessageRequest>())
            .send()),
        call!("sms_send_text_message", "", [], |c, x| c
            .sms()
            .send_text_message(x.body::<qikberry::sms::SmsSendTextMessageRequest>())
            .send()),
        call!(
            "sms_get_delivery_status",
            "id=a%20b%26c&mobile=919000000001&cid=a%20b%26c&date=2024-01-31&group_id=a%20b%26c&page=2",
            [],
            |c, x| c
                .sms()
                .get_delivery_status()
                .filter(
                    qikberry::sms::SmsDeliveryStatusFilter::new()
                        .id("a b&c")
                        .mobile("+91 90000-00001")
                        .cid("a b&c")
                        .date("2024-01-31")
                        .group_id("a b&c")
                )
                .page(2)
                .send()
        ),
        call!(
            "sms_list_pricing",
            "filter%5Biso%5D=a%20b%26c&filter%5Bservice%5D=a%20b%26c&filter%5Bstatus%5D=0&page=2",
            [],
            |c, x| c
                .sms()
                .list_pricing()
                .filter(
                    qikberry::sms::SmsPricingFilter::new()
                        .iso("a b&c")
                        .service("a b&c")
                        .status(0)
                )
                .page(2)
                .send()
        ),
        call!("account_get_balance", "", [], |c, x| c
            .account()
            .get_balance()
            .send()),
        call!("account_add_credits", "", [], |c, x| c
            .account()
            .add_credits(x.body::<qikberry::account::AccountAddCreditsRequest>())
            .send()),
        call!("integrations_send_clevertap_sms", "", [], |c, x| c
            .integrations()
            .send_clevertap_sms(
                x.body::<qikberry::integrations::IntegrationsSendClevertapSmsRequest>()
            )
            .send()),
        call!("integrations_send_clevertap_json", "", [], |c, x| c
            .integrations()
            .send_clevertap_json(
                x.body::<qikberry::integrations::IntegrationsSendClevertapJsonRequest>()
            )
            .send()),
        call!("integrations_send_moengage_sms", "", [], |c, x| c
            .integrations()
            .send_moengage_sms(
                x.body::<qikberry::integrations::IntegrationsSendMoengageSmsRequest>()
            )
            .send()),
        call!(
            "rcs_list_templates",
            "filter%5Bid%5D=a%20b%26c&filter%5Bname%5D=a%20b%26c&filter%5Btype%5D=text&filter%5Bstatus%5D=0&page=2",
            [],
            |c, x| c
                .rcs()
                .list_templates()
                .filter(
                    qikberry::rcs::RcsTemplateFilter::new()
                        .id("a b&c")
                        .name("a b&c")
                        .r#type("text".into())
                        .status("0".into())
                )
                .page(2)
                .send()
        ),
        call!("rcs_create_template", "", [], |c, x| c
            .rcs()
            .create_template(x.body::<qikberry::rcs::RcsCreateTemplateRequest>())
            .send()),
        call!("rcs_get_template", "", [], |c, x| c
            .rcs()
            .get_template(x.id())
            .send()),
        call!("rcs_update_template", "", [], |c, x| c
            .rcs()
            .update_template(x.id(), x.body::<qikberry::rcs::RcsUpdateTemplateRequest>())
            .send()),
        call!("rcs_delete_template", "", [], |c, x| c
            .rcs()
            .delete_template(x.id())
            .send()),
        call!("rcs_list_unsubscribers", "page=2", [], |c, x| c
            .rcs()
            .list_unsubscribers()
            .page(2)
            .send()),
        call!("rcs_create_unsubscriber", "", [], |c, x| c
            .rcs()
            .create_unsubscriber(x.body::<qikberry::rcs::RcsCreateUnsubscriberRequest>())
            .send()),
        call!("rcs_clean_unsubscribers", "", [], |c, x| c
            .rcs()
            .clean_unsubscribers()
            .send()),
        call!("rcs_get_unsubscriber", "", [], |c, x| c
            .rcs()
            .get_unsubscriber(x.id())
            .send()),
        call!("rcs_update_unsubscriber", "", [], |c, x| c
            .rcs()
            .update_unsubscriber(
                x.id(),
                x.body::<qikberry::rcs::RcsUpdateUnsubscriberRequest>()
            )
            .send()),
        call!("rcs_delete_unsubscriber", "", [], |c, x| c
            .rcs()
            .delete_unsubscriber(x.id())
            .send()),
        call!("rcs_import_unsubscribers", "", [], |c, x| c
            .rcs()
            .import_unsubscribers(x.file())
            .send()),
        call!("rcs_send_message", "", [], |c, x| c
            .rcs()
            .send_message(x.body::<qikberry::rcs::RcsSendMessageRequest>())
            .send()),
        call!("rcs_send_template", "", [], |c, x| c
            .rcs()
            .send_template(x.body::<qikberry::rcs::RcsSendTemplateRequest>())
            .send()),
        call!(
            "rcs_get_message_status",
            "id=a%20b%26c&mobile=919000000001",
            [],
            |c, x| c
                .rcs()
                .get_message_status()
                .filter(
                    qikberry::rcs::RcsMessageStatusFilter::new()
                        .id("a b&c")
                        .mobile("+91 90000-00001")
                )
                .send()
        ),
        call!(
            "rcs_list_pricing",
            "filter%5Biso%5D=a%20b%26c&filter%5Bservice%5D=a%20b%26c&filter%5Bsubservice%5D=a%20b%26c&filter%5Bstatus%5D=0&page=2",
            [],
            |c, x| c
                .rcs()
                .list_pricing()
                .filter(
                    qikberry::rcs::RcsPricingFilter::new()
                        .iso("a b&c")
                        .service("a b&c")
                        .subservice("a b&c")
                        .status("0".into())
                )
                .page(2)
                .send()
        ),
        call!("smart_links_list_visits", "page=2", [], |c, x| c
            .smart_links()
            .list_visits(x.id())
            .page(2)
            .send()),
        call!(
            "voice_list_unsubscribers",
            "filter%5Bid%5D=a%20b%26c&filter%5Biso%5D=a%20b%26c&filter%5Breceiver%5D=919000000001&filter%5Btype%5D=tag&filter%5Bvalue%5D=a%20b%26c&page=2",
            [],
            |c, x| c
                .voice()
                .list_unsubscribers()
                .filter(
                    qikberry::voice::VoiceUnsubscriberFilter::new()
                        .id("a b&c")
                        .iso("a b&c")
                        .receiver("+91 90000-00001")
                        .r#type("tag".into())
                        .value("a b&c")
                )
                .page(2)
                .send()
        ),
        call!("voice_create_unsubscriber", "", [], |c, x| c
            .voice()
            .create_unsubscriber(x.body::<qikberry::voice::VoiceCreateUnsubscriberRequest>())
            .send()),
        call!("voice_clean_unsubscribers", "", [], |c, x| c
            .voice()
            .clean_unsubscribers()
            .send()),
        call!("voice_get_unsubscriber", "", [], |c, x| c
            .voice()
            .get_unsubscriber(x.id())
            .send()),
        call!("voice_update_unsubscriber", "", [], |c, x| c
            .voice()
            .update_unsubscriber(
                x.id(),
                x.body::<qikberry::voice::VoiceUpdateUnsubscriberRequest>()
            )
            .send()),
        call!("voice_delete_unsubscriber", "", [], |c, x| c
            .voice()
            .delete_unsubscriber(x.id())
            .send()),
        call!("voice_import_unsubscribers", "", [], |c, x| c
            .voice()
            .import_unsubscribers(x.file())
            .send()),
        call!("voice_create_call", "", [], |c, x| c
            .voice()
            .create_call(x.body::<qikberry::voice::VoiceCreateCallRequest>())
            .send()),
        call!("voice_create_bulk_calls", "", [], |c, x| c
            .voice()
            .create_bulk_calls(x.body::<qikberry::voice::VoiceCreateBulkCallsRequest>())
            .send()),
        call!("voice_create_tts_call", "", [], |c, x| c
            .voice()
            .create_tts_call(x.body::<qikberry::voice::VoiceCreateTtsCallRequest>())
            .send()),
        call!("voice_create_click_to_call", "", [], |c, x| c
            .voice()
            .create_click_to_call(x.body::<qikberry::voice::VoiceCreateClickToCallRequest>())
            .send()),
        call!(
            "voice_list_call_logs",
            "datetime%5Bend_at%5D=2024-01-31%2010%3A00%3A00&page=2",
            [],
            |c, x| c
                .voice()
                .list_call_logs()
                .filter(
                    qikberry::voice::VoiceCallLogFilter::new()
                        .datetime_end_at("2024-01-31 10:00:00")
                )
                .page(2)
                .send()
        ),
        call!(
            "voice_list_recordings",
            "datetime%5Br.created_at%5D=2024-01-31%2010%3A00%3A00&page=2",
            [],
            |c, x| c
                .voice()
                .list_recordings()
                .filter(
                    qikberry::voice::VoiceRecordingFilter::new()
                        .datetime_r_created_at("2024-01-31 10:00:00")
                )
                .page(2)
                .send()
        ),
        call!(
            "voice_get_call_status",
            "id=a%20b%26c&cid=a%20b%26c&date=2024-01-31&mobile=919000000001",
            [],
            |c, x| c
                .voice()
                .get_call_status()
                .filter(
                    qikberry::voice::VoiceCallStatusFilter::new()
                        .id("a b&c")
                        .cid("a b&c")
                        .date("2024-01-31")
                        .mobile("+91 90000-00001")
                )
                .send()
        ),
        call!("voice_create_sound", "", [("name", "a b&c")], |c, x| c
            .voice()
            .create_sound(x.file())
            .name("a b&c")
            .send()),
        call!(
            "voice_list_pricing",
            "filter%5Biso%5D=a%20b%26c&filter%5Bservice%5D=a%20b%26c&filter%5Bsubservice%5D=a%20b%26c&filter%5Bstatus%5D=0&page=2",
            [],
            |c, x| c
                .voice()
                .list_pricing()
                .filter(
                    qikberry::voice::VoicePricingFilter::new()
                        .iso("a b&c")
                        .service("a b&c")
                        .subservice("a b&c")
                        .status("0".into())
                )
                .page(2)
                .send()
        ),
        call!(
            "verify_list_profiles",
            "filter%5Bid%5D=a%20b%26c&filter%5Bname%5D=a%20b%26c&filter%5Bstatus%5D=1&page=2",
            [],
            |c, x| c
                .verify()
                .list_profiles()
                .filter(
                    qikberry::verify::VerifyProfileFilter::new()
                        .id("a b&c")
                        .name("a b&c")
                        .status("1".into())
                )
                .page(2)
                .send()
        ),
        call!("verify_create_profile", "", [], |c, x| c
            .verify()
            .create_profile(x.body::<qikberry::verify::VerifyCreateProfileRequest>())
            .send()),
        call!("verify_get_profile", "", [], |c, x| c
            .verify()
            .get_profile(x.id())
            .send()),
        call!("verify_update_profile", "", [], |c, x| c
            .verify()
            .update_profile(
                x.id(),
                x.body::<qikberry::verify::VerifyUpdateProfileRequest>()
            )
            .send()),
        call!("verify_delete_profile", "", [], |c, x| c
            .verify()
            .delete_profile(x.id())
            .send()),
        call!("verify_add_profile_channels", "", [], |c, x| c
            .verify()
            .add_profile_channels(
                x.id(),
                x.body::<qikberry::verify::VerifyAddProfileChannelsRequest>()
            )
            .send()),
        call!("verify_update_profile_channels", "", [], |c, x| c
            .verify()
            .update_profile_channels(
                x.id(),
                x.body::<qikberry::verify::VerifyUpdateProfileChannelsRequest>()
            )
            .send()),
        call!("verify_delete_profile_channel", "", [], |c, x| c
            .verify()
            .delete_profile_channel(x.id(), x.id())
            .send()),
        call!("verify_send_otp", "", [], |c, x| c
            .verify()
            .send_otp(x.body::<qikberry::verify::VerifySendOtpRequest>())
            .send()),
        call!("verify_send_profile_otp", "", [], |c, x| c
            .verify()
            .send_profile_otp(x.body::<qikberry::verify::VerifySendProfileOtpRequest>())
            .send()),
        call!("verify_check_otp", "", [], |c, x| c
            .verify()
            .check_otp(x.id(), x.id())
            .send()),
        call!("verify_search_otp", "", [], |c, x| c
            .verify()
            .search_otp(x.id())
            .send()),
        call!("verify_cancel_otp", "", [], |c, x| c
            .verify()
            .cancel_otp(x.id())
            .send()),
        call!("contacts_list_contacts", "page=2", [], |c, x| c
            .contacts()
            .list_contacts()
            .page(2)
            .send()),
        call!("contacts_create_contact", "", [], |c, x| c
            .contacts()
            .create_contact(x.body::<qikberry::contacts::ContactsCreateContactRequest>())
            .send()),
        call!("contacts_get_contact", "", [], |c, x| c
            .contacts()
            .get_contact(x.id())
            .send()),
        call!("contacts_update_contact", "", [], |c, x| c
            .contacts()
            .update_contact(
                x.id(),
                x.body::<qikberry::contacts::ContactsUpdateContactRequest>()
            )
            .send()),
        call!("contacts_delete_contact", "", [], |c, x| c
            .contacts()
            .delete_contact(x.id())
            .send()),
        call!("contacts_list_contact_identifiers", "page=2", [], |c, x| c
            .contacts()
            .list_contact_identifiers(x.id())
            .page(2)
            .send()),
        call!("contacts_add_contact_identifier", "", [], |c, x| c
            .contacts()
            .add_contact_identifier(
                x.id(),
                x.body::<qikberry::contacts::ContactsAddContactIdentifierRequest>()
            )
            .send()),
        call!("contacts_get_contact_identifier", "", [], |c, x| c
            .contacts()
            .get_contact_identifier(x.id(), x.id())
            .send()),
        call!("contacts_update_contact_identifier", "", [], |c, x| c
            .contacts()
            .update_contact_identifier(
                x.id(),
                x.id(),
                x.body::<qikberry::contacts::ContactsUpdateContactIdentifierRequest>()
            )
            .send()),
        call!("contacts_delete_contact_identifier", "", [], |c, x| c
            .contacts()
            .delete_contact_identifier(x.id(), x.id())
            .send()),
        call!("contacts_list_tags", "page=2", [], |c, x| c
            .contacts()
            .list_tags()
            .page(2)
            .send()),
        call!("contacts_create_tag", "", [], |c, x| c
            .contacts()
            .create_tag(x.body::<qikberry::contacts::ContactsCreateTagRequest>())
            .send()),
        call!("contacts_get_tag", "", [], |c, x| c
            .contacts()
            .get_tag(x.id())
            .send()),
        call!("contacts_update_tag", "", [], |c, x| c
            .contacts()
            .update_tag(
                x.id(),
                x.body::<qikberry::contacts::ContactsUpdateTagRequest>()
            )
            .send()),
        call!("contacts_delete_tag", "", [], |c, x| c
            .contacts()
            .delete_tag(x.id())
            .send()),
        call!("contacts_list_segments", "page=2", [], |c, x| c
            .contacts()
            .list_segments()
            .page(2)
            .send()),
        call!("contacts_create_segment", "", [], |c, x| c
            .contacts()
            .create_segment(x.body::<qikberry::contacts::ContactsCreateSegmentRequest>())
            .send()),
        call!("contacts_get_segment", "", [], |c, x| c
            .contacts()
            .get_segment(x.id())
            .send()),
        call!("contacts_update_segment", "", [], |c, x| c
            .contacts()
            .update_segment(
                x.id(),
                x.body::<qikberry::contacts::ContactsUpdateSegmentRequest>()
            )
            .send()),
        call!("contacts_delete_segment", "", [], |c, x| c
            .contacts()
            .delete_segment(x.id())
            .send()),
        call!("contacts_list_segment_subscribers", "page=2", [], |c, x| c
            .contacts()
            .list_segment_subscribers(x.id())
            .page(2)
            .send()),
        call!("contacts_list_imports", "page=2", [], |c, x| c
            .contacts()
            .list_imports()
            .page(2)
            .send()),
        call!(
            "contacts_import_subscribers",
            "",
            [("replace_tags", "a b&c")],
            |c, x| c
                .contacts()
                .import_subscribers(x.file())
                .replace_tags("a b&c")
                .send()
        ),
        call!("contacts_get_import", "", [], |c, x| c
            .contacts()
            .get_import(x.id())
            .send()),
        call!("contacts_delete_import", "", [], |c, x| c
            .contacts()
            .delete_import(x.id())
            .send()),
        call!("contacts_list_identifiers", "page=2", [], |c, x| c
            .contacts()
            .list_identifiers()
            .page(2)
            .send()),
        call!(
            "viber_list_templates",
            "filter%5Bid%5D=a%20b%26c&filter%5Bname%5D=a%20b%26c&filter%5Btype%5D=text&filter%5Bstatus%5D=1&page=2",
            [],
            |c, x| c
                .viber()
                .list_templates()
                .filter(
                    qikberry::viber::ViberTemplateFilter::new()
                        .id("a b&c")
                        .name("a b&c")
                        .r#type("text".into())
                        .status("1".into())
                )
                .page(2)
                .send()
        ),
        call!("viber_create_template", "", [], |c, x| c
            .viber()
            .create_template(x.body::<qikberry::viber::ViberCreateTemplateRequest>())
            .send()),
        call!("viber_get_template", "", [], |c, x| c
            .viber()
            .get_template(x.id())
            .send()),
        call!("viber_update_template", "", [], |c, x| c
            .viber()
            .update_template(
                x.id(),
                x.body::<qikberry::viber::ViberUpdateTemplateRequest>()
            )
            .send()),
        call!("viber_delete_template", "", [], |c, x| c
            .viber()
            .delete_template(x.id())
            .send()),
        call!("viber_list_unsubscribers", "page=2", [], |c, x| c
            .viber()
            .list_unsubscribers()
            .page(2)
            .send()),
        call!("viber_create_unsubscriber", "", [], |c, x| c
            .viber()
            .create_unsubscriber(x.body::<qikberry::viber::ViberUnsubscriberWrite>())
            .send()),
        call!("viber_clean_unsubscribers", "", [], |c, x| c
            .viber()
            .clean_unsubscribers()
            .send()),
        call!("viber_get_unsubscriber", "", [], |c, x| c
            .viber()
            .get_unsubscriber(x.id())
            .send()),
        call!("viber_update_unsubscriber", "", [], |c, x| c
            .viber()
            .update_unsubscriber(x.id(), x.body::<qikberry::viber::ViberUnsubscriberWrite>())
            .send()),
        call!("viber_delete_unsubscriber", "", [], |c, x| c
            .viber()
            .delete_unsubscriber(x.id())
            .send()),
        call!("viber_import_unsubscribers", "", [], |c, x| c
            .viber()
            .import_unsubscribers(x.file())
            .send()),
        call!("viber_send_message", "", [], |c, x| c
            .viber()
            .send_message(x.body::<qikberry::viber::ViberSendMessageRequest>())
            .send()),
        call!("viber_send_template", "", [], |c, x| c
            .viber()
            .send_template(x.body::<qikberry::viber::ViberSendTemplateRequest>())
            .send()),
        call!(
            "viber_get_message_status",
            "id=a%20b%26c&mobile=919000000001",
            [],
            |c, x| c
                .viber()
                .get_message_status()
                .id("a b&c")
                .mobile("+91 90000-00001")
                .send()
        ),
        call!(
            "viber_list_pricing",
            "filter%5Biso%5D=a%20b%26c&filter%5Bservice%5D=a%20b%26c&filter%5Bsubservice%5D=a%20b%26c&filter%5Bstatus%5D=0&page=2",
            [],
            |c, x| c
                .viber()
                .list_pricing()
                .filter(
                    qikberry::viber::ViberPricingFilter::new()
                        .iso("a b&c")
                        .service("a b&c")
                        .subservice("a b&c")
                        .status(qikberry::types::StringOrNumber::from(0i64))
                )
                .page(2)
                .send()
        ),
        call!(
            "whatsapp_list_templates",
            "filter%5Bid%5D=a%20b%26c&filter%5Bname%5D=a%20b%26c&filter%5Btype%5D=text&filter%5Bstatus%5D=1&page=2",
            [],
            |c, x| c
                .whatsapp()
                .list_templates()
                .filter(
                    qikberry::whatsapp::WhatsappTemplateFilter::new()
                        .id("a b&c")
                        .name("a b&c")
                        .r#type("text".into())
                        .status("1".into())
                )
                .page(2)
                .send()
        ),
        call!("whatsapp_create_template", "", [], |c, x| c
            .whatsapp()
            .create_template(x.body::<qikberry::whatsapp::WhatsappCreateTemplateRequest>())
            .send()),
        call!("whatsapp_delete_template", "", [], |c, x| c
            .whatsapp()
            .delete_template(x.id())
            .send()),
        call!(
            "whatsapp_list_unsubscribers",
            "filter%5Bid%5D=a%20b%26c&filter%5Biso%5D=a%20b%26c&filter%5Breceiver%5D=919000000001&filter%5Btype%5D=tag&filter%5Bvalue%5D=a%20b%26c&page=2",
            [],
            |c, x| c
                .whatsapp()
                .list_unsubscribers()
                .filter(
                    qikberry::whatsapp::WhatsappUnsubscriberFilter::new()
                        .id("a b&c")
                        .iso("a b&c")
                        .receiver("+91 90000-00001")
                        .r#type("tag".into())
                        .value("a b&c")
                )
                .page(2)
                .send()
        ),
        call!("whatsapp_create_unsubscriber", "", [], |c, x| c
            .whatsapp()
            .create_unsubscriber(x.body::<qikberry::whatsapp::WhatsappUnsubscriberWrite>())
            .send()),
        call!("whatsapp_clean_unsubscribers", "", [], |c, x| c
            .whatsapp()
            .clean_unsubscribers()
            .send()),
        call!("whatsapp_get_unsubscriber", "", [], |c, x| c
            .whatsapp()
            .get_unsubscriber(x.id())
            .send()),
        call!("whatsapp_update_unsubscriber", "", [], |c, x| c
            .whatsapp()
            .update_unsubscriber(
                x.id(),
                x.body::<qikberry::whatsapp::WhatsappUnsubscriberWrite>()
            )
            .send()),
        call!("whatsapp_delete_unsubscriber", "", [], |c, x| c
            .whatsapp()
            .delete_unsubscriber(x.id())
            .send()),
        call!("whatsapp_import_unsubscribers", "", [], |c, x| c
            .whatsapp()
            .import_unsubscribers(x.file())
            .send()),
        call!("whatsapp_send_template", "", [], |c, x| c
            .whatsapp()
            .send_template(x.body::<qikberry::whatsapp::WhatsappSendTemplateRequest>())
            .send()),
        call!("whatsapp_send_message", "", [], |c, x| c
            .whatsapp()
            .send_message(x.body::<qikberry::whatsapp::WhatsappSendMessageRequest>())
            .send()),
        call!(
            "whatsapp_get_message_status",
            "id=a%20b%26c&mobile=919000000001",
            [],
            |c, x| c
                .whatsapp()
                .get_message_status()
                .id("a b&c")
                .mobile("+91 90000-00001")
                .send()
        ),
        call!(
            "whatsapp_list_pricing",
            "filter%5Biso%5D=a%20b%26c&filter%5Bservice%5D=a%20b%26c&filter%5Bsubservice%5D=a%20b%26c&filter%5Bstatus%5D=0&page=2",
            [],
            |c, x| c
                .whatsapp()
                .list_pricing()
                .filter(
                    qikberry::whatsapp::WhatsappPricingFilter::new()
                        .iso("a b&c")
                        .service("a b&c")
                        .subservice("a b&c")
                        .status("0".into())
                )
                .page(2)
                .send()
        ),
    ]
}
