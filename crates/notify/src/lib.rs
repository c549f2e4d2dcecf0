//! Notifications (SPEC §6): events, the durable outbox, grouping and delivery to Telegram, Discord, email
//! and HTTP webhooks. Empty until the notifications issue builds it.
