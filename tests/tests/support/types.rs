//! Which generated type holds each operation's request body and success response, for
//! `roundtrip_examples.rs`. A new operation fails that test until it is listed here.
//! Scaffolded by `tests/peers/scaffold_rest_calls.py`.

use serde_json::Value;

/// Which side of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Request,
    Response,
}

fn rt<T: serde::de::DeserializeOwned + serde::Serialize>(v: Value) -> Result<Value, String> {
    let typed: T = crate::support::ops::serde_path_to_value(v)?;
    serde_json::to_value(&typed).map_err(|e| format!("cannot serialize back: {e}"))
}

/// Deserializes `value` into the generated type of `operation`'s `kind` and serializes it back;
/// `None` when the table has no such entry.
pub fn roundtrip(operation: &str, kind: Kind, value: Value) -> Option<Result<Value, String>> {
    Some(match (operation, kind) {
        ("auth_get_me", Kind::Response) => rt::<qikberry::auth::AuthGetMeResponse>(value),
        ("auth_generate_token", Kind::Response) => {
            rt::<qikberry::auth::AuthGenerateTokenResponse>(value)
        }
        ("auth_refresh_token", Kind::Response) => {
            rt::<qikberry::auth::AuthRefreshTokenResponse>(value)
        }
        ("webhooks_list_webhooks", Kind::Response) => {
            rt::<qikberry::webhooks::WebhooksListWebhooksResponse>(value)
        }
        ("webhooks_create_webhook", Kind::Request) => {
            rt::<qikberry::webhooks::WebhooksCreateWebhookRequest>(value)
        }
        ("webhooks_create_webhook", Kind::Response) => {
            rt::<qikberry::webhooks::WebhooksCreateWebhookResponse>(value)
        }
        ("webhooks_get_webhook", Kind::Response) => {
            rt::<qikberry::webhooks::WebhooksGetWebhookResponse>(value)
        }
        ("webhooks_update_webhook", Kind::Request) => {
            rt::<qikberry::webhooks::WebhooksUpdateWebhookRequest>(value)
        }
        ("webhooks_update_webhook", Kind::Response) => {
            rt::<qikberry::webhooks::WebhooksUpdateWebhookResponse>(value)
        }
        ("webhooks_delete_webhook", Kind::Response) => {
            rt::<qikberry::webhooks::WebhooksDeleteWebhookResponse>(value)
        }
        ("subscriptions_list_subscriptions", Kind::Response) => {
            rt::<qikberry::subscriptions::SubscriptionsListSubscriptionsResponse>(value)
        }
        ("subscriptions_create_subscription", Kind::Request) => {
            rt::<qikberry::subscriptions::SubscriptionsCreateSubscriptionRequest>(value)
        }
        ("subscriptions_create_subscription", Kind::Response) => {
            rt::<qikberry::subscriptions::SubscriptionsCreateSubscriptionResponse>(value)
        }
        ("subscriptions_get_subscription", Kind::Response) => {
            rt::<qikberry::subscriptions::SubscriptionsGetSubscriptionResponse>(value)
        }
        ("subscriptions_delete_subscription", Kind::Response) => {
            rt::<qikberry::subscriptions::SubscriptionsDeleteSubscriptionResponse>(value)
        }
        ("sms_list_senders", Kind::Response) => rt::<qikberry::sms::SmsListSendersResponse>(value),
        ("sms_create_sender", Kind::Request) => rt::<qikberry::sms::SmsCreateSenderRequest>(value),
        ("sms_create_sender", Kind::Response) => {
            rt::<qikberry::sms::SmsCreateSenderResponse>(value)
        }
        ("sms_get_sender", Kind::Response) => rt::<qikberry::sms::SmsGetSenderResponse>(value),
        ("sms_update_sender", Kind::Request) => rt::<qikberry::sms::SmsUpdateSenderRequest>(value),
        ("sms_update_sender", Kind::Response) => {
            rt::<qikberry::sms::SmsUpdateSenderResponse>(value)
        }
        ("sms_delete_sender", Kind::Response) => {
            rt::<qikberry::sms::SmsDeleteSenderResponse>(value)
        }
        ("sms_list_templates", Kind::Response) => {
            rt::<qikberry::sms::SmsListTemplatesResponse>(value)
        }
        ("sms_create_template", Kind::Request) => {
            rt::<qikberry::sms::SmsCreateTemplateRequest>(value)
        }
        ("sms_create_template", Kind::Response) => {
            rt::<qikberry::sms::SmsCreateTemplateResponse>(value)
        }
        ("sms_get_template", Kind::Response) => rt::<qikberry::sms::SmsGetTemplateResponse>(value),
        ("sms_update_template", Kind::Request) => {
            rt::<qikberry::sms::SmsUpdateTemplateRequest>(value)
        }
        ("sms_update_template", Kind::Response) => {
            rt::<qikberry::sms::SmsUpdateTemplateResponse>(value)
        }
        ("sms_delete_template", Kind::Response) => {
            rt::<qikberry::sms::SmsDeleteTemplateResponse>(value)
        }
        ("sms_list_unsubscribers", Kind::Response) => {
            rt::<qikberry::sms::SmsListUnsubscribersResponse>(value)
        }
        ("sms_create_unsubscriber", Kind::Request) => {
            rt::<qikberry::sms::SmsCreateUnsubscriberRequest>(value)
        }
        ("sms_create_unsubscriber", Kind::Response) => {
            rt::<qikberry::sms::SmsCreateUnsubscriberResponse>(value)
        }
        ("sms_clean_unsubscribers", Kind::Response) => {
            rt::<qikberry::sms::SmsCleanUnsubscribersResponse>(value)
        }
        ("sms_get_unsubscriber", Kind::Response) => {
            rt::<qikberry::sms::SmsGetUnsubscriberResponse>(value)
        }
        ("sms_update_unsubscriber", Kind::Request) => {
            rt::<qikberry::sms::SmsUpdateUnsubscriberRequest>(value)
        }
        ("sms_update_unsubscriber", Kind::Response) => {
            rt::<qikberry::sms::SmsUpdateUnsubscriberResponse>(value)
        }
        ("sms_delete_unsubscriber", Kind::Response) => {
            rt::<qikberry::sms::SmsDeleteUnsubscriberResponse>(value)
        }
        ("sms_import_unsubscribers", Kind::Response) => {
            rt::<qikberry::sms::SmsImportUnsubscribersResponse>(value)
        }
        ("sms_list_blocked_templates", Kind::Response) => {
            rt::<qikberry::sms::SmsListBlockedTemplatesResponse>(value)
        }
        ("sms_create_blocked_template", Kind::Request) => {
            rt::<qikberry::sms::SmsCreateBlockedTemplateRequest>(value)
        }
        ("sms_create_blocked_template", Kind::Response) => {
            rt::<qikberry::sms::SmsCreateBlockedTemplateResponse>(value)
        }
        ("sms_clean_blocked_templates", Kind::Response) => {
            rt::<qikberry::sms::SmsCleanBlockedTemplatesResponse>(value)
        }
        ("sms_get_blocked_template", Kind::Response) => {
            rt::<qikberry::sms::SmsGetBlockedTemplateResponse>(value)
        }
        ("sms_update_blocked_template", Kind::Request) => {
            rt::<qikberry::sms::SmsUpdateBlockedTemplateRequest>(value)
        }
        ("sms_update_blocked_template", Kind::Response) => {
            rt::<qikberry::sms::SmsUpdateBlockedTemplateResponse>(value)
        }
        ("sms_delete_blocked_template", Kind::Response) => {
            rt::<qikberry::sms::SmsDeleteBlockedTemplateResponse>(value)
        }
        ("sms_import_blocked_templates", Kind::Response) => {
            rt::<qikberry::sms::SmsImportBlockedTemplatesResponse>(value)
        }
        ("sms_send_message", Kind::Request) => rt::<qikberry::sms::SmsSendMessageRequest>(value),
        ("sms_send_message", Kind::Response) => rt::<qikberry::sms::SmsSendMessageResponse>(value),
        ("sms_send_template_message", Kind::Request) => {
            rt::<qikberry::sms::SmsSendTemplateMessageRequest>(value)
        }
        ("sms_send_template_message", Kind::Response) => {
            rt::<qikberry::sms::SmsSendTemplateMessageResponse>(value)
        }
        ("sms_send_text_message", Kind::Request) => {
            rt::<qikberry::sms::SmsSendTextMessageRequest>(value)
        }
        ("sms_send_text_message", Kind::Response) => {
            rt::<qikberry::sms::SmsSendTextMessageResponse>(value)
        }
        ("sms_get_delivery_status", Kind::Response) => {
            rt::<qikberry::sms::SmsGetDeliveryStatusResponse>(value)
        }
        ("sms_list_pricing", Kind::Response) => rt::<qikberry::sms::SmsListPricingResponse>(value),
        ("account_get_balance", Kind::Response) => {
            rt::<qikberry::account::AccountGetBalanceResponse>(value)
        }
        ("account_add_credits", Kind::Request) => {
            rt::<qikberry::account::AccountAddCreditsRequest>(value)
        }
        ("account_add_credits", Kind::Response) => {
            rt::<qikberry::account::AccountAddCreditsResponse>(value)
        }
        ("integrations_send_clevertap_sms", Kind::Request) => {
            rt::<qikberry::integrations::IntegrationsSendClevertapSmsRequest>(value)
        }
        ("integrations_send_clevertap_sms", Kind::Response) => {
            rt::<qikberry::integrations::IntegrationsSendClevertapSmsResponse>(value)
        }
        ("integrations_send_clevertap_json", Kind::Request) => {
            rt::<qikberry::integrations::IntegrationsSendClevertapJsonRequest>(value)
        }
        ("integrations_send_clevertap_json", Kind::Response) => {
            rt::<qikberry::integrations::IntegrationsSendClevertapJsonResponse>(value)
        }
        ("integrations_send_moengage_sms", Kind::Request) => {
            rt::<qikberry::integrations::IntegrationsSendMoengageSmsRequest>(value)
        }
        ("integrations_send_moengage_sms", Kind::Response) => {
            rt::<qikberry::integrations::IntegrationsSendMoengageSmsResponse>(value)
        }
        ("rcs_list_templates", Kind::Response) => {
            rt::<qikberry::rcs::RcsListTemplatesResponse>(value)
        }
        ("rcs_create_template", Kind::Request) => {
            rt::<qikberry::rcs::RcsCreateTemplateRequest>(value)
        }
        ("rcs_create_template", Kind::Response) => {
            rt::<qikberry::rcs::RcsCreateTemplateResponse>(value)
        }
        ("rcs_get_template", Kind::Response) => rt::<qikberry::rcs::RcsGetTemplateResponse>(value),
        ("rcs_update_template", Kind::Request) => {
            rt::<qikberry::rcs::RcsUpdateTemplateRequest>(value)
        }
        ("rcs_update_template", Kind::Response) => {
            rt::<qikberry::rcs::RcsUpdateTemplateResponse>(value)
        }
        ("rcs_delete_template", Kind::Response) => {
            rt::<qikberry::rcs::RcsDeleteTemplateResponse>(value)
        }
        ("rcs_list_unsubscribers", Kind::Response) => {
            rt::<qikberry::rcs::RcsListUnsubscribersResponse>(value)
        }
        ("rcs_create_unsubscriber", Kind::Request) => {
            rt::<qikberry::rcs::RcsCreateUnsubscriberRequest>(value)
        }
        ("rcs_create_unsubscriber", Kind::Response) => {
            rt::<qikberry::rcs::RcsCreateUnsubscriberResponse>(value)
        }
        ("rcs_clean_unsubscribers", Kind::Response) => {
            rt::<qikberry::rcs::RcsCleanUnsubscribersResponse>(value)
        }
        ("rcs_get_unsubscriber", Kind::Response) => {
            rt::<qikberry::rcs::RcsGetUnsubscriberResponse>(value)
        }
        ("rcs_update_unsubscriber", Kind::Request) => {
            rt::<qikberry::rcs::RcsUpdateUnsubscriberRequest>(value)
        }
        ("rcs_update_unsubscriber", Kind::Response) => {
            rt::<qikberry::rcs::RcsUpdateUnsubscriberResponse>(value)
        }
        ("rcs_delete_unsubscriber", Kind::Response) => {
            rt::<qikberry::rcs::RcsDeleteUnsubscriberResponse>(value)
        }
        ("rcs_import_unsubscribers", Kind::Response) => {
            rt::<qikberry::rcs::RcsImportUnsubscribersResponse>(value)
        }
        ("rcs_send_message", Kind::Request) => rt::<qikberry::rcs::RcsSendMessageRequest>(value),
        ("rcs_send_message", Kind::Response) => rt::<qikberry::rcs::RcsSendMessageResponse>(value),
        ("rcs_send_template", Kind::Request) => rt::<qikberry::rcs::RcsSendTemplateRequest>(value),
        ("rcs_send_template", Kind::Response) => {
            rt::<qikberry::rcs::RcsSendTemplateResponse>(value)
        }
        ("rcs_get_message_status", Kind::Response) => {
            rt::<qikberry::rcs::RcsGetMessageStatusResponse>(value)
        }
        ("rcs_list_pricing", Kind::Response) => rt::<qikberry::rcs::RcsListPricingResponse>(value),
        ("smart_links_list_visits", Kind::Response) => {
            rt::<qikberry::smart_links::SmartLinksListVisitsResponse>(value)
        }
        ("voice_list_unsubscribers", Kind::Response) => {
            rt::<qikberry::voice::VoiceListUnsubscribersResponse>(value)
        }
        ("voice_create_unsubscriber", Kind::Request) => {
            rt::<qikberry::voice::VoiceCreateUnsubscriberRequest>(value)
        }
        ("voice_create_unsubscriber", Kind::Response) => {
            rt::<qikberry::voice::VoiceCreateUnsubscriberResponse>(value)
        }
        ("voice_clean_unsubscribers", Kind::Response) => {
            rt::<qikberry::voice::VoiceCleanUnsubscribersResponse>(value)
        }
        ("voice_get_unsubscriber", Kind::Response) => {
            rt::<qikberry::voice::VoiceGetUnsubscriberResponse>(value)
        }
        ("voice_update_unsubscriber", Kind::Request) => {
            rt::<qikberry::voice::VoiceUpdateUnsubscriberRequest>(value)
        }
        ("voice_update_unsubscriber", Kind::Response) => {
            rt::<qikberry::voice::VoiceUpdateUnsubscriberResponse>(value)
        }
        ("voice_delete_unsubscriber", Kind::Response) => {
            rt::<qikberry::voice::VoiceDeleteUnsubscriberResponse>(value)
        }
        ("voice_import_unsubscribers", Kind::Response) => {
            rt::<qikberry::voice::VoiceImportUnsubscribersResponse>(value)
        }
        ("voice_create_call", Kind::Request) => {
            rt::<qikberry::voice::VoiceCreateCallRequest>(value)
        }
        ("voice_create_call", Kind::Response) => {
            rt::<qikberry::voice::VoiceCreateCallResponse>(value)
        }
        ("voice_create_bulk_calls", Kind::Request) => {
            rt::<qikberry::voice::VoiceCreateBulkCallsRequest>(value)
        }
        ("voice_create_bulk_calls", Kind::Response) => {
            rt::<qikberry::voice::VoiceCreateBulkCallsResponse>(value)
        }
        ("voice_create_tts_call", Kind::Request) => {
            rt::<qikberry::voice::VoiceCreateTtsCallRequest>(value)
        }
        ("voice_create_tts_call", Kind::Response) => {
            rt::<qikberry::voice::VoiceCreateTtsCallResponse>(value)
        }
        ("voice_create_click_to_call", Kind::Request) => {
            rt::<qikberry::voice::VoiceCreateClickToCallRequest>(value)
        }
        ("voice_create_click_to_call", Kind::Response) => {
            rt::<qikberry::voice::VoiceCreateClickToCallResponse>(value)
        }
        ("voice_list_call_logs", Kind::Response) => {
            rt::<qikberry::voice::VoiceListCallLogsResponse>(value)
        }
        ("voice_list_recordings", Kind::Response) => {
            rt::<qikberry::voice::VoiceListRecordingsResponse>(value)
        }
        ("voice_get_call_status", Kind::Response) => {
            rt::<qikberry::voice::VoiceGetCallStatusResponse>(value)
        }
        ("voice_create_sound", Kind::Response) => {
            rt::<qikberry::voice::VoiceCreateSoundResponse>(value)
        }
        ("voice_list_pricing", Kind::Response) => {
            rt::<qikberry::voice::VoiceListPricingResponse>(value)
        }
        ("verify_list_profiles", Kind::Response) => {
            rt::<qikberry::verify::VerifyListProfilesResponse>(value)
        }
        ("verify_create_profile", Kind::Request) => {
            rt::<qikberry::verify::VerifyCreateProfileRequest>(value)
        }
        ("verify_create_profile", Kind::Response) => {
            rt::<qikberry::verify::VerifyCreateProfileResponse>(value)
        }
        ("verify_get_profile", Kind::Response) => {
            rt::<qikberry::verify::VerifyGetProfileResponse>(value)
        }
        ("verify_update_profile", Kind::Request) => {
            rt::<qikberry::verify::VerifyUpdateProfileRequest>(value)
        }
        ("verify_update_profile", Kind::Response) => {
            rt::<qikberry::verify::VerifyUpdateProfileResponse>(value)
        }
        ("verify_delete_profile", Kind::Response) => {
            rt::<qikberry::verify::VerifyDeleteProfileResponse>(value)
        }
        ("verify_add_profile_channels", Kind::Request) => {
            rt::<qikberry::verify::VerifyAddProfileChannelsRequest>(value)
        }
        ("verify_add_profile_channels", Kind::Response) => {
            rt::<qikberry::verify::VerifyAddProfileChannelsResponse>(value)
        }
        ("verify_update_profile_channels", Kind::Request) => {
            rt::<qikberry::verify::VerifyUpdateProfileChannelsRequest>(value)
        }
        ("verify_update_profile_channels", Kind::Response) => {
            rt::<qikberry::verify::VerifyUpdateProfileChannelsResponse>(value)
        }
        ("verify_delete_profile_channel", Kind::Response) => {
            rt::<qikberry::verify::VerifyDeleteProfileChannelResponse>(value)
        }
        ("verify_send_otp", Kind::Request) => rt::<qikberry::verify::VerifySendOtpRequest>(value),
        ("verify_send_otp", Kind::Response) => rt::<qikberry::verify::VerifySendOtpResponse>(value),
        ("verify_send_profile_otp", Kind::Request) => {
            rt::<qikberry::verify::VerifySendProfileOtpRequest>(value)
        }
        ("verify_send_profile_otp", Kind::Response) => {
            rt::<qikberry::verify::VerifySendProfileOtpResponse>(value)
        }
        ("verify_check_otp", Kind::Response) => {
            rt::<qikberry::verify::VerifyCheckOtpResponse>(value)
        }
        ("verify_search_otp", Kind::Response) => {
            rt::<qikberry::verify::VerifySearchOtpResponse>(value)
        }
        ("verify_cancel_otp", Kind::Response) => {
            rt::<qikberry::verify::VerifyCancelOtpResponse>(value)
        }
        ("contacts_list_contacts", Kind::Response) => {
            rt::<qikberry::contacts::ContactsListContactsResponse>(value)
        }
        ("contacts_create_contact", Kind::Request) => {
            rt::<qikberry::contacts::ContactsCreateContactRequest>(value)
        }
        ("contacts_create_contact", Kind::Response) => {
            rt::<qikberry::contacts::ContactsCreateContactResponse>(value)
        }
        ("contacts_get_contact", Kind::Response) => {
            rt::<qikberry::contacts::ContactsGetContactResponse>(value)
        }
        ("contacts_update_contact", Kind::Request) => {
            rt::<qikberry::contacts::ContactsUpdateContactRequest>(value)
        }
        ("contacts_update_contact", Kind::Response) => {
            rt::<qikberry::contacts::ContactsUpdateContactResponse>(value)
        }
        ("contacts_delete_contact", Kind::Response) => {
            rt::<qikberry::contacts::ContactsDeleteContactResponse>(value)
        }
        ("contacts_list_contact_identifiers", Kind::Response) => {
            rt::<qikberry::contacts::ContactsListContactIdentifiersResponse>(value)
        }
        ("contacts_add_contact_identifier", Kind::Request) => {
            rt::<qikberry::contacts::ContactsAddContactIdentifierRequest>(value)
        }
        ("contacts_add_contact_identifier", Kind::Response) => {
            rt::<qikberry::contacts::ContactsAddContactIdentifierResponse>(value)
        }
        ("contacts_get_contact_identifier", Kind::Response) => {
            rt::<qikberry::contacts::ContactsGetContactIdentifierResponse>(value)
        }
        ("contacts_update_contact_identifier", Kind::Request) => {
            rt::<qikberry::contacts::ContactsUpdateContactIdentifierRequest>(value)
        }
        ("contacts_update_contact_identifier", Kind::Response) => {
            rt::<qikberry::contacts::ContactsUpdateContactIdentifierResponse>(value)
        }
        ("contacts_delete_contact_identifier", Kind::Response) => {
            rt::<qikberry::contacts::ContactsDeleteContactIdentifierResponse>(value)
        }
        ("contacts_list_tags", Kind::Response) => {
            rt::<qikberry::contacts::ContactsListTagsResponse>(value)
        }
        ("contacts_create_tag", Kind::Request) => {
            rt::<qikberry::contacts::ContactsCreateTagRequest>(value)
        }
        ("contacts_create_tag", Kind::Response) => {
            rt::<qikberry::contacts::ContactsCreateTagResponse>(value)
        }
        ("contacts_get_tag", Kind::Response) => {
            rt::<qikberry::contacts::ContactsGetTagResponse>(value)
        }
        ("contacts_update_tag", Kind::Request) => {
            rt::<qikberry::contacts::ContactsUpdateTagRequest>(value)
        }
        ("contacts_update_tag", Kind::Response) => {
            rt::<qikberry::contacts::ContactsUpdateTagResponse>(value)
        }
        ("contacts_delete_tag", Kind::Response) => {
            rt::<qikberry::contacts::ContactsDeleteTagResponse>(value)
        }
        ("contacts_list_segments", Kind::Response) => {
            rt::<qikberry::contacts::ContactsListSegmentsResponse>(value)
        }
        ("contacts_create_segment", Kind::Request) => {
            rt::<qikberry::contacts::ContactsCreateSegmentRequest>(value)
        }
        ("contacts_create_segment", Kind::Response) => {
            rt::<qikberry::contacts::ContactsCreateSegmentResponse>(value)
        }
        ("contacts_get_segment", Kind::Response) => {
            rt::<qikberry::contacts::ContactsGetSegmentResponse>(value)
        }
        ("contacts_update_segment", Kind::Request) => {
            rt::<qikberry::contacts::ContactsUpdateSegmentRequest>(value)
        }
        ("contacts_update_segment", Kind::Response) => {
            rt::<qikberry::contacts::ContactsUpdateSegmentResponse>(value)
        }
        ("contacts_delete_segment", Kind::Response) => {
            rt::<qikberry::contacts::ContactsDeleteSegmentResponse>(value)
        }
        ("contacts_list_segment_subscribers", Kind::Response) => {
            rt::<qikberry::contacts::ContactsListSegmentSubscribersResponse>(value)
        }
        ("contacts_list_imports", Kind::Response) => {
            rt::<qikberry::contacts::ContactsListImportsResponse>(value)
        }
        ("contacts_import_subscribers", Kind::Response) => {
            rt::<qikberry::contacts::ContactsImportSubscribersResponse>(value)
        }
        ("contacts_get_import", Kind::Response) => {
            rt::<qikberry::contacts::ContactsGetImportResponse>(value)
        }
        ("contacts_delete_import", Kind::Response) => {
            rt::<qikberry::contacts::ContactsDeleteImportResponse>(value)
        }
        ("contacts_list_identifiers", Kind::Response) => {
            rt::<qikberry::contacts::ContactsListIdentifiersResponse>(value)
        }
        ("viber_list_templates", Kind::Response) => {
            rt::<qikberry::viber::ViberListTemplatesResponse>(value)
        }
        ("viber_create_template", Kind::Request) => {
            rt::<qikberry::viber::ViberCreateTemplateRequest>(value)
        }
        ("viber_create_template", Kind::Response) => {
            rt::<qikberry::viber::ViberCreateTemplateResponse>(value)
        }
        ("viber_get_template", Kind::Response) => {
            rt::<qikberry::viber::ViberGetTemplateResponse>(value)
        }
        ("viber_update_template", Kind::Request) => {
            rt::<qikberry::viber::ViberUpdateTemplateRequest>(value)
        }
        ("viber_update_template", Kind::Response) => {
            rt::<qikberry::viber::ViberUpdateTemplateResponse>(value)
        }
        ("viber_delete_template", Kind::Response) => {
            rt::<qikberry::viber::ViberDeleteTemplateResponse>(value)
        }
        ("viber_list_unsubscribers", Kind::Response) => {
            rt::<qikberry::viber::ViberListUnsubscribersResponse>(value)
        }
        ("viber_create_unsubscriber", Kind::Request) => {
            rt::<qikberry::viber::ViberUnsubscriberWrite>(value)
        }
        ("viber_create_unsubscriber", Kind::Response) => {
            rt::<qikberry::viber::ViberCreateUnsubscriberResponse>(value)
        }
        ("viber_clean_unsubscribers", Kind::Response) => {
            rt::<qikberry::viber::ViberCleanUnsubscribersResponse>(value)
        }
        ("viber_get_unsubscriber", Kind::Response) => {
            rt::<qikberry::viber::ViberGetUnsubscriberResponse>(value)
        }
        ("viber_update_unsubscriber", Kind::Request) => {
            rt::<qikberry::viber::ViberUnsubscriberWrite>(value)
        }
        ("viber_update_unsubscriber", Kind::Response) => {
            rt::<qikberry::viber::ViberUpdateUnsubscriberResponse>(value)
        }
        ("viber_delete_unsubscriber", Kind::Response) => {
            rt::<qikberry::viber::ViberDeleteUnsubscriberResponse>(value)
        }
        ("viber_import_unsubscribers", Kind::Response) => {
            rt::<qikberry::viber::ViberImportUnsubscribersResponse>(value)
        }
        ("viber_send_message", Kind::Request) => {
            rt::<qikberry::viber::ViberSendMessageRequest>(value)
        }
        ("viber_send_message", Kind::Response) => {
            rt::<qikberry::viber::ViberSendMessageResponse>(value)
        }
        ("viber_send_template", Kind::Request) => {
            rt::<qikberry::viber::ViberSendTemplateRequest>(value)
        }
        ("viber_send_template", Kind::Response) => {
            rt::<qikberry::viber::ViberSendTemplateResponse>(value)
        }
        ("viber_get_message_status", Kind::Response) => {
            rt::<qikberry::viber::ViberGetMessageStatusResponse>(value)
        }
        ("viber_list_pricing", Kind::Response) => {
            rt::<qikberry::viber::ViberListPricingResponse>(value)
        }
        ("whatsapp_list_templates", Kind::Response) => {
            rt::<qikberry::whatsapp::WhatsappListTemplatesResponse>(value)
        }
        ("whatsapp_create_template", Kind::Request) => {
            rt::<qikberry::whatsapp::WhatsappCreateTemplateRequest>(value)
        }
        ("whatsapp_create_template", Kind::Response) => {
            rt::<qikberry::whatsapp::WhatsappCreateTemplateResponse>(value)
        }
        ("whatsapp_delete_template", Kind::Response) => {
            rt::<qikberry::whatsapp::WhatsappDeleteTemplateResponse>(value)
        }
        ("whatsapp_list_unsubscribers", Kind::Response) => {
            rt::<qikberry::whatsapp::WhatsappListUnsubscribersResponse>(value)
        }
        ("whatsapp_create_unsubscriber", Kind::Request) => {
            rt::<qikberry::whatsapp::WhatsappUnsubscriberWrite>(value)
        }
        ("whatsapp_create_unsubscriber", Kind::Response) => {
            rt::<qikberry::whatsapp::WhatsappCreateUnsubscriberResponse>(value)
        }
        ("whatsapp_clean_unsubscribers", Kind::Response) => {
            rt::<qikberry::whatsapp::WhatsappCleanUnsubscribersResponse>(value)
        }
        ("whatsapp_get_unsubscriber", Kind::Response) => {
            rt::<qikberry::whatsapp::WhatsappGetUnsubscriberResponse>(value)
        }
        ("whatsapp_update_unsubscriber", Kind::Request) => {
            rt::<qikberry::whatsapp::WhatsappUnsubscriberWrite>(value)
        }
        ("whatsapp_update_unsubscriber", Kind::Response) => {
            rt::<qikberry::whatsapp::WhatsappUpdateUnsubscriberResponse>(value)
        }
        ("whatsapp_delete_unsubscriber", Kind::Response) => {
            rt::<qikberry::whatsapp::WhatsappDeleteUnsubscriberResponse>(value)
        }
        ("whatsapp_import_unsubscribers", Kind::Response) => {
            rt::<qikberry::whatsapp::WhatsappImportUnsubscribersResponse>(value)
        }
        ("whatsapp_send_template", Kind::Request) => {
            rt::<qikberry::whatsapp::WhatsappSendTemplateRequest>(value)
        }
        ("whatsapp_send_template", Kind::Response) => {
            rt::<qikberry::whatsapp::WhatsappSendTemplateResponse>(value)
        }
        ("whatsapp_send_message", Kind::Request) => {
            rt::<qikberry::whatsapp::WhatsappSendMessageRequest>(value)
        }
        ("whatsapp_send_message", Kind::Response) => {
            rt::<qikberry::whatsapp::WhatsappSendMessageResponse>(value)
        }
        ("whatsapp_get_message_status", Kind::Response) => {
            rt::<qikberry::whatsapp::WhatsappGetMessageStatusResponse>(value)
        }
        ("whatsapp_list_pricing", Kind::Response) => {
            rt::<qikberry::whatsapp::WhatsappListPricingResponse>(value)
        }
        _ => return None,
    })
}
